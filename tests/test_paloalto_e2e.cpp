// End to end through the flowgap binary: fixtures/paloalto/ (dc-fw.xml, zones inferred from its
// interfaces and default route).
#include <catch2/catch.hpp>

#include "tests/support/e2e.hpp"

using flowgap::testing::run_flowgap;
using flowgap::testing::TempDir;

namespace {

bool has(const std::string& out, const std::string& text) {
    return out.find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("e2e: Palo Alto verdicts, rule names and lines", "[paloalto][e2e]") {
    auto r = run_flowgap("audit fixtures/paloalto/deployment.yaml");
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK(has(r.out, "dc-fw (paloalto, fixtures/paloalto/dc-fw.xml, 5 rules, network)"));
    // A deny rule shadows the upper half of the branches.
    CHECK(has(r.out, "partial        client-to-server"));
    CHECK(has(r.out,
              "block         deny-upper-branches (fixtures/paloalto/dc-fw.xml:60) e.g. tcp "
              "10.20.128.1:49152 -> 10.10.1.10:17472"));
    CHECK(has(r.out, "allow         allow-tanium-clients (fixtures/paloalto/dc-fw.xml:69)"));
    // App-ID: the ssl rule only may allow.
    CHECK(has(r.out, "conditional    console-to-server"));
    CHECK(has(r.out, "may allow     console-ssl (fixtures/paloalto/dc-fw.xml:78)"));
    CHECK(has(r.out, "if App-ID classifies the traffic as ssl"));
    // Intrazone (servers zone spans two subnets) overridden to deny.
    CHECK(has(r.out, "blocked        server-to-module"));
    CHECK(has(r.out, "block         intrazone-default (fixtures/paloalto/dc-fw.xml:110)"));
    // 198.51.100.80 is in untrust only through the default route.
    CHECK(has(r.out,
              "allow         servers-to-internet (fixtures/paloalto/dc-fw.xml:87) e.g. tcp "
              "10.10.1.10:49152 -> 198.51.100.80:443"));
    // Server and database share a connected subnet: the firewall never sees that flow.
    CHECK(has(r.out,
              "not-applicable server-to-database               required    crosses no audited firewall"));
    CHECK_FALSE(has(r.out, "  allowed        server-to-database"));
}

TEST_CASE("e2e: a truncated export is a located input error", "[paloalto][e2e]") {
    TempDir dir;
    dir.write("fw.xml",
              "<config version=\"10.1.0\">\n  <devices>\n    <entry name=\"localhost.localdomain\">\n");
    dir.write("d.yaml",
              "roles: {server: [10.0.0.1], module_server: [10.0.0.2], database: [10.0.0.3],\n"
              "        console: [10.1.0.0/24], endpoints: [10.2.0.0/16]}\n"
              "firewalls:\n  - {name: fw, config: fw.xml}\n");
    auto r = run_flowgap("audit '" + dir.path("d.yaml") + "'");
    CHECK(r.exit_code == 2);
    CHECK(has(r.err, "fw.xml:3:41: error: not a well-formed XML export (Start-end tags mismatch)"));
}

TEST_CASE("e2e: a rule naming an undefined object is a warning and conditional", "[paloalto][e2e]") {
    TempDir dir;
    dir.write("fw.txt",
              "set zone inside network layer3 ethernet1/1\n"
              "set network interface ethernet ethernet1/1 layer3 ip 10.0.0.254/24\n"
              "set zone outside network layer3 ethernet1/2\n"
              "set network interface ethernet ethernet1/2 layer3 ip 10.2.0.254/16\n"
              "set rulebase security rules clients from outside\n"
              "set rulebase security rules clients to inside\n"
              "set rulebase security rules clients source any\n"
              "set rulebase security rules clients destination tanium-servers\n"
              "set rulebase security rules clients application any\n"
              "set rulebase security rules clients service any\n"
              "set rulebase security rules clients action allow\n");
    dir.write("d.yaml",
              "roles: {server: [10.0.0.1], module_server: [10.0.0.2], database: [10.0.0.3],\n"
              "        console: [10.0.0.0/24], endpoints: [10.2.0.0/16]}\n"
              "firewalls:\n  - {name: fw, config: fw.txt}\n");
    auto r = run_flowgap("audit '" + dir.path("d.yaml") + "'");
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK(has(r.out, "fw.txt:8: warning: undefined address object 'tanium-servers'"));
    CHECK(has(r.out, "conditional    client-to-server"));
    CHECK(has(r.out, "may allow     clients ("));
    CHECK(has(r.out, "if undefined object 'tanium-servers'"));
}

TEST_CASE("e2e: an export with no place for rules is an error, a fresh firewall denies between zones",
          "[paloalto][e2e]") {
    TempDir dir;
    dir.write("d.yaml",
              "roles: {server: [10.0.0.1], module_server: [10.0.0.2], database: [10.0.0.3],\n"
              "        console: [10.1.0.0/24], endpoints: [10.2.0.0/16]}\n"
              "firewalls:\n  - {name: fw, config: fw.xml}\n");
    SECTION("<config/> used to read as \"nothing filters\": every flow allowed") {
        dir.write("fw.xml", "<?xml version=\"1.0\"?>\n  <config version=\"10.1.0\"/>\n");
        auto r = run_flowgap("audit '" + dir.path("d.yaml") + "'");
        INFO(r.out << r.err);
        CHECK(r.exit_code == 2);
        CHECK(has(r.err, "fw.xml:2:3: error: no vsys, device group or shared rulebase"));
    }
    SECTION("the set form without any rulebase") {
        dir.write("fw.xml", "set deviceconfig system hostname fw1\n");
        auto r = run_flowgap("audit '" + dir.path("d.yaml") + "'");
        INFO(r.out << r.err);
        CHECK(r.exit_code == 2);
        CHECK(has(r.err, "fw.xml:1:1: error: no vsys, device group or shared rulebase"));
    }
    SECTION("a vsys with an empty rulebase is a real, fresh firewall: interzone-default denies") {
        dir.write("fw.xml",
                  "<config version=\"10.1.0\"><devices><entry name=\"localhost.localdomain\"><vsys>"
                  "<entry name=\"vsys1\"><rulebase/></entry></vsys></entry></devices></config>\n");
        auto r = run_flowgap("audit '" + dir.path("d.yaml") + "'");
        INFO(r.out << r.err);
        CHECK(r.exit_code == 1);
        CHECK_FALSE(has(r.out, "  allowed "));
    }
}
