// The diff's SARIF and JUnit writers on hand-made flowgap-report/1 pairs, for what the fixture
// candidates do not show: a flow that breaks end to end without getting worse at any one
// firewall, waived and raised findings, and reading locations back.
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "src/diff/diff.hpp"
#include "src/diff/items.hpp"

using namespace flowgap::diff;
using nlohmann::json;

namespace {

json decision(const std::string& rule, const std::string& action, const std::string& location,
              const std::string& example) {
    return {{"rule", rule},         {"action", action},   {"location", location},  {"policy", "main"},
            {"conditional", false}, {"example", example}, {"text", "rule " + rule}};
}

json flow_at(const std::string& firewall, const std::string& verdict, json decided_by,
             const std::string& blocked) {
    return {{"flow", "client-to-server"},    {"level", "required"},
            {"firewall", firewall},          {"verdict", verdict},
            {"decided_by", decided_by},      {"example_blocked", blocked},
            {"example_conditional", nullptr}};
}

json end_to_end(const std::string& verdict, const std::string& blocked) {
    return {{"flow", "client-to-server"},
            {"level", "required"},
            {"verdict", verdict},
            {"example_blocked", blocked},
            {"example_conditional", nullptr}};
}

json report(json flows, json e2e, json findings) {
    json fws = json::array();
    for (const char* name : {"east", "west"})
        fws.push_back(
            {{"name", name}, {"format", "paloalto"}, {"config", std::string(name) + ".xml"}, {"rules", 3}});
    return {{"schema", "flowgap-report/1"},
            {"deployment", "deployment.yaml"},
            {"firewalls", fws},
            {"flows", flows},
            {"end_to_end", e2e},
            {"findings", findings}};
}

// Before: east blocks the upper half, west the lower; together they block it all only after
// east's deny moves to the lower half too, so neither firewall gets worse (partial stays
// partial) and only the end-to-end verdict breaks.
Diff end_to_end_only_break() {
    json lower = decision("deny-lower", "block", "east.xml:40", "tcp 10.0.0.1:49152 -> 10.9.9.9:17472");
    json upper = decision("deny-upper", "block", "east.xml:30", "tcp 10.0.128.1:49152 -> 10.9.9.9:17472");
    json west = decision("deny-lower", "block", "west.xml:12", "tcp 10.0.0.1:49152 -> 10.9.9.9:17472");
    json before = report({flow_at("east", "partial", {upper}, "tcp 10.0.128.1:49152 -> 10.9.9.9:17472"),
                          flow_at("west", "partial", {west}, "tcp 10.0.0.1:49152 -> 10.9.9.9:17472")},
                         {end_to_end("partial", "tcp 10.0.0.1:49152 -> 10.9.9.9:17472")}, json::array());
    json after = report({flow_at("east", "partial", {lower}, "tcp 10.0.0.1:49152 -> 10.9.9.9:17472"),
                         flow_at("west", "partial", {west}, "tcp 10.0.0.1:49152 -> 10.9.9.9:17472")},
                        {end_to_end("partial", "tcp 10.0.0.1:49152 -> 10.9.9.9:17472")}, json::array());
    after["end_to_end"][0]["verdict"] = "blocked";
    return compare_reports(before, "before.json", after, "after.json");
}

json finding(const std::string& severity, bool waived) {
    return {{"check", "exposed-server-port"},
            {"severity", severity},
            {"firewall", "east"},
            {"rule", "clients-from-anywhere"},
            {"location", "east.xml:50"},
            {"policy", "main"},
            {"conditional", false},
            {"message", "admits too much"},
            {"example", "tcp 1.2.3.4:1 -> 10.9.9.9:17472"},
            {"text", "<entry/>"},
            {"excess", nullptr},
            {"waived", waived ? json({{"reason", "CHG-1"}}) : json(nullptr)}};
}

std::string sarif_of(const Diff& d, const DiffGate& g) {
    std::ostringstream s;
    write_diff_sarif(s, d, g, {});
    return s.str();
}

std::string junit_of(const Diff& d, const DiffGate& g) {
    std::ostringstream s;
    write_diff_junit(s, d, g, {});
    return s.str();
}

}  // namespace

