// End-to-end tests of the exposure checks on Windows Defender Firewall exports (netsh `add rule`
// scripts, `show rule` listings, the PowerShell JSON export) of the Windows hosts of a Tanium
// deployment, through the built binary's JSON report. A host firewall sees the packets to and
// from its own address; block rules win over allow rules, so what an allow rule admits is what
// it matches less every matching block rule. Expected excesses are worked out by hand.
#include <catch2/catch.hpp>

#include "tests/support/checks.hpp"
#include "tests/support/deployment.hpp"

using namespace flowgap::testing::checks;
using flowgap::testing::TempDir;

namespace {

std::string roles() {
    return "database_engine: sqlserver\n" + flowgap::testing::standard_deployment() + "firewalls:\n";
}

std::string add_rule(const std::string& args) {
    return "netsh advfirewall firewall add rule " + args + "\r\n";
}

struct Host {
    TempDir dir;
    std::string config, file;
    Host(const std::string& file_name, const std::string& text, const std::string& entry)
        : config(text), file(file_name) {
        dir.write(file, config);
        dir.write("d.yaml", roles() + entry);
    }
    std::string at(const std::string& needle) const {
        return dir.path(file) + ":" + std::to_string(line_of(config, needle)) + ":1";
    }
};

// The Tanium Server's script: outbound blocked by default, so outbound rules are checked too.
const char* kHardened =
    "@echo off\r\n"
    "rem Tanium Server host firewall\r\n"
    "netsh advfirewall set allprofiles state on\r\n"
    "netsh advfirewall set allprofiles firewallpolicy blockinbound,blockoutbound\r\n";

}  // namespace

TEST_CASE("netsh script: the Tanium Server host's inbound and outbound rules", "[checks][e2e]") {
    std::string script = kHardened;
    script += add_rule("name=\"Tanium Server\" dir=in action=allow protocol=TCP localport=17472");
    script += add_rule(
        "name=\"Tanium Console\" dir=in action=allow protocol=TCP localport=443 remoteip=10.0.0.0/8");
    script += add_rule("name=\"Tanium Server out\" dir=out action=allow protocol=TCP remoteport=17472");
    script += add_rule(
        "name=\"Tanium Module Server\" dir=out action=allow protocol=TCP remoteport=17477 "
        "remoteip=10.10.1.20");
    script += add_rule("name=\"SQL\" dir=out action=allow protocol=TCP remoteport=1433 remoteip=10.10.1.30");
    script += add_rule(
        "name=\"Content\" dir=out action=allow protocol=TCP remoteport=80,443 remoteip=203.0.113.80");
    Host h("server.cmd", script, "  - {name: tanium-server, config: server.cmd, host: 10.10.1.10}\n");
    Report rep = audit(h.dir);
    INFO(rep.summary());
    CHECK(rep.j["findings"].size() == 4);  // the module server and SQL rules admit only what is needed

    // Any remote address (the host's own traffic is never filtered), less the endpoints.
    json server = the_finding(rep, "exposed-server-port", "Tanium Server");
    CHECK(server["severity"] == "critical");
    CHECK(server["location"] == h.at("name=\"Tanium Server\""));
    check_space(server["excess"],
                {any4() - addr("10.20.0.0/16,10.10.1.10"), addr("10.10.1.10"), "tcp", "17472"});
    check_space(server["needed"], {addr("10.20.0.0/16"), addr("10.10.1.10"), "tcp", "17472"});

    json console = the_finding(rep, "exposed-console", "Tanium Console");
    CHECK(console["severity"] == "high");
    CHECK(console["location"] == h.at("Tanium Console"));
    check_space(console["excess"], {addr("10.0.0.0/8") - addr("10.10.1.10,10.10.1.20,10.99.0.0/24"),
                                    addr("10.10.1.10"), "tcp", "443"});
    check_space(console["needed"], {addr("10.10.1.20,10.99.0.0/24"), addr("10.10.1.10"), "tcp", "443"});

    // No zone servers: no outbound 17472 is needed at all.
    json out = the_finding(rep, "outbound-server-port", "Tanium Server out");
    CHECK(out["severity"] == "medium");
    CHECK(out["location"] == h.at("Tanium Server out"));
    check_space(out["excess"], {addr("10.10.1.10"), any4() - addr("10.10.1.10"), "tcp", "17472"});
    CHECK(out["needed"].is_null());

    json http = the_finding(rep, "plain-http-egress", "Content");
    CHECK(http["severity"] == "info");
    check_space(http["excess"], {addr("10.10.1.10"), addr("203.0.113.80"), "tcp", "80"});
}

