// libFuzzer target multipart: the bytes through the entry fuzz::replay("multipart") names
// (fuzz/entries.hpp), called directly so that the target links only the libraries it needs.
// Seeds and dictionary: fuzz/run.sh, fuzz/dict/multipart.dict, fuzz/seeds/multipart.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/entries.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    flowgap::fuzz::read_form(bytes);
    return 0;
}
