// End to end through the binary: `flowgap diff DEPLOYMENT --candidate FIREWALL=FILE` on each
// vendor's fixtures with the candidates of fixtures/changes/ (README there says what each does),
// in text and JSON, and in the formats for CI and change boards: SARIF holds only the new
// problems, the HTML shows the removed rule as written on the before side, JUnit fails exactly
// where the gate does.
#include <fstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "tests/support/e2e.hpp"

using flowgap::testing::read_file;
using flowgap::testing::run_flowgap;
using flowgap::testing::TempDir;
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

// SARIF, HTML and JUnit of one diff, written in one run as `flowgap audit` writes several.
struct DiffReports {
    json sarif;
    std::string html;
    std::string junit;
};

DiffReports reports(const std::string& deployment, const std::string& candidate, int exit_code,
                    const std::string& extra = "") {
    TempDir dir;
    auto r = run_flowgap("diff " + deployment + " --candidate " + candidate + extra + " --format sarif -o '" +
                         dir.path("d.sarif") + "' --format html -o '" + dir.path("d.html") +
                         "' --format junit -o '" + dir.path("d.xml") + "'");
    INFO(r.err);
    CHECK(r.exit_code == exit_code);
    CHECK(r.out.empty());
    return {json::parse(read_file(dir.path("d.sarif"))), read_file(dir.path("d.html")),
            read_file(dir.path("d.xml"))};
}

// Each SARIF result as "ruleId file:line" (the line "-" when the rule has none).
std::vector<std::string> results_of(const DiffReports& r) {
    std::vector<std::string> out;
    for (const auto& res : r.sarif["runs"][0]["results"]) {
        const json& at = res["locations"][0]["physicalLocation"];
        std::string line = at.contains("region") ? std::to_string(at["region"]["startLine"].get<int>()) : "-";
        out.push_back(res["ruleId"].get<std::string>() + " " +
                      at["artifactLocation"]["uri"].get<std::string>() + ":" + line);
    }
    return out;
}

std::string message_of(const DiffReports& r, size_t i) {
    return r.sarif["runs"][0]["results"][i]["message"]["text"];
}

// The JUnit cases that fail, as "classname/name"; the counts in the attributes must agree.
std::vector<std::string> failing_cases(const DiffReports& r) {
    pugi::xml_document doc;
    REQUIRE(doc.load_string(r.junit.c_str()));
    std::vector<std::string> out;
    for (pugi::xpath_node f : doc.select_nodes("//testcase[failure]")) {
        out.push_back(std::string(f.node().attribute("classname").value()) + "/" +
                      f.node().attribute("name").value());
    }
    CHECK(doc.child("testsuites").attribute("failures").as_uint() == out.size());
    return out;
}

// The first changed flow's before side in the HTML, and the rules marked removed there.
std::string before_side(const DiffReports& r) {
    size_t start = r.html.find("<div class=\"side before\">", r.html.find("<section id=\"flows\">"));
    size_t end = r.html.find("<div class=\"side after\">", start);
    REQUIRE(end != std::string::npos);
    return r.html.substr(start, end - start);
}

std::string removed_rules(const std::string& side) {
    std::string out;
    for (size_t at = side.find("<li class=\"removed\">"); at != std::string::npos;
         at = side.find("<li class=\"removed\">", at + 1))
        out += side.substr(at, side.find("</li>", at) - at);
    return out;
}

// The removed rule, as written in the original config, is on the before side and marked there;
// the after side marks nothing removed.
void check_removed_rule_shown(const DiffReports& r, const std::string& escaped_text) {
    std::string before = before_side(r);
    CHECK(has(removed_rules(before), escaped_text));
    size_t after = r.html.find("<div class=\"side after\">", r.html.find(before));
    CHECK(!has(r.html.substr(after, r.html.find("</article>", after) - after), "class=\"removed\""));
}

void check_nothing_new(const DiffReports& r) {
    CHECK(results_of(r).empty());
    CHECK(failing_cases(r).empty());
    CHECK(r.sarif["runs"][0]["invocations"][0]["exitCode"] == 0);
}

// A new exposure and nothing else: one SARIF result at the new rule in the candidate, and one
// failing JUnit case for it; below --fail-on the result stays (a new problem all the same) and
// JUnit has no case for it.
void check_new_exposure_reports(const std::string& deployment, const std::string& candidate,
                                const std::string& firewall, const std::string& rule, const std::string& at,
                                const std::string& line) {
    auto r = reports(deployment, candidate, 1);
    CHECK(results_of(r) ==
          std::vector<std::string>{"exposed-server-port " + at.substr(0, at.find(':')) + ":" + line});
    CHECK(r.sarif["runs"][0]["results"][0]["level"] == "error");
    CHECK(r.sarif["runs"][0]["results"][0]["properties"]["failsGate"] == true);
    CHECK(failing_cases(r) == std::vector<std::string>{"flowgap.diff.findings." + firewall +
                                                       "/exposed-server-port " + rule + " (" + at + ")"});
    CHECK(has(r.html, "<span class=\"pill new\">new</span> <code>exposed-server-port</code>"));
    auto quiet = reports(deployment, candidate, 0, " --fail-on none");
    CHECK(results_of(quiet) == results_of(r));
    CHECK(quiet.sarif["runs"][0]["results"][0]["properties"]["failsGate"] == false);
    CHECK(failing_cases(quiet).empty());
}

