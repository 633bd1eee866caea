// End to end through the flowgap binary: the shapes PAN-OS exports come in (the brace form with
// rule uuids, a Panorama template alone, empty `set` containers) and the fixes for flows the
// default rules block, on a standalone firewall and under Panorama.
#include <catch2/catch.hpp>

#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/support/e2e.hpp"

using flowgap::testing::line_of;
using flowgap::testing::read_file;
using flowgap::testing::run_flowgap;
using flowgap::testing::source_path;
using flowgap::testing::TempDir;

namespace {

bool has(const std::string& out, const std::string& text) {
    return out.find(text) != std::string::npos;
}

const char* kRoles =
    "roles: {server: [10.10.1.10], module_server: [10.10.1.20], database: [10.10.1.30],\n"
    "        console: [10.99.0.0/24], endpoints: [10.20.0.0/16]}\n"
    "firewalls:\n  - {name: fw, config: fw.txt}\n";

// Three zones on three interfaces, in the set form, and no rule.
const char* kZones =
    "set network interface ethernet ethernet1/1 layer3 ip 10.20.0.1/16\n"
    "set network interface ethernet ethernet1/2 layer3 ip 10.10.1.1/24\n"
    "set network interface ethernet ethernet1/3 layer3 ip 10.99.0.1/24\n"
    "set zone branches network layer3 ethernet1/1\n"
    "set zone servers network layer3 ethernet1/2\n"
    "set zone admin network layer3 ethernet1/3\n";

// The first line of `text` holding both `a` and `b` ("" when none).
std::string line_with(const std::string& text, const std::string& a, const std::string& b) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (has(line, a) && has(line, b)) return line;
    }
    return "";
}

// The command lines of the fix printed under `flow` in a text report.
std::string fix_commands(const std::string& report, const std::string& flow) {
    std::istringstream in(report);
    std::string out;
    bool in_flow = false, in_fix = false;
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("  ") && !line.starts_with("   "))
            in_flow = line.find(" " + flow + " ") != std::string::npos;
        if (!in_flow) continue;
        if (line.starts_with("      fix:")) {
            in_fix = true;
        } else if (in_fix && line.starts_with("        ")) {
            out += line.substr(8) + "\n";
        } else {
            in_fix = false;
        }
    }
    return out;
}

}  // namespace

TEST_CASE("e2e: brace-form rules with a uuid between name and block keep their bodies", "[paloalto][e2e]") {
    // `show` writes `"allow-tanium" uuid 5c1f... {`; read as a path, the body went under
    // <uuid><5c1f...> and every rule had no action, every flow conditional.
    std::string fw = read_file(source_path("fixtures/paloalto/brace-uuid/fw.txt"));
    auto allow = std::to_string(line_of(fw, "\"allow-tanium\" uuid"));
    auto deny = std::to_string(line_of(fw, "deny-admin uuid"));
    auto r = run_flowgap("audit fixtures/paloalto/brace-uuid/deployment.yaml");
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK_FALSE(has(r.out, "has no action"));
    CHECK(has(r.out, "allowed        client-to-server"));
    CHECK(has(r.out, "blocked        console-to-server"));
    CHECK(has(r.out, "block         deny-admin (fixtures/paloalto/brace-uuid/fw.txt:" + deny + ")"));
    auto a = run_flowgap(
        "explain fixtures/paloalto/brace-uuid/deployment.yaml --firewall fw --from 10.20.0.5 --to "
        "10.10.1.10");
    INFO(a.out << a.err);
    CHECK(line_with(a.out, "allow-tanium", "fixtures/paloalto/brace-uuid/fw.txt:" + allow + " ")
              .find("MATCHES: allow") != std::string::npos);
    // The address object written with a uuid resolves too: only the server is allowed.
    auto x = run_flowgap(
        "explain fixtures/paloalto/brace-uuid/deployment.yaml --firewall fw --from 10.20.0.5 --to "
        "10.10.1.11");
    INFO(x.out << x.err);
    CHECK(has(x.out, "no match: destination is 10.10.1.10"));
    CHECK(has(x.out, "verdict: blocked"));
}

