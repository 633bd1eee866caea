// End-to-end tests of the exposure checks and the App-ID check on Palo Alto configs (XML export and
// set format), zones from the deployment's `zones:`, through the built binary's JSON report.
// Every expected excess is worked out by hand: what the rule admits of the check's probe (the
// zones it names restrict its sources and destinations), less what the catalog's flows need.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "tests/support/checks.hpp"

using namespace flowgap::testing::checks;
using flowgap::testing::TempDir;

namespace {

// A Windows deployment; each server subnet is its own zone, the rest of the world is untrust.
const char* kDeployment = R"(platform: windows
roles:
  server: [10.10.1.10]
  module_server: [10.10.2.20]
  database: [10.10.3.30]
  console: [10.99.0.0/24]
  endpoints: [10.20.0.0/16]
  internet: [203.0.113.80]
  zone_server: [198.51.100.10]
firewalls:
  - name: dc-fw
    config: {config}
    zones:
      servers: [10.10.1.0/24]
      modules: [10.10.2.0/24]
      data: [10.10.3.0/24]
      branches: [10.20.0.0/16]
      admin: [10.99.0.0/24]
      untrust: [any]
)";

// The addresses of the untrust zone (IPv4): everything no other zone holds.
AddressSet untrust() {
    return any4() - addr("10.10.1.0/24,10.10.2.0/24,10.10.3.0/24,10.20.0.0/16,10.99.0.0/24");
}

// One rule in set format, a leaf per line as PAN-OS prints it.
std::string set_rule(const std::string& name,
                     std::initializer_list<std::pair<const char*, const char*>> leaves) {
    std::string out;
    for (const auto& [leaf, value] : leaves)
        out += fmt::format("set rulebase security rules {} {} {}\n", name, leaf, value);
    return out;
}

const char* kServices =
    "set service tanium-17472 protocol tcp port 17472\n"
    "set service tanium-17477 protocol tcp port 17477\n"
    "set service ms-sql protocol tcp port 1433\n";

// The last rule of every rulebase here: nothing falls through to intrazone-default (allow).
std::string deny_all() {
    return set_rule("deny-all", {{"from", "any"},
                                 {"to", "any"},
                                 {"source", "any"},
                                 {"destination", "any"},
                                 {"application", "any"},
                                 {"service", "any"},
                                 {"action", "deny"}});
}

struct Pan {
    TempDir dir;
    std::string config;
    std::string file;
    Pan(const std::string& file_name, const std::string& text) : config(text), file(file_name) {
        dir.write(file, config);
        std::string d = kDeployment;
        d.replace(d.find("{config}"), 8, file);
        dir.write("d.yaml", d);
    }
    // PAN-OS locations are file:line, the rule's first line.
    std::string at(const std::string& needle) const {
        return dir.path(file) + ":" + std::to_string(line_of(config, needle));
    }
};

}  // namespace

TEST_CASE("Palo Alto XML: the client port open from untrust is critical, the branches' part needed",
          "[checks][e2e]") {
    Pan p("fw.xml", R"(<?xml version="1.0"?>
<config version="10.2.0">
  <devices>
    <entry name="localhost.localdomain">
      <vsys>
        <entry name="vsys1">
          <address>
            <entry name="tanium-server"><ip-netmask>10.10.1.10</ip-netmask></entry>
          </address>
          <service>
            <entry name="tanium-17472"><protocol><tcp><port>17472</port></tcp></protocol></entry>
          </service>
          <rulebase>
            <security>
              <rules>
                <entry name="tanium-clients">
                  <from><member>branches</member><member>untrust</member></from>
                  <to><member>servers</member></to>
                  <source><member>any</member></source>
                  <destination><member>tanium-server</member></destination>
                  <application><member>any</member></application>
                  <service><member>tanium-17472</member></service>
                  <action>allow</action>
                </entry>
                <entry name="deny-all">
                  <from><member>any</member></from>
                  <to><member>any</member></to>
                  <source><member>any</member></source>
                  <destination><member>any</member></destination>
                  <application><member>any</member></application>
                  <service><member>any</member></service>
                  <action>deny</action>
                </entry>
              </rules>
            </security>
          </rulebase>
        </entry>
      </vsys>
    </entry>
  </devices>
</config>
)");
    Report rep = audit(p.dir);
    INFO(rep.summary());
    CHECK(rep.j["findings"].size() == 1);
    json f = the_finding(rep, "exposed-server-port", "tanium-clients");
    CHECK(f["severity"] == "critical");
    CHECK(f["location"] == p.at("<entry name=\"tanium-clients\">"));
    CHECK(f["policy"].is_string());
    check_space(f["excess"], {untrust(), addr("10.10.1.10"), "tcp", "17472"});
    check_space(f["needed"], {addr("10.20.0.0/16"), addr("10.10.1.10"), "tcp", "17472"});
    CHECK(audit(p.dir, " --fail-on critical").exit_code == 1);
}

