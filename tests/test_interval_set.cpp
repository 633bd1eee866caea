#include <catch2/catch.hpp>

#include "analysis/interval_set.hpp"

using flowgap::analysis::IntervalSet;

TEST_CASE("interval sets merge adjacent intervals") {
    IntervalSet<uint32_t> s(1, 3);
    s.add(4, 6);
    REQUIRE(s.intervals().size() == 1);
    REQUIRE(s.max() == 6);
}
