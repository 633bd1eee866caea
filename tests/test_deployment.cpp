#include <catch2/catch.hpp>

#include "analysis/deployment.hpp"
#include "tests/support/e2e.hpp"

using namespace flowgap::analysis;
using flowgap::testing::TempDir;

namespace {

AddressSet addr(const char* text) {
    return *AddressSet::parse_list(text);
}

// Loads `yaml` (with an empty fw.rules beside it) and returns the error text, or "" if it loaded.
std::string load_error(const std::string& yaml) {
    TempDir dir;
    dir.write("fw.rules", "*filter\nCOMMIT\n");
    try {
        load_deployment(dir.write("d.yaml", yaml));
    } catch (const InputError& e) {
        return e.location().str().substr(dir.path().size()) + ": " + e.message();
    }
    return "";
}

}  // namespace

TEST_CASE("the demo deployment loads with its roles, firewalls and interfaces", "[deployment]") {
    Deployment d = load_deployment(flowgap::testing::source_path("fixtures/demo/deployment.yaml"));
    CHECK(d.platform == Platform::windows);
    CHECK(d.role("server") == addr("10.10.1.10"));
    CHECK(d.role("endpoints") == addr("10.20.0.0/16"));
    CHECK(d.role("admin") == d.role("console"));  // admin defaults to console
    CHECK(d.database_port() == 1433);
    REQUIRE(d.firewalls.size() == 2);
    const FirewallSpec& router = d.firewalls[0];
    CHECK(router.name == "core-router");
    CHECK(!router.host);
    // eth3 is `any`, less what the more specific interfaces take.
    CHECK(router.interfaces.at("eth3").contains(*Address::parse("8.8.8.8")));
    CHECK(!router.interfaces.at("eth3").contains(*Address::parse("10.20.5.37")));
    CHECK(router.interfaces.at("eth1") == addr("10.20.0.0/16"));
    CHECK(d.firewalls[1].host == addr("10.20.5.37"));
    CHECK(d.firewalls[1].config_paths.at(0).ends_with("fixtures/demo/branch-linux-37.rules"));
}

TEST_CASE("defaults follow the platform", "[deployment]") {
    TempDir dir;
    Deployment w =
        load_deployment(dir.write("w.yaml", "roles: {server: [10.0.0.1]}\ndatabase_engine: postgresql\n"));
    CHECK(w.ports.console == std::vector<uint32_t>{443});
    CHECK(w.database_port() == 5432);
    Deployment a = load_deployment(dir.write("a.yaml", "platform: appliance\nroles: {server: [10.0.0.1]}\n"));
    CHECK(a.ports.console == std::vector<uint32_t>{443, 8443});
    CHECK(a.role("internet") == AddressSet::public_internet());
    CHECK(a.role("zone_hub") == a.role("server"));
}