TEST_CASE("Palo Alto set format: module, database, outbound client port and port 80", "[checks][e2e]") {
    std::string config = kServices;
    config += set_rule("servers-to-modules", {{"from", "servers"},
                                              {"to", "modules"},
                                              {"source", "any"},
                                              {"destination", "10.10.2.20"},
                                              {"application", "any"},
                                              {"service", "tanium-17477"},
                                              {"action", "allow"}});
    config += set_rule("sql", {{"from", "[ servers admin ]"},
                               {"to", "data"},
                               {"source", "any"},
                               {"destination", "10.10.3.30"},
                               {"application", "any"},
                               {"service", "ms-sql"},
                               {"action", "allow"}});
    config += set_rule("hub-out", {{"from", "servers"},
                                   {"to", "untrust"},
                                   {"source", "10.10.1.10"},
                                   {"destination", "any"},
                                   {"application", "any"},
                                   {"service", "tanium-17472"},
                                   {"action", "allow"}});
    config += set_rule("updates", {{"from", "[ servers modules ]"},
                                   {"to", "untrust"},
                                   {"source", "[ 10.10.1.10 10.10.2.20 ]"},
                                   {"destination", "any"},
                                   {"application", "any"},
                                   {"service", "[ service-http service-https ]"},
                                   {"action", "allow"}});
    config += deny_all();
    Pan p("fw.txt", config);
    Report rep = audit(p.dir);
    INFO(rep.summary());
    CHECK(rep.j["findings"].size() == 4);

    // The whole servers zone may reach 17477; only the server needs to.
    json module = the_finding(rep, "exposed-module-port", "servers-to-modules");
    CHECK(module["severity"] == "high");
    CHECK(module["location"] == p.at("servers-to-modules"));
    check_space(module["excess"],
                {addr("10.10.1.0/24") - addr("10.10.1.10"), addr("10.10.2.20"), "tcp", "17477"});
    check_space(module["needed"], {addr("10.10.1.10"), addr("10.10.2.20"), "tcp", "17477"});

    json db = the_finding(rep, "exposed-database", "sql");
    CHECK(db["location"] == p.at("rules sql "));
    check_space(db["excess"], {(addr("10.10.1.0/24") - addr("10.10.1.10")) | addr("10.99.0.0/24"),
                               addr("10.10.3.30"), "tcp", "1433"});
    check_space(db["needed"], {addr("10.10.1.10"), addr("10.10.3.30"), "tcp", "1433"});

    // Out to all of untrust on 17472: only the zone server (the hub's connections) is needed.
    json out = the_finding(rep, "outbound-server-port", "hub-out");
    CHECK(out["severity"] == "medium");
    CHECK(out["location"] == p.at("hub-out"));
    check_space(out["excess"], {addr("10.10.1.10"), untrust() - addr("198.51.100.10"), "tcp", "17472"});
    check_space(out["needed"], {addr("10.10.1.10"), addr("198.51.100.10"), "tcp", "17472"});

    // service-http is 80 and 8080; the check is about 80, which the catalog needs but advises against.
    json http = the_finding(rep, "plain-http-egress", "updates");
    CHECK(http["severity"] == "info");
    check_space(http["excess"], {addr("10.10.1.10,10.10.2.20"), untrust(), "tcp", "80"});
    CHECK(http["needed"].is_null());
}