TEST_CASE("a flow broken only end to end is one SARIF result, at the firewall whose rules changed",
          "[diff]") {
    Diff d = end_to_end_only_break();
    REQUIRE(d.flows.size() == 1);
    CHECK(d.flows[0].change == FlowChange::rules);
    DiffGate g = gate_of(d, flowgap::analysis::Severity::high);
    CHECK(g.broken_flows == std::vector<std::string>{"client-to-server end to end"});

    json results = json::parse(sarif_of(d, g))["runs"][0]["results"];
    REQUIRE(results.size() == 1);
    CHECK(results[0]["ruleId"] == "required-flow");
    CHECK(results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "east.xml");
    CHECK(results[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 40);
    CHECK(results[0]["message"]["text"] ==
          "client-to-server (required) is now blocked end to end, was partial: e.g. tcp 10.0.0.1:49152 -> "
          "10.9.9.9:17472 is blocked by deny-lower at east");
    CHECK(results[0]["partialFingerprints"]["flowgapItem/v1"] == "required-flow||client-to-server");

    pugi::xml_document doc;
    REQUIRE(doc.load_string(junit_of(d, g).c_str()));
    auto failed = doc.select_nodes("//testcase[failure]");
    REQUIRE(failed.size() == 1);
    CHECK(std::string(failed[0].node().attribute("classname").value()) == "flowgap.diff.flows.end-to-end");
    // The rules change at east is a passing case that says which rule left and which came.
    pugi::xpath_node east = doc.select_node("//testcase[@classname='flowgap.diff.flows.east']/system-out");
    REQUIRE(east);
    CHECK(std::string(east.node().text().get()) ==
          "client-to-server (required) rules: partial -> partial\nno longer decides: block deny-upper "
          "(east.xml:30)\nnewly decides: block deny-lower (east.xml:40)");
}

TEST_CASE("a waived new finding is no SARIF result and a skipped JUnit case and a raised one says so",
          "[diff]") {
    json empty = json::array();
    json before = report(empty, empty, {finding("medium", false)});
    json after = report(empty, empty, {finding("critical", false)});
    Diff raised = compare_reports(before, "b", after, "a");
    DiffGate g = gate_of(raised, flowgap::analysis::Severity::high);
    json results = json::parse(sarif_of(raised, g))["runs"][0]["results"];
    REQUIRE(results.size() == 1);
    CHECK(results[0]["message"]["text"] == "admits too much (raised from medium to critical)");
    CHECK(results[0]["properties"]["change"] == "raised");
    CHECK(results[0]["level"] == "error");

    Diff waived = compare_reports(report(empty, empty, empty), "b",
                                  report(empty, empty, {finding("critical", true)}), "a");
    DiffGate w = gate_of(waived, flowgap::analysis::Severity::high);
    CHECK(!w.failed());
    CHECK(json::parse(sarif_of(waived, w))["runs"][0]["results"].empty());
    pugi::xml_document doc;
    REQUIRE(doc.load_string(junit_of(waived, w).c_str()));
    CHECK(doc.child("testsuites").attribute("failures").as_int() == 0);
    CHECK(doc.child("testsuites").attribute("skipped").as_int() == 1);
    CHECK(doc.select_node("//testsuite[@name='new findings']/testcase/skipped"));
}

TEST_CASE("locations read back from reports", "[diff]") {
    auto loc = parse_location("fixtures/demo/core-router.rules:28:1");
    CHECK(*loc.file == "fixtures/demo/core-router.rules");
    CHECK(loc.line == 28);
    CHECK(loc.column == 1);
    loc = parse_location("fixtures/paloalto/dc-fw.xml:69");
    CHECK(*loc.file == "fixtures/paloalto/dc-fw.xml");
    CHECK(loc.line == 69);
    CHECK(loc.column == 0);
    loc = parse_location("C:\\fw\\rules.txt:5:2");
    CHECK(*loc.file == "C:\\fw\\rules.txt");
    CHECK(loc.line == 5);
    loc = parse_location("fixtures/changes/paloalto/dc-fw.no-clients.xml");
    CHECK(*loc.file == "fixtures/changes/paloalto/dc-fw.no-clients.xml");
    CHECK(loc.line == 0);
    CHECK(*parse_location("").file == "flowgap");
}
