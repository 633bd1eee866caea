// The netsh parser on the shared corpus (../shared/corpus/netsh, read in place): every file is
// recognized and parses, and a few facts are pinned (the Windows 11 listing: 504 rules, grep -c
// '^Rule Name:'; 285 enabled, grep -c '^Enabled: *Yes'; a plain listing without a block rule, so
// inbound flows are conditional and outbound ones allowed by AllowOutbound. The Get-NetFirewallRule file,
// after iconv -f UTF-16LE: 522 records, grep -c '^DisplayName'; 280 enabled, 132 of them inbound).
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "parsers/parse.hpp"
#include "tests/support/e2e.hpp"
#include "tests/support/netsh.hpp"

using namespace flowgap::analysis;
using namespace flowgap::testing::netsh;
using flowgap::testing::read_file;
namespace fs = std::filesystem;

namespace {

const fs::path kCorpus = FLOWGAP_SOURCE_DIR "/../shared/corpus/netsh";

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

TEST_CASE("netsh corpus: every file is recognized and parses", "[netsh]") {
    if (!corpus_present()) return;
    size_t files = 0;
    for (const auto& entry : fs::directory_iterator(kCorpus)) {
        std::string content = read_file(entry.path());
        INFO(entry.path().filename().string());
        CHECK(flowgap::parsers::detect_format(content) == "netsh");
        ++files;
        Firewall fw;
        REQUIRE_NOTHROW(fw = parse_netsh(content));
        CHECK(fw.policies.size() == 2);
        for (const auto& p : fw.policies) {
            for (const auto& r : p.rules) {
                REQUIRE(r.location.line > 0);
                REQUIRE_FALSE(r.text.empty());
            }
        }
    }
    CHECK(files >= 3);
}

TEST_CASE("netsh corpus: the Windows 11 listing", "[netsh]") {
    if (!corpus_present()) return;
    std::string content = read_file(kCorpus / "win11_netsh_show_rule_name-all_504rules.txt");
    Firewall fw = parse_netsh(content);
    CHECK(fw.rule_count == 504);
    CHECK(kept(fw) == 285);
    CHECK(has_warning(fw, "assuming Windows' defaults"));
    CHECK_FALSE(has_warning(fw, "not understood"));
    // A plain listing (no `verbose`) hides the program, service or app package each rule is scoped
    // to: app rules such as Xbox and the Windows client package read Any/Any/Allow and used to
    // decide `allowed` for Tanium's port. Now no allow rule proves a flow allowed, in any profile;
    // outbound, with no block rule in the listing, AllowOutbound still does.
    CHECK(has_warning(
        fw,
        "test.txt:2:1: warning: this listing (`show rule` without `verbose`) does not show the "
        "program, service or app package a rule is scoped to: the packets its 285 enabled rules"));
    for (const char* profile : {"domain", "private", "public"}) {
        flowgap::parsers::ParseOptions o;
        o.profile = profile;
        Firewall in = parse_netsh(content, o);
        INFO(profile);
        CHECK(verdict(in, Direction::inbound, "10.20.0.1", "10.10.1.10", protocol::tcp, 17472) ==
              Verdict::conditional);
        CHECK(verdict(in, Direction::outbound, "10.10.1.10", "10.10.1.30", protocol::tcp, 1433) ==
              Verdict::allowed);
    }
    // The same listing as Windows PowerShell's `>` writes it parses to the same rules and lines.
    Firewall wide = parse_netsh(utf16le(content));
    CHECK(wide.rule_count == 504);
    CHECK(kept(wide) == 285);
    CHECK(wide.policies[0].rules.back().location.line == fw.policies[0].rules.back().location.line);
    CHECK(wide.policies[0].rules.back().text == fw.policies[0].rules.back().text);
}

TEST_CASE("netsh corpus: all profiles OFF lets everything through", "[netsh]") {
    if (!corpus_present()) return;
    Firewall fw = parse_netsh(read_file(kCorpus / "netsh_advfirewall_show_allprofiles_state_all-off.txt"));
    CHECK(fw.rule_count == 0);
    CHECK(verdict(fw, Direction::inbound, "1.1.1.1", "2.2.2.2", protocol::tcp, 17472) == Verdict::allowed);
    CHECK(policy(fw, Direction::inbound).default_rule.location.line == 2);
}

TEST_CASE("netsh corpus: Get-NetFirewallRule output, whose rules only may match", "[netsh]") {
    if (!corpus_present()) return;
    std::string content = read_file(kCorpus / "win_powershell_Get-NetFirewallRule_utf16le.txt");
    Firewall fw = parse_netsh(content);
    CHECK(fw.rule_count == 522);
    CHECK(kept(fw) == 280);
    CHECK(policy(fw, Direction::inbound).rules.size() == 132);
    // One warning about the missing filters, at the first record, naming the JSON export.
    size_t about_filters = 0;
    for (const auto& w : fw.warnings) {
        if (w.message.find("lists no address, port, protocol or program filters") == std::string::npos)
            continue;
        ++about_filters;
        CHECK(w.location.str() == "test.txt:3:1");
        CHECK(w.message.find("280 enabled rules") != std::string::npos);
        CHECK(w.message.find("ConvertTo-Json` command in docs/formats.md") != std::string::npos);
    }
    CHECK(about_filters == 1);
    CHECK_FALSE(has_warning(fw, "not understood"));

    // The one block rule: every packet is only a possible match, so it makes flows conditional.
    const Policy& in = policy(fw, Direction::inbound);
    auto telnet = std::find_if(in.rules.begin(), in.rules.end(),
                               [](const Rule& r) { return r.name == "Block Telnet"; });
    REQUIRE(telnet != in.rules.end());
    CHECK(telnet->action == Action::block);
    CHECK(telnet->location.line == 3126);
    CHECK(telnet->text ==
          "DisplayName : Block Telnet\nDirection   : Inbound\nAction      : Block\nEnabled     : True\n"
          "Profile     : Any");
    CHECK(telnet->match.empty());
    CHECK((FlowSpace::all() - telnet->may_match).empty());
    CHECK(verdict(fw, Direction::inbound, "10.20.0.1", "10.10.1.10", protocol::tcp, 17472) ==
          Verdict::conditional);
    // No outbound block rule and AllowOutbound by default: outbound packets are allowed whatever
    // the allow rules' filters are.
    CHECK(verdict(fw, Direction::outbound, "10.10.1.10", "10.10.1.30", protocol::tcp, 1433) ==
          Verdict::allowed);

    // A display name wider than the console is continued on the next line, and joined again.
    const Policy& out = policy(fw, Direction::outbound);
    auto lkg = std::find_if(out.rules.begin(), out.rules.end(),
                            [](const Rule& r) { return r.location.line == 2259; });
    REQUIRE(lkg != out.rules.end());
    CHECK(lkg->name ==
          "@{MicrosoftWindows.Client.LKG_1000.22621.3880.0_x64__cw5n1h2txyewy?ms-resource://"
          "MicrosoftWindows.Client.LKG/resources/ProductPkgDisplayName}");
}
