// End-to-end tests of the flowgap binary: commands, exit codes, formats, errors.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/e2e.hpp"

using flowgap::testing::run_flowgap;
using flowgap::testing::TempDir;
using nlohmann::json;

namespace {

const std::string kDemo = "fixtures/demo/deployment.yaml";

const json* find_result(const json& report, const std::string& flow, const std::string& firewall) {
    for (const auto& r : report["flows"]) {
        if (r["flow"] == flow && r["firewall"] == firewall) return &r;
    }
    return nullptr;
}

const json& end_to_end(const json& report, const std::string& flow) {
    for (const auto& e : report["end_to_end"]) {
        if (e["flow"] == flow) return e;
    }
    FAIL("no end-to-end entry for " << flow);
    throw;
}

}  // namespace

TEST_CASE("flows lists the catalog rows that apply to the demo", "[cli]") {
    auto r = run_flowgap("flows " + kDemo);
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(r.out.find("client-to-server") != std::string::npos);
    CHECK(r.out.find("server-to-database               required    tcp/1433") != std::string::npos);
    CHECK(r.out.find("appliance-ssh") == std::string::npos);  // a Windows deployment

    auto j = run_flowgap("flows " + kDemo + " --format json");
    REQUIRE(j.exit_code == 0);
    json flows = json::parse(j.out);
    CHECK(flows["schema"] == "flowgap-flows/1");
    REQUIRE(flows["flows"].size() == 8);
    CHECK(flows["flows"][0]["flow"] == "client-to-server");
    CHECK(flows["flows"][0]["from"] == json::array({"10.20.0.0/16"}));
    CHECK(flows["flows"][0]["to"] == json::array({"10.10.1.10"}));
    CHECK(flows["flows"][0]["service"] == "tcp/17472");
    CHECK(flows["flows"][1]["both_ways"] == true);
}

TEST_CASE("the demo audit finds the blocked parts and exits 1", "[cli]") {
    auto r = run_flowgap("audit " + kDemo + " --format json");
    CHECK(r.exit_code == 1);
    json report = json::parse(r.out);
    CHECK(report["schema"] == "flowgap-report/1");
    REQUIRE(report["firewalls"].size() == 2);
    CHECK(report["firewalls"][0]["format"] == "iptables");
    CHECK(report["summary"]["passed"] == false);

    // The guest VLAN's RETURN falls through to the router's FORWARD policy DROP.
    const json* c2s = find_result(report, "client-to-server", "core-router");
    REQUIRE(c2s);
    CHECK((*c2s)["verdict"] == "partial");
    CHECK((*c2s)["example_blocked"] == "tcp 10.20.66.1:49152 -> 10.10.1.10:17472");
    bool drop_named = false;
    for (const auto& d : (*c2s)["decided_by"]) {
        if (d["action"] == "block") {
            drop_named = true;
            CHECK(d["location"].get<std::string>().find("fixtures/demo/core-router.rules:") == 0);
            CHECK(d["example"] == "tcp 10.20.66.1:49152 -> 10.10.1.10:17472");
        }
    }
    CHECK(drop_named);

    // Peers in the upper half of the branch LAN are dropped by the host's INPUT policy.
    const json* peering = find_result(report, "client-peering", "branch-linux-37");
    REQUIRE(peering);
    CHECK((*peering)["verdict"] == "partial");
    CHECK((*peering)["example_blocked"] == "tcp 10.20.5.128:49152 -> 10.20.5.37:17472");
    CHECK(find_result(report, "client-peering", "core-router") == nullptr);  // peers never cross the router

    CHECK(end_to_end(report, "console-to-server")["verdict"] == "allowed");
    CHECK(end_to_end(report, "server-to-internet")["verdict"] == "allowed");
    CHECK(end_to_end(report, "module-to-internet")["verdict"] == "partial");  // port 80 is not open
    CHECK(end_to_end(report, "server-to-database")["verdict"] == "not-applicable");
    CHECK(end_to_end(report, "client-to-server")["firewalls"] ==
          json::array({"core-router", "branch-linux-37"}));
}

