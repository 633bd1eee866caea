// The vendor table (parsers/vendors.hpp): its rows, the order detection asks them in, the
// errors built from it, and the rule identities diffs compare.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>

#include "analysis/rule.hpp"
#include "parsers/parse.hpp"
#include "parsers/vendors.hpp"
#include "tests/support/e2e.hpp"

using flowgap::analysis::InputError;
using flowgap::parsers::vendor_named;
using flowgap::parsers::vendors;
using flowgap::testing::TempDir;

namespace {

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(FLOWGAP_SOURCE_DIR) + "/fixtures/" + name, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string parse_error(const std::string& path, const std::string& format) {
    try {
        flowgap::parsers::parse_file(path, "fw.txt", format, {});
    } catch (const InputError& e) {
        return e.location().str() + ": " + e.message();
    }
    return "";
}

std::string iptables_identity(std::string_view name, std::string_view text) {
    return vendor_named("iptables")->identity("FORWARD", name, text);
}

}  // namespace

TEST_CASE("vendor table: every row is complete and named once", "[vendors]") {
    REQUIRE(vendors().size() >= 3);
    for (const auto& v : vendors()) {
        CAPTURE(v.id);
        CHECK(!v.id.empty());
        CHECK(!v.description.empty());
        CHECK(v.looks_like);
        CHECK(v.parse);
        CHECK(v.fix);
        CHECK(v.identity);
        CHECK(vendor_named(v.id) == &v);
    }
    CHECK(vendor_named("nft") == nullptr);
    CHECK(vendor_named("") == nullptr);
    CHECK(flowgap::parsers::vendor_ids() == "iptables, paloalto, netsh, nftables");
    // Only Palo Alto has App-ID rules to replace.
    CHECK(vendor_named("paloalto")->replace_app_rule);
    CHECK_FALSE(vendor_named("iptables")->replace_app_rule);
}

TEST_CASE("vendor table: detection asks the rows in order", "[vendors]") {
    using flowgap::parsers::detect_format;
    CHECK(detect_format(fixture("gate/router.rules")) == "iptables");
    CHECK(detect_format(fixture("paloalto/dc-fw.xml")) == "paloalto");
    CHECK(detect_format(fixture("netsh/tanium-server.txt")) == "netsh");
    // A PAN-OS XML export is never taken for iptables, even with iptables-save lines inside it.
    std::string xml = "<config>\n*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\nCOMMIT\n</config>\n";
    CHECK_FALSE(vendor_named("iptables")->looks_like(xml));
    CHECK(detect_format(xml) == "paloalto");
    CHECK(detect_format("hello\n") == "");
}

TEST_CASE("vendor table: the errors list the table", "[vendors]") {
    TempDir dir;
    std::string path = dir.write("fw.txt", "hello\n");
    CHECK(parse_error(path, "nft") ==
          "fw.txt: format 'nft' is not supported (known: iptables, paloalto, netsh, nftables)");
    CHECK(parse_error(path, "") ==
          "fw.txt:1:1: unrecognized format: not an iptables-save dump, a PAN-OS export, a Windows "
          "netsh/PowerShell export or an nft ruleset (nft list ruleset) (set `format:` to say what it is)");
}

TEST_CASE("vendor table: a bad `format:` in a deployment is located at its value", "[vendors]") {
    TempDir dir;
    dir.write("fw.rules", fixture("gate/router.rules"));
    std::string path = dir.write("d.yaml",
                                 "roles: {server: 10.0.0.1}\n"
                                 "firewalls:\n"
                                 "  - name: core\n"
                                 "    config: fw.rules\n"
                                 "    format: nft\n");
    auto d = flowgap::analysis::load_deployment(path);
    REQUIRE(d.firewalls.size() == 1);
    try {
        flowgap::parsers::parse_firewall(d.firewalls[0]);
        FAIL("no error");
    } catch (const InputError& e) {
        CHECK(e.location().line == 5);
        CHECK(e.location().column == 13);
        CHECK(e.message() == "format must be one of iptables, paloalto, netsh, nftables, not 'nft'");
    }
}

TEST_CASE("rule identity: iptables ignores positions and counters", "[vendors]") {
    std::string a =
        iptables_identity("FORWARD#5 (clients)", "[12:3456] -A FORWARD  -p tcp\t--dport 17472 -j ACCEPT ");
    std::string b =
        iptables_identity("FORWARD#9 (clients)", "[0:0] -A FORWARD -p tcp --dport 17472 -j ACCEPT");
    CHECK(a == b);
    CHECK(a ==
          "FORWARD\x1f"
          "FORWARD (clients)\x1f-A FORWARD -p tcp --dport 17472 -j ACCEPT");
    // Only a `#N` at the end of the first word is a position; brackets that are no counters stay.
    CHECK(iptables_identity("MY#CHAIN#12", "[1:x] -A x") == "FORWARD\x1fMY#CHAIN\x1f[1:x] -A x");
    CHECK(iptables_identity("#5 x", "") == "FORWARD\x1f#5 x\x1f");
    CHECK(iptables_identity("A B#5", "   ") ==
          "FORWARD\x1f"
          "A B#5\x1f");
    // Rules of the other tables name their table: the position goes, the table stays.
    auto raw = [](std::string_view policy, std::string_view name) {
        return vendor_named("iptables")->identity(policy, name, "-A PREROUTING -p tcp -j DROP");
    };
    CHECK(raw("raw PREROUTING", "raw:PREROUTING#2") == raw("raw PREROUTING", "raw:PREROUTING#7"));
    CHECK(raw("raw PREROUTING", "raw:PREROUTING#2") ==
          "raw PREROUTING\x1fraw:PREROUTING\x1f-A PREROUTING -p tcp -j DROP");
    CHECK(raw("raw PREROUTING", "raw:PREROUTING#2") != raw("mangle PREROUTING", "mangle:PREROUTING#2"));
    // Named rules: the policy and the name, nothing else.
    CHECK(vendor_named("paloalto")->identity("rulebase", "allow web", "text") ==
          "rulebase\x1f"
          "allow web");
    CHECK(flowgap::parsers::named_rule_identity("p", "r", "t") == "p\x1fr");
}

TEST_CASE("rule identity: a 200 KB rule line is no problem", "[vendors]") {
    std::string text = "-A FORWARD";
    while (text.size() < 200 * 1024)
        text += " -m comment --comment \"[1:2]   x\"";
    std::string name = "FORWARD#1 " + std::string(200 * 1024, 'x');
    std::string id = iptables_identity(name, text);
    CHECK(id.size() > 200 * 1024);
    CHECK(id.find("[1:2]") == std::string::npos);
    CHECK(id.find("  ") == std::string::npos);
}