TEST_CASE("the default internet is public space less the deployment's own addresses", "[deployment]") {
    TempDir dir;
    Deployment d = load_deployment(dir.write("d.yaml", R"(
roles:
  server: [10.10.1.10, 20.30.40.50]
  zone_server: [2a01:4f8::10]
  endpoints: [any]
)"));
    AddressSet internet = d.role("internet");
    CHECK_FALSE(internet.contains(*Address::parse("20.30.40.50")));  // the server, published
    CHECK_FALSE(internet.contains(*Address::parse("2a01:4f8::10")));
    CHECK_FALSE(internet.contains(*Address::parse("203.0.113.80")));  // documentation range
    CHECK(internet.contains(*Address::parse("20.30.40.51")));
    // `endpoints: [any]` names no place: it takes nothing away from the internet.
    CHECK(internet.contains(*Address::parse("8.8.8.8")));
    CHECK(d.role("internet_endpoints") == internet);
    // A declared internet is taken as written, even when it overlaps a role.
    Deployment e =
        load_deployment(dir.write("e.yaml", "roles: {server: [20.30.40.50], internet: [20.30.40.0/24]}\n"));
    CHECK(e.role("internet") == addr("20.30.40.0/24"));
}

TEST_CASE("bad deployment files are located errors", "[deployment]") {
    CHECK(load_error("roles: {server: [10.0.0.1]}\nplatfrom: windows\n") ==
          "d.yaml:2:1: unknown key 'platfrom' in the deployment file (known: platform, active_active, "
          "database_engine, airgapped, direct_connect, ports, roles, firewalls)");
    CHECK(load_error("roles:\n  server: [10.0.0.1, 10.0.0.300]\n") ==
          "d.yaml:2:22: roles.server: '10.0.0.300' is not an address, CIDR, range or `any`");
    CHECK(load_error("roles:\n  servers: [10.0.0.1]\n").starts_with("d.yaml:2:3: unknown role 'servers'"));
    CHECK(load_error("roles: {server: 10.0.0.1}\nfirewalls:\n  - name: a\n    config: missing.rules\n")
              .starts_with("d.yaml:4:13: config file 'missing.rules' not found"));
    CHECK(load_error(
              "roles: {server: 10.0.0.1}\nfirewalls:\n  - {name: a, config: fw.rules}\n  - {name: a, config: "
              "fw.rules}\n") == "d.yaml:4:12: duplicate firewall name 'a'");
    CHECK(load_error("roles: {server: 10.0.0.1}\nplatform: linux\n") ==
          "d.yaml:2:11: platform must be one of appliance, windows, not 'linux'");
    CHECK(load_error("roles: {server: 10.0.0.1}\nports: {server: 70000}\n") ==
          "d.yaml:2:17: ports.server must be a port number 1-65535, not '70000'");
    CHECK(load_error("platform: windows\n").starts_with("d.yaml:1:1: the deployment file needs `roles:`"));
    CHECK(load_error("roles: [server\n").starts_with("d.yaml:"));
    CHECK(load_error("roles: [server\n").find("invalid YAML") != std::string::npos);
    CHECK(
        load_error("roles: {server: 10.0.0.1}\nfirewalls:\n  - {name: a, config: fw.rules, hots: 1.2.3.4}\n")
            .starts_with("d.yaml:3:33: unknown key 'hots' in a firewall entry"));
}

TEST_CASE("a firewall's config is a path or a list of paths", "[deployment]") {
    TempDir dir;
    dir.write("allprofiles.txt", "x");
    dir.write("rules.txt", "x");
    dir.write("fw.rules", "x");
    Deployment d =
        load_deployment(dir.write("d.yaml",
                                  "roles: {server: 10.0.0.1}\nfirewalls:\n"
                                  "  - {name: win, config: [allprofiles.txt, rules.txt], host: 10.0.0.1}\n"
                                  "  - name: lin\n    config:\n      - fw.rules\n"
                                  "  - {name: one, config: fw.rules}\n"));
    REQUIRE(d.firewalls.size() == 3);
    const FirewallSpec& win = d.firewalls[0];
    CHECK(win.configs == std::vector<std::string>{"allprofiles.txt", "rules.txt"});
    CHECK(win.config_paths == std::vector<std::string>{dir.path("allprofiles.txt"), dir.path("rules.txt")});
    CHECK(win.config_text() == dir.path("allprofiles.txt") + " + " + dir.path("rules.txt"));
    CHECK(d.firewalls[1].config_paths == std::vector<std::string>{dir.path("fw.rules")});  // a block list
    CHECK(d.firewalls[2].configs == std::vector<std::string>{"fw.rules"});                 // the scalar form
    CHECK(d.firewalls[2].config_text() == dir.path("fw.rules"));
}

TEST_CASE("a bad config list is a located error", "[deployment]") {
    const std::string head = "roles: {server: 10.0.0.1}\nfirewalls:\n";
    CHECK(load_error(head + "  - {name: a, config: [fw.rules, missing.txt]}\n")
              .starts_with("d.yaml:3:34: config file 'missing.txt' not found"));
    CHECK(load_error(head + "  - {name: a, config: [fw.rules, ./fw.rules]}\n") ==
          "d.yaml:3:34: config file './fw.rules' is listed twice");
    CHECK(load_error(head + "  - {name: a, config: []}\n") ==
          "d.yaml:3:23: config must name at least one file");
    CHECK(load_error(head + "  - {name: a, config: {v4: fw.rules}}\n") ==
          "d.yaml:3:23: config must be a path or a list of paths");
    CHECK(load_error(head + "  - {name: a, config: [[fw.rules]]}\n") ==
          "d.yaml:3:24: config must be a single value");
}

TEST_CASE("a missing deployment file is an error naming it", "[deployment]") {
    try {
        load_deployment("/nonexistent/flowgap.yaml");
        FAIL("expected an error");
    } catch (const InputError& e) {
        CHECK(std::string(e.what()) == "/nonexistent/flowgap.yaml: error: cannot open the deployment file");
    }
}

TEST_CASE("a key written twice in any mapping of the deployment is a located error", "[deployment]") {
    // yaml-cpp keeps both and a lookup sees one: the roles' second `server` used to win, the
    // firewall's first `config` to win, each silently.
    CHECK(load_error("roles:\n  server: [10.0.0.1]\n  server: [10.0.0.9]\n") ==
          "d.yaml:3:3: invalid YAML: the key 'server' is written twice (first at line 2)");
    CHECK(load_error("roles: {server: 10.0.0.1}\nfirewalls:\n  - name: a\n    config: fw.rules\n"
                     "    config: other.rules\n") ==
          "d.yaml:5:5: invalid YAML: the key 'config' is written twice (first at line 4)");
    CHECK(load_error("roles: {server: 10.0.0.1}\nroles: {server: 10.0.0.2}\n") ==
          "d.yaml:2:1: invalid YAML: the key 'roles' is written twice (first at line 1)");
    CHECK(load_error("roles: {server: 10.0.0.1, server: 10.0.0.2}\n") ==
          "d.yaml:1:27: invalid YAML: the key 'server' is written twice (first at line 1)");
    // The same key in two different mappings is fine.
    CHECK(load_error("roles: {server: 10.0.0.1}\nfirewalls:\n  - {name: a, config: fw.rules}\n"
                     "  - {name: b, config: fw.rules}\n") == "");
}