TEST_CASE("the text report names verdicts, rules and the gate", "[cli]") {
    auto r = run_flowgap("audit " + kDemo);
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("core-router (iptables, fixtures/demo/core-router.rules") != std::string::npos);
    CHECK(r.out.find("partial        client-to-server") != std::string::npos);
    CHECK(r.out.find("FAIL: 3 of 8 required flows are not allowed end to end") != std::string::npos);
}

TEST_CASE("reports are byte-identical across runs and --output writes the same bytes", "[cli]") {
    TempDir dir;
    auto a = run_flowgap("audit " + kDemo + " --format json");
    auto b = run_flowgap("audit " + kDemo + " --format json --output '" + dir.path("r.json") + "'");
    CHECK(b.exit_code == 1);
    CHECK(b.out.empty());
    CHECK(flowgap::testing::read_file(dir.path("r.json")) == a.out);
    CHECK(run_flowgap("audit " + kDemo).out == run_flowgap("audit " + kDemo).out);
}

TEST_CASE("an all-allowing configuration allows every flow but fails the gate on its exposures", "[cli]") {
    TempDir dir;
    dir.write("open.rules",
              "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n");
    std::string d = dir.write("d.yaml",
                              "roles: {server: 10.10.1.10, module_server: 10.10.1.20, database: 10.10.1.30,\n"
                              "        console: 10.99.0.0/24, endpoints: 10.20.0.0/16}\n"
                              "firewalls: [{name: open, config: open.rules}]\n");
    auto r = run_flowgap("audit '" + d + "'");
    CHECK(r.exit_code == 1);  // the gate (--fail-on high) also counts findings: this exposes the server
    CHECK(r.out.find("PASS: all 8 required flows are allowed") != std::string::npos);
    CHECK(r.out.find("gate (--fail-on high): FAIL") != std::string::npos);
}

TEST_CASE("bad input exits 2 with a located error and writes no report", "[cli]") {
    TempDir dir;
    dir.write("fw.rules", "*filter\n:INPUT DROP [0:0]\n-A INPUT -s 10.0.0.300 -j ACCEPT\nCOMMIT\n");
    dir.write("garbage.rules", "hello world\n");
    std::string roles =
        "roles: {server: 10.10.1.10, module_server: 10.10.1.20, database: 10.10.1.30, "
        "console: 10.99.0.0/24, endpoints: 10.20.0.0/16}\n";
    std::string bad_yaml =
        dir.write("bad.yaml", roles + "firewalls: [{name: x, config: fw.rules, hots: 1.2.3.4}]\n");
    std::string bad_addr =
        dir.write("addr.yaml", roles + "firewalls: [{name: x, config: fw.rules, host: 10.20.5.37}]\n");
    std::string garbage = dir.write(
        "garbage.yaml", roles + "firewalls: [{name: x, config: garbage.rules, host: 10.20.5.37}]\n");
    std::string out = dir.path("report.json");

    auto r = run_flowgap("audit '" + bad_yaml + "' --output '" + out + "'");
    CHECK(r.exit_code == 2);
    // One line that starts with the location, as compilers print errors, so editors jump to it.
    CHECK(r.err.rfind(bad_yaml + ":2:41: error: unknown key 'hots' in a firewall entry", 0) == 0);
    CHECK(r.err.find('\n') == r.err.size() - 1);
    CHECK(!std::filesystem::exists(out));

    r = run_flowgap("audit '" + bad_addr + "' --output '" + out + "'");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("fw.rules:3:") != std::string::npos);
    CHECK(!std::filesystem::exists(out));

    r = run_flowgap("audit '" + garbage + "'");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("garbage.rules:1:1: error:") != std::string::npos);
    CHECK(r.out.empty());

    r = run_flowgap("audit '" + dir.path("missing.yaml") + "'");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("missing.yaml: error: cannot open the deployment file") != std::string::npos);

    r = run_flowgap("audit");
    CHECK(r.exit_code == 2);
    r = run_flowgap("audit " + kDemo + " --format yaml");
    CHECK(r.exit_code == 2);
}