// A broken flow and nothing else: one SARIF result, where the candidate now decides the flow,
// naming the removed rule; the removed rule as written on the HTML's before side; JUnit failing
// on the flow at the firewall and end to end, nothing more.
DiffReports check_broken_reports(const std::string& deployment, const std::string& candidate,
                                 const std::string& firewall, const std::string& at,
                                 const std::string& removed, const std::string& removed_text) {
    auto r = reports(deployment, candidate, 1);
    CHECK(results_of(r) == std::vector<std::string>{"required-flow " + at});
    CHECK(has(message_of(r, 0), "; " + removed + " no longer allows it"));
    CHECK(r.sarif["runs"][0]["invocations"][0]["exitCode"] == 1);
    check_removed_rule_shown(r, removed_text);
    CHECK(failing_cases(r) == std::vector<std::string>{"flowgap.diff.flows." + firewall + "/client-to-server",
                                                       "flowgap.diff.flows.end-to-end/client-to-server"});
    return r;
}

void check_unchanged_reports(const std::string& deployment, const std::string& candidate) {
    auto r = reports(deployment, candidate, 0);
    check_nothing_new(r);
    CHECK(has(r.junit, "tests=\"1\" failures=\"0\""));  // the one case: what did not change
    CHECK(has(r.html, "No verdict at a firewall changed"));
    CHECK(!has(r.html, "<article"));
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

    // SARIF: the broken flow once, at the rule that now blocks it in the candidate (end to end
    // it is the same problem), naming the removed rule.
    auto rep =
        check_broken_reports(kDemo, "core-router=fixtures/changes/iptables/core-router.no-clients.rules",
                             "core-router", "fixtures/changes/iptables/core-router.no-clients.rules:13",
                             "BRANCH_IN#2 (Tanium clients) (fixtures/demo/core-router.rules:28:1)",
                             "-A BRANCH_IN -d 10.10.1.10/32 -p tcp -m tcp --dport 17472 -m comment --comment "
                             "&quot;Tanium clients&quot; -j ACCEPT");
    CHECK(message_of(rep, 0) ==
          "client-to-server (required) is now blocked at core-router, was partial: e.g. tcp "
          "10.20.0.1:49152 -> 10.10.1.10:17472 is blocked by FORWARD policy DROP; BRANCH_IN#2 (Tanium "
          "clients) (fixtures/demo/core-router.rules:28:1) no longer allows it");
    CHECK(has(removed_rules(before_side(rep)), "fixtures/demo/core-router.rules:28:1"));
}

TEST_CASE("iptables: an any-source 17472 rule is a new critical exposure", "[diff]") {
    std::string candidate = "core-router=fixtures/changes/iptables/core-router.any-17472.rules";
    auto r = diff(kDemo, candidate);
    check_new_exposure(r, "core-router", "FORWARD#7 (Tanium clients from anywhere)");
    // The same rule also lets the guest VLAN through: the diff says so, as a fix, and only the
    // exposure is a SARIF result.
    CHECK((*change_of(r.report, "client-to-server", "core-router"))["change"] == "fixed");
    check_new_exposure_reports(kDemo, candidate, "core-router", "FORWARD#7 (Tanium clients from anywhere)",
                               "fixtures/changes/iptables/core-router.any-17472.rules:26:1", "26");
    CHECK(diff(kDemo, candidate, " --fail-on none").exit_code == 0);
    CHECK(diff(kDemo, candidate, " --fail-on critical").exit_code == 1);
}

TEST_CASE("iptables: reordering independent rules changes nothing", "[diff]") {
    check_unchanged(diff(kDemo, "core-router=fixtures/changes/iptables/core-router.reordered.rules"));
    check_unchanged_reports(kDemo, "core-router=fixtures/changes/iptables/core-router.reordered.rules");
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

    // A fix only: nothing for code scanning, nothing failing, the old peering rule shown as
    // written where it no longer decides.
    auto rep = reports(kDemo, "branch-linux-37=fixtures/changes/iptables/branch-linux-37.full-lan.rules", 0);
    check_nothing_new(rep);
    check_removed_rule_shown(rep, "--comment &quot;Tanium peers (first half of the LAN only)&quot;");
    CHECK(has(rep.junit,
              "<testcase classname=\"flowgap.diff.flows.branch-linux-37\" name=\"client-peering\">"));
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

    // interzone-default is implicit: it has no line, so the result points at the candidate file.
    auto rep = check_broken_reports(kPalo, "dc-fw=fixtures/changes/paloalto/dc-fw.no-clients.xml", "dc-fw",
                                    "fixtures/changes/paloalto/dc-fw.no-clients.xml:-",
                                    "allow-tanium-clients (fixtures/paloalto/dc-fw.xml:69)",
                                    "&lt;entry name=&quot;allow-tanium-clients&quot;&gt;");
    CHECK(has(message_of(rep, 0), "is blocked by interzone-default;"));
}

