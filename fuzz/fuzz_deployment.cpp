// libFuzzer target deployment: the bytes through the entry fuzz::replay("deployment") names
// (fuzz/entries.hpp), called directly so that the target links only the libraries it needs.
// Seeds and dictionary: fuzz/run.sh, fuzz/dict/deployment.dict.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/entries.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    flowgap::fuzz::read_deployment(bytes);
    return 0;
}