TEST_CASE("e2e: a Panorama template alone is no firewall policy", "[paloalto][e2e]") {
    TempDir dir;
    dir.write("d.yaml", kRoles);
    const char* zone =
        "<config><devices><entry name=\"localhost.localdomain\"><vsys><entry name=\"vsys1\"><zone>"
        "<entry name=\"trust\"/></zone></entry></vsys></entry></devices></config>";
    SECTION("an export rooted at <template>") {
        dir.write("fw.txt",
                  std::string("<template>\n  <entry name=\"branch\">") + zone + "</entry>\n</template>\n");
        auto r = run_flowgap("audit '" + dir.path("d.yaml") + "'");
        INFO(r.out << r.err);
        CHECK(r.exit_code == 2);
        CHECK(has(r.err, "fw.txt:1:1: error: a Panorama template alone is not a firewall policy"));
        CHECK(has(r.err,
                  "export the firewall's running configuration, or Panorama's whole configuration "
                  "with its device groups"));
    }
    SECTION("an XML API answer holding a <template-stack>") {
        dir.write("fw.txt",
                  "<response status=\"success\"><result>\n<template-stack><entry name=\"s\"/>"
                  "</template-stack></result></response>\n");
        auto r = run_flowgap("audit '" + dir.path("d.yaml") + "'");
        INFO(r.out << r.err);
        CHECK(r.exit_code == 2);
        CHECK(has(r.err, "fw.txt:2:1: error: a Panorama template-stack alone is not a firewall policy"));
    }
    SECTION("a Panorama configuration with templates and no device group") {
        dir.write("fw.txt",
                  "set template branch config devices localhost.localdomain vsys vsys1 zone trust network "
                  "layer3 ethernet1/1\n");
        auto r = run_flowgap("audit '" + dir.path("d.yaml") + "'");
        INFO(r.out << r.err);
        CHECK(r.exit_code == 2);
        CHECK(has(r.err, "fw.txt:1:1: error: a Panorama configuration with templates but no device group"));
    }
}

TEST_CASE("e2e: empty `set service` and `set application` lines are quiet and never \"any\"",
          "[paloalto][e2e]") {
    TempDir dir;
    dir.write("d.yaml", kRoles);
    dir.write("fw.txt", std::string(kZones) +
                            "set service\n"
                            "set application\n"
                            "set shared service\n"
                            "set rulebase security rules r1 from any\n"
                            "set rulebase security rules r1 to any\n"
                            "set rulebase security rules r1 source any\n"
                            "set rulebase security rules r1 destination any\n"
                            "set rulebase security rules r1 application any\n"
                            "set rulebase security rules r1 service\n"
                            "set rulebase security rules r1 action allow\n"
                            "set rulebase security rules r2 from admin\n"
                            "set rulebase security rules r2 to servers\n"
                            "set rulebase security rules r2 source any\n"
                            "set rulebase security rules r2 destination any\n"
                            "set rulebase security rules r2 application\n"
                            "set rulebase security rules r2 service any\n"
                            "set rulebase security rules r2 action allow\n");
    auto r = run_flowgap("audit '" + dir.path("d.yaml") + "'");
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK_FALSE(has(r.out, "cannot apply"));
    CHECK_FALSE(has(r.out, "  allowed "));
    CHECK(has(r.out, "conditional    client-to-server"));
    CHECK(has(r.out, "if the rule's service list is empty"));
    CHECK(has(r.out, "if App-ID classifies the traffic as (none: the application list is empty)"));
}

