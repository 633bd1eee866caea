// The Catch2 main, compiled once: the header is slow to compile and changes never.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