TEST_CASE("Palo Alto: an any-zone 17472 rule is a new critical exposure", "[diff]") {
    auto r = diff(kPalo, "dc-fw=fixtures/changes/paloalto/dc-fw.any-17472.xml");
    check_new_exposure(r, "dc-fw", "tanium-clients-from-anywhere");
    CHECK(has(r.text, "no change to Tanium flows"));  // the deny above it still holds
    check_new_exposure_reports(kPalo, "dc-fw=fixtures/changes/paloalto/dc-fw.any-17472.xml", "dc-fw",
                               "tanium-clients-from-anywhere",
                               "fixtures/changes/paloalto/dc-fw.any-17472.xml:78", "78");
}

TEST_CASE("Palo Alto: reordering independent rules changes nothing", "[diff]") {
    check_unchanged(diff(kPalo, "dc-fw=fixtures/changes/paloalto/dc-fw.reordered.xml"));
    check_unchanged_reports(kPalo, "dc-fw=fixtures/changes/paloalto/dc-fw.reordered.xml");
}

TEST_CASE("Palo Alto: deleting the shadowing deny fixes client-to-server", "[diff]") {
    auto r = diff(kPalo, "dc-fw=fixtures/changes/paloalto/dc-fw.fixed.xml");
    CHECK(r.exit_code == 0);
    const json* c = change_of(r.report, "client-to-server", "dc-fw");
    REQUIRE(c);
    CHECK((*c)["change"] == "fixed");
    CHECK((*c)["no_longer_deciding"][0]["rule"] == "deny-upper-branches");
    CHECK((*c)["newly_deciding"].empty());  // allow-tanium-clients moved up a rule, it is not new

    auto rep = reports(kPalo, "dc-fw=fixtures/changes/paloalto/dc-fw.fixed.xml", 0);
    check_nothing_new(rep);
    check_removed_rule_shown(rep, "&lt;entry name=&quot;deny-upper-branches&quot;&gt;");
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

    // The resolved exposure is no SARIF result and no JUnit case: only the broken flow is.
    auto rep = check_broken_reports(
        kNetsh, "tanium-server=fixtures/changes/netsh/tanium-server.no-clients.txt", "tanium-server",
        "fixtures/changes/netsh/tanium-server.no-clients.txt:99",
        "Tanium Server - Clients (TCP-In) (fixtures/netsh/tanium-server.txt:2:1)",
        "Program:                              C:\\Program Files\\Tanium\\Tanium Server\\TaniumReceiver.exe");
    CHECK(has(rep.html, "<span class=\"pill resolved\">resolved</span>"));
}

TEST_CASE("netsh: an any-program any-address 17472 rule is a new critical exposure", "[diff]") {
    auto r = diff(kNetsh, "tanium-server=fixtures/changes/netsh/tanium-server.any-17472.txt");
    check_new_exposure(r, "tanium-server", "Tanium clients from anywhere (TCP-In)");
    check_new_exposure_reports(kNetsh, "tanium-server=fixtures/changes/netsh/tanium-server.any-17472.txt",
                               "tanium-server", "Tanium clients from anywhere (TCP-In)",
                               "fixtures/changes/netsh/tanium-server.any-17472.txt:116:1", "116");
    CHECK(r.report["unchanged"]["findings"] == 4);  // the program-scoped rule's exposure stays as it was
}

TEST_CASE("netsh: reversing the rule listing changes nothing (block wins)", "[diff]") {
    check_unchanged(diff(kNetsh, "tanium-server=fixtures/changes/netsh/tanium-server.reordered.txt"));
    check_unchanged_reports(kNetsh, "tanium-server=fixtures/changes/netsh/tanium-server.reordered.txt");
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

    auto rep = reports("fixtures/changes/netsh/peering.yaml",
                       "endpoint-52=fixtures/changes/netsh/endpoint-52.fixed.cmd", 0);
    check_nothing_new(rep);
    // The block that decided the upper half is the profile default, which has no text of its own.
    CHECK(has(removed_rules(before_side(rep)), "<code>default (Domain profile: BlockInbound;"));
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