TEST_CASE("Palo Alto: an App-ID rule that alone carries a required flow is high", "[checks][e2e]") {
    std::string config = set_rule("console-ssl", {{"from", "admin"},
                                                  {"to", "servers"},
                                                  {"source", "any"},
                                                  {"destination", "10.10.1.10"},
                                                  {"application", "ssl"},
                                                  {"service", "application-default"},
                                                  {"action", "allow"}});
    config += set_rule("module-callbacks", {{"from", "modules"},
                                            {"to", "servers"},
                                            {"source", "10.10.2.20"},
                                            {"destination", "10.10.1.10"},
                                            {"application", "any"},
                                            {"service", "service-https"},
                                            {"action", "allow"}});
    config += deny_all();
    Pan p("fw.txt", config);
    Report rep = audit(p.dir);
    INFO(rep.summary());
    CHECK(rep.j["findings"].size() == 1);  // the admin zone is the console subnet: no exposure
    json f = the_finding(rep, "app-id-rule", "console-ssl");
    CHECK(f["severity"] == "high");
    CHECK(f["location"] == p.at("console-ssl"));
    CHECK(f["conditional"] == true);
    CHECK(f["flows"] == json::array({"console-to-server"}));
    CHECK(f["excess"].is_null());
    // The part of the flow the rule decides: ssl's default port, 443, from the console hosts.
    check_space(f["needed"], {addr("10.99.0.0/24"), addr("10.10.1.10"), "tcp", "443"});
    CHECK(f["message"].get<std::string>().find("matches on application identity (ssl") != std::string::npos);
    // The fix: match on a TCP service object instead.
    std::string commands = f["remediation"].dump();
    CHECK(commands.find("set service tcp-443 protocol tcp port 443") != std::string::npos);
    CHECK(commands.find("set rulebase security rules \\\"console-ssl\\\" service tcp-443") !=
          std::string::npos);
}

TEST_CASE("Palo Alto: an App-ID rule sharing a flow with a service rule is medium", "[checks][e2e]") {
    std::string config = set_rule("console-admins", {{"from", "admin"},
                                                     {"to", "servers"},
                                                     {"source", "10.99.0.0/25"},
                                                     {"destination", "10.10.1.10"},
                                                     {"application", "any"},
                                                     {"service", "service-https"},
                                                     {"action", "allow"}});
    config += set_rule("console-ssl", {{"from", "admin"},
                                       {"to", "servers"},
                                       {"source", "any"},
                                       {"destination", "10.10.1.10"},
                                       {"application", "[ ssl web-browsing ]"},
                                       {"service", "application-default"},
                                       {"action", "allow"}});
    config += deny_all();
    Pan p("fw.txt", config);
    Report rep = audit(p.dir);
    INFO(rep.summary());
    CHECK(rep.j["findings"].size() == 1);
    json f = the_finding(rep, "app-id-rule", "console-ssl");
    CHECK(f["severity"] == "medium");
    CHECK(f["flows"] == json::array({"console-to-server"}));
    // The service rule decides the lower half of the console subnet first.
    check_space(f["needed"], {addr("10.99.0.128/25"), addr("10.10.1.10"), "tcp", "443"});
    CHECK(f["message"].get<std::string>().find("ssl, web-browsing") != std::string::npos);
}

TEST_CASE("Palo Alto: an App-ID rule open beyond the console hosts is also a conditional exposure",
          "[checks][e2e]") {
    std::string config = set_rule("intranet-web", {{"from", "any"},
                                                   {"to", "servers"},
                                                   {"source", "any"},
                                                   {"destination", "10.10.1.10"},
                                                   {"application", "ssl"},
                                                   {"service", "application-default"},
                                                   {"action", "allow"}});
    config += deny_all();
    Pan p("fw.txt", config);
    Report rep = audit(p.dir);
    INFO(rep.summary());
    CHECK(rep.checks_of("intranet-web") == std::set<std::string>{"app-id-rule", "exposed-console"});
    json app = the_finding(rep, "app-id-rule", "intranet-web");
    CHECK(app["severity"] == "high");  // the only rule for console-to-server and module-to-server
    CHECK(app["flows"] == json::array({"console-to-server", "module-to-server"}));
    json f = the_finding(rep, "exposed-console", "intranet-web");
    CHECK(f["conditional"] == true);  // only if App-ID says ssl
    CHECK(f["message"].get<std::string>().find("may admit") != std::string::npos);
    // Every source (intrazone servers included: the zones say nothing of subnets), less the need.
    check_space(f["excess"], {any4() - addr("10.99.0.0/24,10.10.2.20"), addr("10.10.1.10"), "tcp", "443"});
    check_space(f["needed"], {addr("10.99.0.0/24,10.10.2.20"), addr("10.10.1.10"), "tcp", "443"});
}

