// End to end through the binary: `flowgap diff DEPLOYMENT --candidate FIREWALL=FILE` on each
// vendor's fixtures with the candidates of fixtures/changes/ (README there says what each does).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support.hpp"

using flowgap::testing::run_flowgap;
using nlohmann::json;

namespace {

struct DiffRun {
    int exit_code = -1;
    std::string text;
    json report;
};

// Runs the diff twice, as text and as JSON; both must agree on the exit code.
DiffRun diff(const std::string& deployment, const std::string& candidate, const std::string& extra = "") {
    std::string args = "diff " + deployment + " --candidate " + candidate + extra;
    auto text = run_flowgap(args);
    auto j = run_flowgap(args + " --format json");
    INFO(text.err);
    CHECK(text.exit_code == j.exit_code);
    REQUIRE((j.exit_code == 0 || j.exit_code == 1));
    return {text.exit_code, text.out, json::parse(j.out)};
}

const json* change_of(const json& d, const std::string& flow, const std::string& firewall) {
    for (const auto& f : d[firewall.empty() ? "end_to_end" : "flows"]) {
        if (f["flow"] == flow && (firewall.empty() || f["firewall"] == firewall)) return &f;
    }
    return nullptr;
}

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// The line of `text` that contains `part`, for checks on what else that line says.
std::string line_with(const std::string& text, const std::string& part) {
    size_t at = text.find(part);
    if (at == std::string::npos) return "";
    size_t start = text.rfind('\n', at) + 1;
    return text.substr(start, text.find('\n', at) - start);
}

void check_unchanged(const DiffRun& r) {
    CHECK(r.exit_code == 0);
    CHECK(has(r.text, "no change to Tanium flows"));
    CHECK(has(r.text, "no change to findings"));
    CHECK(r.report["flows"].empty());
    CHECK(r.report["end_to_end"].empty());
    CHECK(r.report["findings"].empty());
    CHECK(r.report["verdicts_unchanged"] == true);
    CHECK(r.report["gate"]["failed"] == false);
}

void check_new_exposure(const DiffRun& r, const std::string& firewall, const std::string& rule) {
    CHECK(r.exit_code == 1);
    REQUIRE(r.report["findings"].size() == 1);
    const json& f = r.report["findings"][0];
    CHECK(f["change"] == "new");
    CHECK(f["check"] == "exposed-server-port");
    CHECK(f["firewall"] == firewall);
    CHECK(f["before"].is_null());
    CHECK(f["after"]["severity"] == "critical");
    CHECK(f["after"]["rule"] == rule);
    CHECK(r.report["gate"]["new_findings"] == json::array({"critical exposed-server-port at " + firewall}));
    CHECK(has(line_with(r.text, "exposed-server-port"), "new       critical"));
    CHECK(has(r.text, "FAIL: 1 new finding at or above high"));
}

const std::string kDemo = "fixtures/demo/deployment.yaml";
const std::string kPalo = "fixtures/paloalto/deployment.yaml";
const std::string kNetsh = "fixtures/netsh/deployment.yaml";

}  // namespace

TEST_CASE("iptables: removing the client rule breaks client-to-server and names the rule", "[diff]") {
    auto r = diff(kDemo, "core-router=fixtures/changes/iptables/core-router.no-clients.rules");
    CHECK(r.exit_code == 1);
    const json* c = change_of(r.report, "client-to-server", "core-router");
    REQUIRE(c);
    CHECK((*c)["change"] == "broken");
    CHECK((*c)["before"]["verdict"] == "partial");
    CHECK((*c)["after"]["verdict"] == "blocked");
    REQUIRE((*c)["no_longer_deciding"].size() == 1);
    CHECK((*c)["no_longer_deciding"][0]["rule"] == "BRANCH_IN#2 (Tanium clients)");
    CHECK((*c)["no_longer_deciding"][0]["location"] == "fixtures/demo/core-router.rules:28:1");
    CHECK((*change_of(r.report, "client-to-server", ""))["change"] == "broken");
    CHECK(has(line_with(r.text, "BRANCH_IN#2 (Tanium clients)"), "[no longer decides]"));
    CHECK(has(
        r.text,
        "after  block  FORWARD policy DROP (fixtures/changes/iptables/core-router.no-clients.rules:13:1)"));
    CHECK(has(r.text,
              "FAIL: 2 required flow verdicts got worse (client-to-server at core-router, "
              "client-to-server end to end)"));
    // BRANCH_IN#3 became BRANCH_IN#2 one line up: its finding is the same finding.
    CHECK(r.report["findings"].empty());
    CHECK(r.report["unchanged"]["findings"] == 2);
}

