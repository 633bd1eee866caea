// Every input a fuzz target once failed on (fuzz/regressions/<target>/), replayed through the
// same entry (fuzz/entries.hpp) in the normal build: it must end in success or an InputError,
// never a crash or another exception. Adding a finding: docs/testing.md.
#include <filesystem>
#include <fstream>
#include <map>
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

// Until a finding lands in fuzz/regressions/, the test above replays nothing. This one gives the
// same entries something real at every run: each fixture of a target's kind, whole and cut short
// at three places (a truncated export is the commonest bad upload), must end in success or an
// InputError, and every target must have had inputs.
TEST_CASE("fuzz entries take every fixture, whole and truncated, without a crash", "[fuzz]") {
    const fs::path fixtures = fs::path(FLOWGAP_SOURCE_DIR) / "fixtures";
    auto target_of = [](const fs::path& p) -> std::string {
        std::string ext = p.extension().string(), s = p.string();
        if (ext == ".rules") return "iptables";
        if (ext == ".nft" || (ext == ".json" && s.find("nftables") != std::string::npos)) return "nftables";
        if (ext == ".xml") return "paloalto_xml";
        if (ext == ".yaml") return "deployment";
        bool windows = s.find("netsh") != std::string::npos;
        if (windows && ext == ".json") return "netsh_json";
        if (windows && (ext == ".txt" || ext == ".cmd" || ext == ".ps1")) return "netsh_text";
        if (ext == ".txt" && s.find("paloalto") != std::string::npos) return "paloalto_text";
        return "";
    };
    std::map<std::string, size_t> replayed;
    for (const auto& e : fs::recursive_directory_iterator(fixtures)) {
        std::string target = e.is_regular_file() ? target_of(e.path()) : "";
        if (target.empty()) continue;
        const std::string bytes = bytes_of(e.path());
        for (size_t cut : {bytes.size(), bytes.size() * 3 / 4, bytes.size() / 2, bytes.size() / 4}) {
            INFO(e.path().string() << " cut at " << cut);
            bool known = false;
            REQUIRE_NOTHROW(known = flowgap::fuzz::replay(target, std::string_view(bytes).substr(0, cut)));
            CHECK(known);
            ++replayed[target];
        }
    }
    for (const char* t :
         {"iptables", "paloalto_xml", "paloalto_text", "netsh_text", "netsh_json", "nftables", "deployment"}) {
        INFO(t);
        CHECK(replayed[t] > 0);
    }
}
