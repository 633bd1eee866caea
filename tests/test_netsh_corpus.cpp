// The netsh parser on the shared corpus (../shared/corpus/netsh, read in place): every file is
// recognized, parses or is rejected with a located explanation, and a few facts are pinned
// (504 rules: grep -c '^Rule Name:'; 285 enabled: grep -c '^Enabled: *Yes').
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "parsers/parse.hpp"
#include "test_netsh_util.hpp"

using namespace flowgap::analysis;
using namespace flowgap::testing::netsh;
namespace fs = std::filesystem;

namespace {

const fs::path kCorpus = FLOWGAP_SOURCE_DIR "/../shared/corpus/netsh";

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return std::move(s).str();
}

bool corpus_present() {
    if (fs::is_directory(kCorpus)) return true;
    WARN("netsh corpus not found at " << kCorpus << "; skipped");
    return false;
}

size_t kept(const Firewall& fw) {
    size_t n = 0;
    for (const auto& p : fw.policies)
        n += p.rules.size();
    return n;
}

}  // namespace

TEST_CASE("netsh corpus: every file is recognized and parses or is rejected with a reason", "[netsh]") {
    if (!corpus_present()) return;
    size_t files = 0;
    for (const auto& entry : fs::directory_iterator(kCorpus)) {
        std::string content = read(entry.path());
        INFO(entry.path().filename().string());
        CHECK(flowgap::parsers::detect_format(content) == "netsh");
        ++files;
        try {
            Firewall fw = parse_netsh(content);
            CHECK(fw.policies.size() == 2);
            for (const auto& p : fw.policies) {
                for (const auto& r : p.rules) {
                    REQUIRE(r.location.line > 0);
                    REQUIRE_FALSE(r.text.empty());
                }
            }
        } catch (const InputError& e) {
            CHECK(entry.path().filename().string().find("powershell") != std::string::npos);
            CHECK(e.location().line > 0);
            CHECK(std::string(e.what()).find("Format-List") != std::string::npos);
        }
    }
    CHECK(files >= 3);
}

TEST_CASE("netsh corpus: the Windows 11 listing", "[netsh]") {
    if (!corpus_present()) return;
    std::string content = read(kCorpus / "win11_netsh_show_rule_name-all_504rules.txt");
    Firewall fw = parse_netsh(content);
    CHECK(fw.rule_count == 504);
    CHECK(kept(fw) == 285);
    CHECK(has_warning(fw, "assuming Windows' defaults"));
    CHECK_FALSE(has_warning(fw, "not understood"));
    // The same listing as Windows PowerShell's `>` writes it parses to the same rules and lines.
    Firewall wide = parse_netsh(utf16le(content));
    CHECK(wide.rule_count == 504);
    CHECK(kept(wide) == 285);
    CHECK(wide.policies[0].rules.back().location.line == fw.policies[0].rules.back().location.line);
    CHECK(wide.policies[0].rules.back().text == fw.policies[0].rules.back().text);
}

TEST_CASE("netsh corpus: all profiles OFF lets everything through", "[netsh]") {
    if (!corpus_present()) return;
    Firewall fw = parse_netsh(read(kCorpus / "netsh_advfirewall_show_allprofiles_state_all-off.txt"));
    CHECK(fw.rule_count == 0);
    CHECK(verdict(fw, Direction::inbound, "1.1.1.1", "2.2.2.2", protocol::tcp, 17472) == Verdict::allowed);
    CHECK(policy(fw, Direction::inbound).default_rule.location.line == 2);
}
