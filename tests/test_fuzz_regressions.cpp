// Every input a fuzz target once failed on (fuzz/regressions/<target>/), replayed through the
// same entry (fuzz/entries.hpp) in the normal build: it must end in success or an InputError,
// never a crash or another exception. Adding a finding: docs/testing.md.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "fuzz/entries.hpp"

namespace fs = std::filesystem;

namespace {

std::string bytes_of(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

TEST_CASE("fuzz regressions replay as success or InputError", "[fuzz]") {
    const fs::path root = fs::path(FLOWGAP_SOURCE_DIR) / "fuzz" / "regressions";
    if (!fs::exists(root)) return;
    for (const auto& dir : fs::directory_iterator(root)) {
        if (!dir.is_directory()) continue;
        const std::string target = dir.path().filename().string();
        for (const auto& file : fs::directory_iterator(dir.path())) {
            if (!file.is_regular_file() || file.path().filename() == ".gitkeep") continue;
            INFO(file.path().string());
            bool known = false;
            REQUIRE_NOTHROW(known = flowgap::fuzz::replay(target, bytes_of(file.path())));
            CHECK(known);
        }
    }
}