TEST_CASE("iptables: an any-source 17472 rule is a new critical exposure", "[diff]") {
    std::string candidate = "core-router=fixtures/changes/iptables/core-router.any-17472.rules";
    auto r = diff(kDemo, candidate);
    check_new_exposure(r, "core-router", "FORWARD#7 (Tanium clients from anywhere)");
    // The same rule also lets the guest VLAN through: the diff says so, as a fix.
    CHECK((*change_of(r.report, "client-to-server", "core-router"))["change"] == "fixed");
    CHECK(diff(kDemo, candidate, " --fail-on none").exit_code == 0);
    CHECK(diff(kDemo, candidate, " --fail-on critical").exit_code == 1);
}

TEST_CASE("iptables: reordering independent rules changes nothing", "[diff]") {
    check_unchanged(diff(kDemo, "core-router=fixtures/changes/iptables/core-router.reordered.rules"));
}

TEST_CASE("iptables: widening the peering rule to the LAN fixes a partial flow", "[diff]") {
    auto r = diff(kDemo, "branch-linux-37=fixtures/changes/iptables/branch-linux-37.full-lan.rules");
    CHECK(r.exit_code == 0);
    const json* c = change_of(r.report, "client-peering", "branch-linux-37");
    REQUIRE(c);
    CHECK((*c)["change"] == "fixed");
    CHECK((*c)["before"]["verdict"] == "partial");
    CHECK((*c)["after"]["verdict"] == "allowed");
    CHECK((*change_of(r.report, "client-peering", ""))["change"] == "fixed");
    CHECK(has(r.text, "fixed    client-peering"));
    CHECK(has(r.text,
              "PASS: no required flow got worse, no new finding at or above high; 1 flow fixed end to end"));
}

TEST_CASE("Palo Alto: removing allow-tanium-clients breaks client-to-server", "[diff]") {
    auto r = diff(kPalo, "dc-fw=fixtures/changes/paloalto/dc-fw.no-clients.xml");
    CHECK(r.exit_code == 1);
    const json* c = change_of(r.report, "client-to-server", "dc-fw");
    REQUIRE(c);
    CHECK((*c)["change"] == "broken");
    CHECK((*c)["no_longer_deciding"] == json::array({{{"rule", "allow-tanium-clients"},
                                                      {"action", "allow"},
                                                      {"location", "fixtures/paloalto/dc-fw.xml:69"}}}));
    CHECK((*c)["newly_deciding"][0]["rule"] == "interzone-default");
    CHECK(has(line_with(r.text, "allow-tanium-clients"), "[no longer decides]"));
    CHECK(r.report["gate"]["broken_flows"] ==
          json::array({"client-to-server at dc-fw", "client-to-server end to end"}));
}

TEST_CASE("Palo Alto: an any-zone 17472 rule is a new critical exposure", "[diff]") {
    auto r = diff(kPalo, "dc-fw=fixtures/changes/paloalto/dc-fw.any-17472.xml");
    check_new_exposure(r, "dc-fw", "tanium-clients-from-anywhere");
    CHECK(has(r.text, "no change to Tanium flows"));  // the deny above it still holds
}

TEST_CASE("Palo Alto: reordering independent rules changes nothing", "[diff]") {
    check_unchanged(diff(kPalo, "dc-fw=fixtures/changes/paloalto/dc-fw.reordered.xml"));
}