TEST_CASE("netsh script: a Tanium Server host that admits exactly what Tanium needs", "[checks][e2e]") {
    std::string script = kHardened;
    script += add_rule(
        "name=\"Tanium Server\" dir=in action=allow protocol=TCP localport=17472 remoteip=10.20.0.0/16");
    script += add_rule(
        "name=\"Tanium Console\" dir=in action=allow protocol=TCP localport=443 "
        "remoteip=10.99.0.0/24,10.10.1.20");
    script += add_rule(
        "name=\"Tanium Module Server\" dir=out action=allow protocol=TCP remoteport=17477 "
        "remoteip=10.10.1.20");
    script += add_rule("name=\"SQL\" dir=out action=allow protocol=TCP remoteport=1433 remoteip=10.10.1.30");
    script +=
        add_rule("name=\"Content\" dir=out action=allow protocol=TCP remoteport=443 remoteip=203.0.113.80");
    Host h("server.cmd", script, "  - {name: tanium-server, config: server.cmd, host: 10.10.1.10}\n");
    Report rep = audit(h.dir);
    INFO(rep.summary());
    CHECK(rep.j["findings"].empty());
}

TEST_CASE("netsh listing: a block rule narrows what the SQL Server's allow rule exposes", "[checks][e2e]") {
    std::string sep(70, '-');
    auto rule = [&](const char* name, const char* remote, const char* action) {
        return std::string("\r\nRule Name:                            ") + name + "\r\n" + sep +
               "\r\nEnabled:                              Yes\r\n"
               "Direction:                            In\r\n"
               "Profiles:                             Domain,Private,Public\r\n"
               "Grouping:                             \r\n"
               "LocalIP:                              Any\r\n"
               "RemoteIP:                             " +
               remote +
               "\r\n"
               "Protocol:                             TCP\r\n"
               "LocalPort:                            1433\r\n"
               "RemotePort:                           Any\r\n"
               "Edge traversal:                       No\r\n"
               "Program:                              Any\r\n"
               "Service:                              Any\r\n"
               "Action:                               " +
               action + "\r\n";
    };
    std::string listing = rule("SQL Server (TCP-In)", "Any", "Allow") +
                          rule("Block branch offices from SQL", "10.20.0.0/255.255.0.0", "Block") + "Ok.\r\n";
    Host h("sql.txt", listing, "  - {name: sql-server, config: sql.txt, host: 10.10.1.30}\n");
    Report rep = audit(h.dir);
    INFO(rep.summary());
    CHECK(rep.j["findings"].size() == 1);
    json f = the_finding(rep, "exposed-database", "SQL Server (TCP-In)");
    CHECK(f["severity"] == "high");
    CHECK(f["location"] == h.at("Rule Name:                            SQL Server"));
    // Every remote address but the branches (blocked: block rules win) and the host itself.
    check_space(f["excess"],
                {any4() - addr("10.20.0.0/16,10.10.1.30,10.10.1.10"), addr("10.10.1.30"), "tcp", "1433"});
    check_space(f["needed"], {addr("10.10.1.10"), addr("10.10.1.30"), "tcp", "1433"});
}