namespace {

// Every flow of the deployment through the firewall, as service rules, and nothing more.
std::string exact_rules() {
    std::string config = kServices;
    auto allow = [&](const char* name, const char* from, const char* to, const char* src, const char* dst,
                     const char* service) {
        config += set_rule(name, {{"from", from},
                                  {"to", to},
                                  {"source", src},
                                  {"destination", dst},
                                  {"application", "any"},
                                  {"service", service},
                                  {"action", "allow"}});
    };
    allow("clients", "branches", "servers", "10.20.0.0/16", "10.10.1.10", "tanium-17472");
    allow("internet-clients", "untrust", "untrust", "any", "198.51.100.10", "tanium-17472");
    allow("console", "admin", "servers", "10.99.0.0/24", "10.10.1.10", "service-https");
    allow("module-callbacks", "modules", "servers", "10.10.2.20", "10.10.1.10", "service-https");
    allow("to-modules", "servers", "modules", "10.10.1.10", "10.10.2.20", "tanium-17477");
    allow("to-sql", "servers", "data", "10.10.1.10", "10.10.3.30", "ms-sql");
    allow("hub", "servers", "untrust", "10.10.1.10", "198.51.100.10", "tanium-17472");
    allow("content", "[ servers modules ]", "untrust", "[ 10.10.1.10 10.10.2.20 ]", "203.0.113.80",
          "service-https");
    return config;
}

}  // namespace

TEST_CASE("Palo Alto: service rules that admit exactly what Tanium needs report nothing", "[checks][e2e]") {
    Pan p("fw.txt", exact_rules() + deny_all());
    Report rep = audit(p.dir);
    INFO(rep.summary());
    CHECK(rep.j["findings"].empty());
}

TEST_CASE("Palo Alto: an enabled allow-all rule after the needed ones", "[checks][e2e]") {
    std::string config = exact_rules();
    config += set_rule("old-allow-all", {{"from", "any"},
                                         {"to", "any"},
                                         {"source", "any"},
                                         {"destination", "any"},
                                         {"application", "any"},
                                         {"service", "any"},
                                         {"action", "allow"}});
    Pan p("fw.txt", config);
    Report rep = audit(p.dir);
    INFO(rep.summary());
    json f = the_finding(rep, "any-any-rule", "old-allow-all");
    CHECK(f["severity"] == "high");
    CHECK(f["location"] == p.at("old-allow-all"));
    CHECK(f["excess"]["to"] == json::array({"10.10.1.10", "10.10.2.20", "10.10.3.30", "198.51.100.10"}));
    CHECK(f["excess"]["protocol"] == "any");
    // Nothing but the allow-all is reported, and its findings hold no needed part (the rules
    // before it admit all of that) but for peering, which no rule before it allows.
    for (const auto& g : rep.j["findings"]) {
        INFO(g["check"]);
        CHECK(g["rule"] == "old-allow-all");
        if (g["check"] != "cross-lan-peering") CHECK(g["needed"].is_null());
    }
    json server = the_finding(rep, "exposed-server-port", "old-allow-all");
    CHECK(server["severity"] == "critical");
    check_space(server["excess"], {any4() - addr("10.20.0.0/16"), addr("10.10.1.10"), "tcp", "17472"});
    // Peering between branch /24s crosses the firewall within the branches zone.
    json peering = the_finding(rep, "cross-lan-peering", "old-allow-all");
    check_space(peering["excess"], {addr("10.20.0.0/16"), addr("10.20.0.0/16"), "tcp", "17472"});
    check_space(peering["needed"], {addr("10.20.0.0/16"), addr("10.20.0.0/16"), "tcp", "17472"});
    // The excess is peering across /24s, the need peering within them.
    std::string example = peering["example"].get<std::string>();  // "tcp A:sport -> B:dport"
    auto a = example.substr(4, example.find(':') - 4);
    auto b = example.substr(example.find("-> ") + 3);
    CHECK(a.substr(0, a.rfind('.')) != b.substr(0, b.rfind('.')));
}