TEST_CASE("Palo Alto: deleting the shadowing deny fixes client-to-server", "[diff]") {
    auto r = diff(kPalo, "dc-fw=fixtures/changes/paloalto/dc-fw.fixed.xml");
    CHECK(r.exit_code == 0);
    const json* c = change_of(r.report, "client-to-server", "dc-fw");
    REQUIRE(c);
    CHECK((*c)["change"] == "fixed");
    CHECK((*c)["no_longer_deciding"][0]["rule"] == "deny-upper-branches");
    CHECK((*c)["newly_deciding"].empty());  // allow-tanium-clients moved up a rule, it is not new
}

TEST_CASE("netsh: removing the clients rule breaks an allowed flow", "[diff]") {
    auto r = diff(kNetsh, "tanium-server=fixtures/changes/netsh/tanium-server.no-clients.txt");
    CHECK(r.exit_code == 1);
    const json* c = change_of(r.report, "client-to-server", "tanium-server");
    REQUIRE(c);
    CHECK((*c)["change"] == "broken");
    CHECK((*c)["before"]["verdict"] == "allowed");
    CHECK((*c)["after"]["verdict"] == "blocked");
    CHECK((*c)["no_longer_deciding"][0]["rule"] == "Tanium Server - Clients (TCP-In)");
    CHECK((*c)["no_longer_deciding"][0]["location"] == "fixtures/netsh/tanium-server.txt:2:1");
    CHECK(has(
        r.text,
        "broken   client-to-server                 at tanium-server         allowed -> blocked (required)"));
    // Its exposure goes with it.
    REQUIRE(r.report["findings"].size() == 1);
    CHECK(r.report["findings"][0]["change"] == "resolved");
    CHECK(r.report["findings"][0]["after"].is_null());
}

TEST_CASE("netsh: an any-program any-address 17472 rule is a new critical exposure", "[diff]") {
    auto r = diff(kNetsh, "tanium-server=fixtures/changes/netsh/tanium-server.any-17472.txt");
    check_new_exposure(r, "tanium-server", "Tanium clients from anywhere (TCP-In)");
    CHECK(r.report["unchanged"]["findings"] == 4);  // the program-scoped rule's exposure stays as it was
}

TEST_CASE("netsh: reversing the rule listing changes nothing (block wins)", "[diff]") {
    check_unchanged(diff(kNetsh, "tanium-server=fixtures/changes/netsh/tanium-server.reordered.txt"));
}

TEST_CASE("netsh: LocalSubnet peering fixes a partial flow", "[diff]") {
    auto r = diff("fixtures/changes/netsh/peering.yaml",
                  "endpoint-52=fixtures/changes/netsh/endpoint-52.fixed.cmd");
    CHECK(r.exit_code == 0);
    const json* c = change_of(r.report, "client-peering", "endpoint-52");
    REQUIRE(c);
    CHECK((*c)["change"] == "fixed");
    CHECK((*c)["before"]["verdict"] == "partial");
    CHECK((*c)["before"]["example_blocked"] == "tcp 10.20.6.128:49152 -> 10.20.6.52:17472");
    CHECK((*c)["after"]["verdict"] == "allowed");
}

TEST_CASE("netsh: a candidate in two files (repeated --candidate) with BlockOutbound breaks outbound flows",
          "[diff]") {
    const std::string rules = "fixtures/netsh/split-tanium-server-rules.txt";
    const std::string profiles = "fixtures/netsh/split-tanium-server-allprofiles.txt";
    auto r = diff(kNetsh, "tanium-server=" + rules + " --candidate tanium-server=" + profiles);
    CHECK(r.exit_code == 1);
    CHECK(has(r.text, "tanium-server: fixtures/netsh/tanium-server.txt (6 rules) -> " + rules + " + " +
                          profiles + " (6 rules)"));
    CHECK(r.report["after"]["firewalls"][0]["config"] == rules + " + " + profiles);
    const json* c = change_of(r.report, "server-to-database", "tanium-server");
    REQUIRE(c);
    CHECK((*c)["change"] == "broken");
    CHECK((*c)["after"]["decided_by"][0]["location"] == profiles + ":2:1");
    // The inbound rules are the same rules, now read from the other file: no inbound verdict moves.
    CHECK(change_of(r.report, "client-to-server", "tanium-server") == nullptr);
}
