#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "analysis/catalog.hpp"
#include "tests/support/deployment.hpp"
#include "tests/support/e2e.hpp"

using namespace flowgap::analysis;
using flowgap::testing::TempDir;

namespace {

Deployment deployment(const std::string& yaml) {
    TempDir dir;
    return load_deployment(dir.write("d.yaml", yaml));
}

std::vector<std::string> ids(const std::vector<Flow>& flows) {
    std::vector<std::string> out;
    for (const auto& f : flows)
        out.emplace_back(f.entry->id);
    return out;
}

const Flow& find(const std::vector<Flow>& flows, std::string_view id) {
    for (const auto& f : flows) {
        if (f.entry->id == id) return f;
    }
    FAIL("no flow " << id);
    throw;
}

Packet tcp(const char* src, const char* dst, uint32_t dport) {
    return Packet{*Address::parse(src), *Address::parse(dst), protocol::tcp, dport, 49152};
}

// The standard deployment with no content host named: the internet is every public address.
std::string windows() {
    return flowgap::testing::standard_deployment({{"internet", ""}});
}

const char* kAppliance = R"(
platform: appliance
active_active: true
airgapped: true
roles:
  server: [10.10.1.10, 10.10.1.11]
  module_server: [10.10.2.20]
  zone_server: [198.51.100.10]
  console: [10.99.0.0/24]
  admin: [10.98.0.5]
  endpoints: [10.20.0.0/16]
  lan: [10.20.5.0/24, 10.20.6.0/23]
  dns: [10.99.0.53]
)";

}  // namespace

TEST_CASE("every catalog row cites the seed and has a stable id", "[catalog]") {
    for (const auto& e : catalog()) {
        CHECK(!e.id.empty());
        CHECK(!e.seed.empty());
        CHECK(!e.service.empty());
    }
}

TEST_CASE("a Windows deployment gets the Windows flows", "[catalog]") {
    auto flows = expand(deployment(windows()));
    CHECK(ids(flows) == std::vector<std::string>{"client-to-server", "client-peering", "console-to-server",
                                                 "server-to-module", "module-to-server", "server-to-database",
                                                 "server-to-internet", "module-to-internet"});
    const Flow& db = find(flows, "server-to-database");
    CHECK(db.service == "tcp/1433");
    CHECK(db.space.contains(tcp("10.10.1.10", "10.10.1.30", 1433)));
    CHECK(!db.space.contains(tcp("10.10.1.10", "10.10.1.30", 5432)));
    CHECK(!db.space.contains(tcp("10.10.1.30", "10.10.1.10", 1433)));  // one way only
    const Flow& console = find(flows, "console-to-server");
    CHECK(console.service == "tcp/443");
    const Flow& internet = find(flows, "server-to-internet");
    CHECK(internet.space.contains(tcp("10.10.1.10", "8.8.8.8", 80)));
    CHECK(!internet.space.contains(tcp("10.10.1.10", "192.168.1.1", 443)));
}

TEST_CASE("peers pair within each /24 by default", "[catalog]") {
    auto flows = expand(deployment(windows()));
    const Flow& peering = find(flows, "client-peering");
    CHECK(peering.space.contains(tcp("10.20.5.37", "10.20.5.200", 17472)));
    CHECK(peering.space.contains(tcp("10.20.5.200", "10.20.5.37", 17472)));
    CHECK(!peering.space.contains(tcp("10.20.5.37", "10.20.6.1", 17472)));
    CHECK(!peering.space.contains(tcp("10.20.5.37", "10.20.5.200", 443)));
}