TEST_CASE("e2e: the fix for a flow a default rule blocks is a local allow rule ahead of it",
          "[paloalto][e2e]") {
    SECTION("standalone firewall: the override is local, the fix appends to the vsys rulebase") {
        auto r = run_flowgap("audit fixtures/paloalto/deployment.yaml");
        INFO(r.out << r.err);
        CHECK(has(r.out,
                  "fix: add 1 service-based allow rule at the end of `rulebase security`; intrazone-default "
                  "(fixtures/paloalto/dc-fw.xml:110) comes after every rule"));
        CHECK(has(r.out, "set rulebase security rules flowgap-server-to-module-intrazone action allow"));
        CHECK_FALSE(has(r.out, "is pushed from Panorama"));
        // A default rule is no member of the rulebase: `move ... before` it is no PAN-OS command.
        CHECK_FALSE(has(r.out, "before \"intrazone-default\""));
        CHECK_FALSE(has(r.out, "before \"interzone-default\""));
    }
    SECTION("Panorama-managed firewall: the override is pushed, and the report says so") {
        std::string fw = read_file(source_path("fixtures/paloalto/default-rule-pushed/fw.xml"));
        auto line = std::to_string(line_of(fw, "<entry name=\"interzone-default\""));
        auto r = run_flowgap("audit fixtures/paloalto/default-rule-pushed/deployment.yaml");
        INFO(r.out << r.err);
        CHECK(has(r.out, "allowed        console-to-server"));
        CHECK(has(r.out, "blocked        client-to-server"));
        CHECK(has(r.out, "interzone-default (fixtures/paloalto/default-rule-pushed/fw.xml:" + line +
                             ", its override pushed from Panorama) comes after every rule"));
        CHECK(has(r.out,
                  "set rulebase security rules flowgap-client-to-server-interzone destination 10.10.1.10"));
    }
    SECTION("the printed commands, applied to the firewall, let the flow through") {
        TempDir dir;
        dir.write("d.yaml", kRoles);
        std::string config = kZones;
        dir.write("fw.txt", config +
                                "set rulebase security rules none from admin\n"
                                "set rulebase security rules none to admin\n"
                                "set rulebase security rules none action deny\n");
        auto before = run_flowgap("audit '" + dir.path("d.yaml") + "'");
        INFO(before.out << before.err);
        REQUIRE(has(before.out, "blocked        client-to-server"));
        std::string commands = fix_commands(before.out, "client-to-server");
        REQUIRE(has(commands, "set rulebase security rules flowgap-client-to-server-interzone action allow"));
        CHECK_FALSE(has(commands, "move "));
        dir.write("fw.txt", config +
                                "set rulebase security rules none from admin\n"
                                "set rulebase security rules none to admin\n"
                                "set rulebase security rules none action deny\n" +
                                commands);
        auto after = run_flowgap("audit '" + dir.path("d.yaml") + "'");
        INFO(after.out << after.err);
        CHECK(has(after.out, "allowed        client-to-server"));
        auto x = run_flowgap("explain '" + dir.path("d.yaml") +
                             "' --firewall fw --from 10.20.0.5 --to 10.10.1.10");
        INFO(x.out << x.err);
        CHECK(line_with(x.out, "flowgap-client-to-server-interzone", "").find("MATCHES: allow") !=
              std::string::npos);
    }
}

TEST_CASE("e2e: the XML form of a default-rule fix, put into the export, lets the flow through",
          "[paloalto][e2e]") {
    auto r = run_flowgap("audit fixtures/paloalto/default-rule-pushed/deployment.yaml --format json");
    INFO(r.out << r.err);
    auto report = nlohmann::json::parse(r.out);
    std::string xml;
    for (const auto& f : report["flows"]) {
        if (f["flow"] == "client-to-server") xml = f["remediation"][0]["xml"].get<std::string>();
    }
    // Service objects go to the vsys's <service>, the rule to its security rules.
    std::string services, rules;
    std::istringstream in(xml);
    for (std::string line; std::getline(in, line);)
        (has(line, "<protocol>") ? services : rules) += line + "\n";
    REQUIRE(has(rules, "<entry name=\"flowgap-client-to-server-interzone\">"));
    REQUIRE(has(services, "<entry name=\"tcp-17472\">"));
    std::string fw = read_file(source_path("fixtures/paloalto/default-rule-pushed/fw.xml"));
    fw.replace(fw.find("<rules/>"), 8, "<rules>" + rules + "</rules>");
    fw.replace(fw.find("<rulebase>"), 10, "<service>" + services + "</service><rulebase>");
    TempDir dir;
    dir.write("fw.xml", fw);
    std::string deployment = read_file(source_path("fixtures/paloalto/default-rule-pushed/deployment.yaml"));
    dir.write("d.yaml", deployment);
    auto after = run_flowgap("audit '" + dir.path("d.yaml") + "'");
    INFO(fw << after.out << after.err);
    CHECK(has(after.out, "allowed        client-to-server"));
}