TEST_CASE("netsh script: a program rule on the Module Server may admit anyone, and outbound 80 by default",
          "[checks][e2e]") {
    std::string script = add_rule(
        "name=\"Tanium Module Server\" dir=in action=allow protocol=TCP localport=17477 "
        "program=\"C:\\Program Files\\Tanium\\Tanium Module Server\\TaniumModuleServer.exe\"");
    Host h("module.cmd", script, "  - {name: module-server, config: module.cmd, host: 10.10.1.20}\n");
    Report rep = audit(h.dir);
    INFO(rep.summary());
    CHECK(rep.j["findings"].size() == 2);
    json f = the_finding(rep, "exposed-module-port", "Tanium Module Server");
    CHECK(f["severity"] == "high");
    CHECK(f["location"] == h.at("Tanium Module Server"));
    // Whether it admits a packet depends on the program listening: unknown for anything but the
    // catalog's own flows.
    CHECK(f["conditional"] == true);
    CHECK(f["message"].get<std::string>().find("may admit") != std::string::npos);
    check_space(f["excess"], {any4() - addr("10.10.1.10,10.10.1.20"), addr("10.10.1.20"), "tcp", "17477"});
    check_space(f["needed"], {addr("10.10.1.10"), addr("10.10.1.20"), "tcp", "17477"});
    // Windows' default AllowOutbound lets the module server out on port 80 to anywhere.
    bool default_http = false;
    for (const auto& g : rep.findings("plain-http-egress")) {
        default_http = g["rule"].get<std::string>().rfind("default", 0) == 0;
        check_space(g["excess"], {addr("10.10.1.20"), any4() - addr("10.10.1.20"), "tcp", "80"});
    }
    CHECK(default_http);
}

TEST_CASE("netsh JSON export: an endpoint accepting peers from the whole WAN", "[checks][e2e]") {
    auto json_export = [](const char* remote) {
        return std::string(R"J({"Rules": [
  {"Name": "TaniumClient-In", "DisplayName": "Tanium Client (TCP-In)", "Enabled": "True",
   "Direction": "Inbound", "Action": "Allow", "Profile": "Any", "EdgeTraversalPolicy": "Block",
   "Protocol": "TCP", "LocalPort": "17472", "RemotePort": "Any", "IcmpType": "Any",
   "LocalAddress": "Any", "RemoteAddress": ")J") +
               remote + R"J(", "Program": "Any", "Service": "Any", "InterfaceType": "Any",
   "Authentication": "NotRequired", "Encryption": "NotRequired"}
]}
)J";
    };
    const std::string entry =
        "  - {name: endpoint-37, config: endpoint.json, host: 10.20.5.37, address_keywords: {LocalSubnet: "
        "[10.20.5.0/24]}}\n";
    SECTION("RemoteAddress Any") {
        Host h("endpoint.json", json_export("Any"), entry);
        Report rep = audit(h.dir);
        INFO(rep.summary());
        CHECK(rep.j["findings"].size() == 1);
        json f = the_finding(rep, "cross-lan-peering", "Tanium Client (TCP-In)");
        CHECK(f["severity"] == "medium");
        CHECK(f["location"] == h.at("\"Name\": \"TaniumClient-In\""));
        check_space(f["excess"],
                    {addr("10.20.0.0/16") - addr("10.20.5.0/24"), addr("10.20.5.37"), "tcp", "17472"});
        check_space(f["needed"],
                    {addr("10.20.5.0/24") - addr("10.20.5.37"), addr("10.20.5.37"), "tcp", "17472"});
    }
    SECTION("RemoteAddress LocalSubnet, the host's /24: only needed peering") {
        Host h("endpoint.json", json_export("LocalSubnet"), entry);
        Report rep = audit(h.dir);
        INFO(rep.summary());
        CHECK(rep.j["findings"].empty());
    }
}

TEST_CASE("netsh script: an allow-any rule on the Tanium Server is an any-any rule", "[checks][e2e]") {
    std::string script = "netsh advfirewall set allprofiles firewallpolicy blockinbound,allowoutbound\r\n";
    script += add_rule("name=\"Troubleshooting - allow all\" dir=in action=allow protocol=any");
    Host h("server.cmd", script, "  - {name: tanium-server, config: server.cmd, host: 10.10.1.10}\n");
    Report rep = audit(h.dir);
    INFO(rep.summary());
    json f = the_finding(rep, "any-any-rule", "Troubleshooting - allow all");
    CHECK(f["severity"] == "high");
    CHECK(f["location"] == h.at("allow all"));
    CHECK(f["excess"]["to"] == json::array({"10.10.1.10"}));
    CHECK(f["excess"]["protocol"] == "any");
    CHECK(rep.checks_of("Troubleshooting - allow all") ==
          std::set<std::string>{"any-any-rule", "exposed-server-port", "exposed-console"});
    CHECK(the_finding(rep, "exposed-server-port", "Troubleshooting - allow all")["severity"] == "critical");
}