TEST_CASE("an appliance cluster gets IPsec, SSH, 8443 and declared services, not the database", "[catalog]") {
    auto flows = expand(deployment(kAppliance));
    auto list = ids(flows);
    CHECK(std::find(list.begin(), list.end(), "server-to-database") == list.end());
    CHECK(std::find(list.begin(), list.end(), "server-to-internet") == list.end());  // airgapped
    CHECK(std::find(list.begin(), list.end(), "appliance-ntp") == list.end());       // no ntp declared
    CHECK(find(flows, "console-to-server").service == "tcp/443,8443");
    CHECK(find(flows, "module-to-server").space.contains(tcp("10.10.2.20", "10.10.1.11", 8443)));

    const Flow& ipsec = find(flows, "appliance-ipsec");
    CHECK(ipsec.service == "esp; udp/500,4500");
    CHECK(ipsec.space.contains(
        Packet{*Address::parse("10.10.1.10"), *Address::parse("10.10.1.11"), protocol::esp}));
    CHECK(!ipsec.space.contains(
        Packet{*Address::parse("10.10.1.10"), *Address::parse("10.10.1.10"), protocol::esp}));

    const Flow& ssh = find(flows, "appliance-ssh");  // two legs in one flow
    CHECK(ssh.space.contains(tcp("10.98.0.5", "10.10.2.20", 22)));
    CHECK(ssh.space.contains(tcp("10.10.2.20", "10.10.1.10", 22)));
    CHECK(
        !ssh.space.contains(tcp("10.99.0.7", "10.10.1.10", 22)));  // admin is declared, console is not admin

    const Flow& dns = find(flows, "appliance-dns");
    CHECK(dns.space.contains(
        Packet{*Address::parse("10.10.1.10"), *Address::parse("10.99.0.53"), protocol::udp, 53, 40000}));

    const Flow& peering = find(flows, "client-peering");  // declared LANs
    CHECK(peering.space.contains(tcp("10.20.6.1", "10.20.7.254", 17472)));
    CHECK(!peering.space.contains(tcp("10.20.5.1", "10.20.6.1", 17472)));
    CHECK(!peering.space.contains(tcp("10.20.9.1", "10.20.9.2", 17472)));  // outside every LAN

    CHECK(find(flows, "hub-to-zone").space.contains(tcp("10.10.1.11", "198.51.100.10", 17472)));
    CHECK(find(flows, "client-to-zone").space.contains(tcp("8.8.8.8", "198.51.100.10", 17472)));
}

TEST_CASE("port overrides change the flows", "[catalog]") {
    auto flows = expand(deployment(windows() + "ports: {server: 17000, console: [8443], zone_hub: 17473}\n"));
    CHECK(find(flows, "client-to-server").service == "tcp/17000");
    CHECK(find(flows, "client-peering").service == "tcp/17000");
    CHECK(find(flows, "console-to-server").service == "tcp/8443");
}

TEST_CASE("a flow that needs an undeclared role is a located error", "[catalog]") {
    Deployment d = deployment("roles: {server: [10.0.0.1], endpoints: [10.1.0.0/16]}\n");
    try {
        expand(d);
        FAIL("expected an error");
    } catch (const InputError& e) {
        CHECK(e.message() ==
              "flow console-to-server needs role 'console', which the deployment does not declare "
              "under roles:");
        CHECK(e.location().line == 1);
    }
}

TEST_CASE("e2e: module-to-internet is not checked as packets to the server's public address",
          "[catalog][e2e]") {
    // The gateway drops the Module Server's packets to the Tanium Server's published address and
    // to a documentation range, and accepts the rest of tcp/80,443: neither dropped destination
    // is the internet, so the flow is allowed, not partial.
    auto r =
        flowgap::testing::run_flowgap("audit fixtures/internet/deployment.yaml --format json --output -");
    INFO(r.out << r.err);
    REQUIRE(r.exit_code <= 1);
    auto j = nlohmann::json::parse(r.out);
    bool seen = false;
    for (const auto& e : j["end_to_end"]) {
        if (e["flow"] != "module-to-internet") continue;
        seen = true;
        CHECK(e["verdict"] == "allowed");
    }
    CHECK(seen);
    for (const auto& f : j["flows"]) {
        if (f["flow"] != "module-to-internet") continue;
        for (const auto& to : f["to"]) {
            CHECK(to != "20.30.40.50");
            CHECK(to != "192.0.2.0/24");
        }
    }
}
