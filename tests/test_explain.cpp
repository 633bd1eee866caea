// `flowgap explain` end to end through the built binary: one packet through one firewall of the
// fixtures' deployments, rule by rule.
#include <catch2/catch.hpp>

#include <sstream>

#include <nlohmann/json.hpp>

#include "analysis/address.hpp"
#include "tests/support/e2e.hpp"

using flowgap::testing::run_flowgap;
using flowgap::testing::TempDir;

namespace {

const std::string kDemo = "explain fixtures/demo/deployment.yaml ";

// The output line that contains `text` (empty when none).
std::string line_with(const std::string& out, const std::string& text) {
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) {
        if (line.find(text) != std::string::npos) return line;
    }
    return "";
}

bool has(const std::string& out, const std::string& text) {
    return out.find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("explain: the guest VLAN returns from BRANCH_IN and the FORWARD policy drops it", "[explain]") {
    auto r = run_flowgap(kDemo + "--firewall core-router --from 10.20.66.5 --to 10.10.1.10 --port tcp/17472");
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(has(r.out,
              "packet tcp 10.20.66.5:49152 -> 10.10.1.10:17472 through core-router (iptables, "
              "fixtures/demo/core-router.rules)"));
    CHECK(has(r.out, "transit policy FORWARD"));
    // The packet goes through BRANCH_IN, whose rules after the RETURN (line 27) no longer hold
    // the guest VLAN: the Tanium clients rule would match it but for that RETURN.
    std::string clients = line_with(r.out, "BRANCH_IN#2 (Tanium clients)");
    CHECK(has(clients, "fixtures/demo/core-router.rules:28:1"));
    auto after_return = *flowgap::analysis::AddressSet::parse("10.20.0.0/16") -
                        *flowgap::analysis::AddressSet::parse("10.20.66.0/24");
    CHECK(has(clients, "no match: source is " + after_return.brief()));
    // Back in FORWARD, the console chain and the servers' own rules do not match either.
    CHECK(has(line_with(r.out, "MGMT_IN#1"), "no match"));
    CHECK(has(line_with(r.out, "FORWARD#6"), "no match"));
    std::string drop = line_with(r.out, "FORWARD policy DROP");
    CHECK(has(drop, "fixtures/demo/core-router.rules:13:1"));
    CHECK(has(drop, "decides: block"));
    CHECK(has(r.out, "  verdict: blocked\n"));
    CHECK_FALSE(has(r.out, "MATCHES"));
}

TEST_CASE("explain: an allowed packet names the deciding rule with file:line and stops there", "[explain]") {
    auto r = run_flowgap(kDemo + "--firewall core-router --from 10.20.5.5 --to 10.10.1.10 --port tcp/17472");
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    std::string decides = line_with(r.out, "MATCHES");
    CHECK(has(decides, "BRANCH_IN#2 (Tanium clients)"));
    CHECK(has(decides, "fixtures/demo/core-router.rules:28:1"));
    CHECK(has(decides, "MATCHES: allow"));
    CHECK(has(r.out, "  verdict: allowed\n"));
    CHECK_FALSE(has(r.out, "FORWARD policy DROP"));  // first match: the policy is never reached
    CHECK_FALSE(has(r.out, "MGMT_IN"));

    // The console reaches the server through MGMT_IN.
    r = run_flowgap(kDemo + "--firewall core-router --from 10.99.0.7 --to 10.10.1.10 --port tcp/443");
    CHECK(has(line_with(r.out, "MATCHES"), "MGMT_IN#1 (Tanium Console)"));
    CHECK(has(line_with(r.out, "MATCHES"), "fixtures/demo/core-router.rules:30:1"));
}

TEST_CASE("explain: a packet between two addresses behind one interface never crosses the router",
          "[explain]") {
    auto r = run_flowgap(kDemo + "--firewall core-router --from 10.10.1.10 --to 10.10.1.30 --port tcp/1433");
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(has(r.out, "this firewall does not filter this packet"));
    CHECK_FALSE(has(r.out, "verdict"));
}

TEST_CASE("explain: a host firewall's inbound and outbound policies", "[explain]") {
    SECTION("a peer in the upper half of the LAN falls to the INPUT policy") {
        auto r = run_flowgap(kDemo + "--firewall branch-linux-37 --from 10.20.5.200 --to 10.20.5.37");
        INFO(r.out << r.err);
        CHECK(r.exit_code == 0);
        CHECK(has(r.out, "packet tcp 10.20.5.200:49152 -> 10.20.5.37:17472"));  // tcp/17472 by default
        CHECK(has(r.out, "inbound policy INPUT (5 rules, first match)"));
        CHECK(has(line_with(r.out, "INPUT#5"), "no match: source is 10.20.5.0/25"));
        CHECK(has(line_with(r.out, "INPUT#3"), "no match: protocol is icmp"));
        CHECK(has(line_with(r.out, "INPUT policy DROP"), "fixtures/demo/branch-linux-37.rules:3:1"));
        CHECK(has(r.out, "  verdict: blocked\n"));
    }
    SECTION("a peer in the lower half is accepted by the peering rule") {
        auto r = run_flowgap(kDemo +
                             "--firewall branch-linux-37 --from 10.20.5.2 --to 10.20.5.37 --port tcp/17472");
        INFO(r.out << r.err);
        std::string decides = line_with(r.out, "MATCHES");
        CHECK(has(decides, "INPUT#5 (Tanium peers (first half of the LAN only))"));
        CHECK(has(decides, "fixtures/demo/branch-linux-37.rules:10:1"));
        CHECK(has(r.out, "  verdict: allowed\n"));
    }
    SECTION("the host's own connection to the server goes through OUTPUT") {
        auto r = run_flowgap(kDemo + "--firewall branch-linux-37 --from 10.20.5.37 --to 10.10.1.10");
        INFO(r.out << r.err);
        CHECK(has(r.out, "outbound policy OUTPUT (0 rules, first match)"));
        CHECK(has(line_with(r.out, "OUTPUT policy ACCEPT"), "decides: allow"));
        CHECK(has(r.out, "  verdict: allowed\n"));
    }
    SECTION("a packet neither to nor from the host") {
        auto r = run_flowgap(kDemo + "--firewall branch-linux-37 --from 10.20.5.2 --to 10.10.1.10");
        CHECK(r.exit_code == 0);
        CHECK(has(r.out, "this firewall does not filter this packet"));
    }
}

TEST_CASE("explain: bad arguments exit 2 with a message", "[explain]") {
    auto r = run_flowgap(kDemo + "--firewall nope --from 10.20.66.5 --to 10.10.1.10");
    CHECK(r.exit_code == 2);
    CHECK(has(r.err, "--firewall 'nope' is not a firewall of fixtures/demo/deployment.yaml"));
    CHECK(r.out.empty());

    r = run_flowgap(kDemo + "--firewall core-router --from 10.20.66.500 --to 10.10.1.10");
    CHECK(r.exit_code == 2);
    CHECK(has(r.err, "--from '10.20.66.500' is not an address"));

    r = run_flowgap(kDemo + "--firewall core-router --from 10.20.66.5 --to server");
    CHECK(r.exit_code == 2);
    CHECK(has(r.err, "--to 'server' is not an address"));

    r = run_flowgap(kDemo + "--firewall core-router --from 10.20.66.5 --to 2001:db8::1");
    CHECK(r.exit_code == 2);
    CHECK(has(r.err, "same address family"));

    for (const char* port : {"tcp/99999", "17472", "tcp/1-2", "tpc/17472"}) {
        INFO(port);
        r = run_flowgap(kDemo + "--firewall core-router --from 10.20.66.5 --to 10.10.1.10 --port " + port);
        CHECK(r.exit_code == 2);
        CHECK(has(r.err, "--port '" + std::string(port) + "' must be PROTOCOL/PORT, e.g. tcp/17472"));
    }

    r = run_flowgap(kDemo + "--firewall core-router --from 10.20.66.5");  // no --to
    CHECK(r.exit_code == 2);
    CHECK(has(r.err, "--to is required"));

    r = run_flowgap(
        "explain fixtures/demo/missing.yaml --firewall core-router --from 10.20.66.5 --to 10.10.1.10");
    CHECK(r.exit_code == 2);
    CHECK(has(r.err, "cannot open the deployment file"));
}

TEST_CASE("explain: a Palo Alto deny rule and an App-ID rule that only may match", "[explain]") {
    const std::string pan = "explain fixtures/paloalto/deployment.yaml --firewall dc-fw ";
    auto r = run_flowgap(pan + "--from 10.20.200.5 --to 10.10.1.10 --port tcp/17472");
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    std::string decides = line_with(r.out, "MATCHES");
    CHECK(has(decides, "deny-upper-branches"));
    CHECK(has(decides, "fixtures/paloalto/dc-fw.xml:60"));
    CHECK(has(decides, "MATCHES: block"));
    CHECK(has(r.out, "  verdict: blocked\n"));

    r = run_flowgap(pan + "--from 10.99.0.5 --to 10.10.1.10 --port tcp/443");
    INFO(r.out << r.err);
    std::string ssl = line_with(r.out, "console-ssl");
    CHECK(has(ssl, "fixtures/paloalto/dc-fw.xml:78"));
    CHECK(has(ssl, "may match, then allow (if App-ID classifies the traffic as ssl"));
    CHECK(has(line_with(r.out, "deny-upper-branches"), "no match: source is 10.20.128.0/17"));
    CHECK(has(r.out, "  verdict: conditional\n"));
}

TEST_CASE("explain: in Windows Firewall the matching allow rule loses to the block rule", "[explain]") {
    auto r = run_flowgap(
        "explain fixtures/netsh/deployment.yaml --firewall sql-server --from 10.10.1.10 --to 10.10.1.30 "
        "--port tcp/1433 --program sqlservr.exe");
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(has(r.out, "inbound policy inbound (3 rules, block rules win)"));
    // The allow rule for sqlservr.exe matches the packet; the block rule wins over it.
    std::string allow = line_with(r.out, "SQL Server für Tanium");
    CHECK(has(allow, "fixtures/netsh/sql-server-de.txt:2:1"));
    CHECK(has(allow, "matches, then allow, but a matching block rule wins"));
    std::string block = line_with(r.out, "SQL-Zugriff aus dem Rechenzentrum sperren");
    CHECK(has(block, "fixtures/netsh/sql-server-de.txt:21:1"));
    CHECK(has(block, "MATCHES: block"));
    CHECK(has(r.out, "  verdict: blocked\n"));
}

TEST_CASE("explain --format json: the deciding rule and the verdict of a demo packet", "[explain]") {
    const std::string args =
        kDemo + "--firewall core-router --from 10.20.5.5 --to 10.10.1.10 --port tcp/17472";
    auto r = run_flowgap(args + " --format json");
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["schema"] == "flowgap-explain/1");
    CHECK(j["firewall"] == "core-router");
    CHECK(j["packet"]["text"] == "tcp 10.20.5.5:49152 -> 10.10.1.10:17472");
    CHECK(j["filtered"] == true);
    CHECK(j["verdict"] == "allowed");
    REQUIRE(j["directions"].size() == 1);
    const auto& transit = j["directions"][0];
    CHECK(transit["direction"] == "transit");
    CHECK(transit["verdict"] == "allowed");
    REQUIRE(transit["policies"].size() == 1);
    const auto& forward = transit["policies"][0];
    CHECK(forward["policy"] == "FORWARD");
    CHECK(forward["verdict"] == "allowed");
    CHECK(forward["defaults"].empty());          // first match: the policy's default is never reached
    const auto& last = forward["steps"].back();  // a first-match listing ends at the deciding rule
    CHECK(last["rule"] == "BRANCH_IN#2 (Tanium clients)");
    CHECK(last["location"] == "fixtures/demo/core-router.rules:28:1");
    CHECK(last["action"] == "allow");
    CHECK(last["outcome"] == "matches");
    CHECK(last["why"].is_null());
    for (const auto& step : forward["steps"]) {
        if (&step != &last) CHECK(step["outcome"] == "no-match");
    }

    // The same trace in a file, nothing on standard output; text stays the default.
    TempDir dir;
    auto f = run_flowgap(args + " --format json -o " + dir.path("trace.json"));
    CHECK(f.exit_code == 0);
    CHECK(f.out.empty());
    CHECK(flowgap::testing::read_file(dir.path("trace.json")) == r.out);
    CHECK(has(run_flowgap(args).out, "  verdict: allowed\n"));
}

TEST_CASE("explain --format json: a packet the firewall never sees", "[explain]") {
    auto r = run_flowgap(kDemo + "--firewall branch-linux-37 --from 10.20.5.2 --to 10.10.1.10 --format json");
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["filtered"] == false);
    CHECK(j["verdict"] == "not-applicable");
    CHECK(j["directions"].empty());
    CHECK(j["program"].is_null());
}

TEST_CASE("explain: a Windows rule for another program misses because of its program", "[explain]") {
    auto r = run_flowgap(
        "explain fixtures/netsh/deployment.yaml --firewall module-server --from 10.10.1.10 --to 10.10.1.20 "
        "--port tcp/17477 --program other.exe");
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(has(line_with(r.out, "Tanium Module Server"), "no match: program is taniummoduleserver.exe"));
    CHECK(has(r.out, "  verdict: blocked\n"));
}

TEST_CASE("explain: a long address set is shortened in text and whole in JSON", "[explain]") {
    TempDir dir;
    dir.write("host.rules", R"(*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -m iprange --src-range 10.20.0.1-10.20.0.254 -j DROP
COMMIT
)");
    std::string deployment = dir.write("d.yaml", R"(roles:
  server: [10.10.1.10]
  module_server: [10.10.1.20]
  database: [10.10.1.30]
  console: [10.99.0.0/24]
  endpoints: [10.20.0.0/16]
firewalls:
  - name: server-host
    config: host.rules
    host: 10.10.1.10
)");
    std::string args = "explain '" + deployment + "' --firewall server-host --from 10.20.5.5 --to 10.10.1.10";
    auto r = run_flowgap(args);
    INFO(r.out << r.err);
    std::string step = line_with(r.out, "host.rules:5");
    CHECK(has(step, "no match: source is 10.20.0.1, 10.20.0.2/31, ... (14 blocks)"));
    auto j = run_flowgap(args + " --format json");
    CHECK(has(j.out,
              "10.20.0.128/26, 10.20.0.192/27, 10.20.0.224/28, 10.20.0.240/29, 10.20.0.248/30, "
              "10.20.0.252/31, 10.20.0.254"));
}

TEST_CASE("explain: a packet between two known zones is not conditional on unknown zones", "[explain]") {
    // dc-fw.xml without its default route: addresses beyond the interfaces' subnets have no zone,
    // so console-ssl may also match packets from or to them. The console's packet to the server
    // has both zones; only App-ID decides it.
    std::string xml =
        flowgap::testing::read_file(flowgap::testing::source_path("fixtures/paloalto/dc-fw.xml"));
    size_t from = xml.find("<routing-table>"), to = xml.find("</routing-table>");
    REQUIRE(from != std::string::npos);
    xml.erase(from, to + std::string("</routing-table>").size() - from);
    TempDir dir;
    dir.write("dc-fw.xml", xml);
    std::string yaml =
        flowgap::testing::read_file(flowgap::testing::source_path("fixtures/paloalto/deployment.yaml"));
    std::string deployment = dir.write("deployment.yaml", yaml);
    auto r = run_flowgap("explain '" + deployment +
                         "' --firewall dc-fw --from 10.99.0.5 --to 10.10.1.10 --port tcp/443");
    INFO(r.out << r.err);
    std::string ssl = line_with(r.out, "console-ssl");
    CHECK(has(ssl, "may match, then allow (if App-ID classifies the traffic as ssl"));
    CHECK_FALSE(has(r.out, "outside every zone"));
    // A packet from an address without a zone still names the condition.
    r = run_flowgap("explain '" + deployment +
                    "' --firewall dc-fw --from 172.16.9.9 --to 10.10.1.10 --port tcp/443");
    INFO(r.out << r.err);
    CHECK(has(r.out, "outside every zone"));
}

TEST_CASE("explain --packets: many packets in one run, in file order, as --from/--to would trace them",
          "[explain]") {
    TempDir dir;
    const std::string list = dir.write("packets.txt",
                                       "# the Tanium client port, then the guest VLAN over UDP\n"
                                       "tcp 10.20.5.5:49152 -> 10.10.1.10:17472\n\n"
                                       "udp 10.20.66.1:53 -> 10.10.1.10:17472\r\n");
    auto r = run_flowgap(kDemo + "--firewall core-router --format json --packets " + list);
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    auto j = nlohmann::json::parse(r.out);
    REQUIRE(j.is_array());
    REQUIRE(j.size() == 2);
    CHECK(j[0]["packet"]["text"] == "tcp 10.20.5.5:49152 -> 10.10.1.10:17472");
    CHECK(j[0]["verdict"] == "allowed");
    CHECK(j[1]["packet"]["text"] == "udp 10.20.66.1:53 -> 10.10.1.10:17472");
    CHECK(j[1]["verdict"] == "blocked");
    // Each element is the document one --from/--to run writes.
    auto one = run_flowgap(
        kDemo + "--firewall core-router --format json --from 10.20.5.5 --to 10.10.1.10 --port tcp/17472");
    CHECK(nlohmann::json::parse(one.out) == j[0]);

    auto text = run_flowgap(kDemo + "--firewall core-router --packets " + list);
    CHECK(text.exit_code == 0);
    CHECK(has(text.out, "packet tcp 10.20.5.5:49152 -> 10.10.1.10:17472 through core-router"));
    CHECK(has(text.out, "verdict: allowed\n\npacket udp 10.20.66.1:53 -> 10.10.1.10:17472"));
}

TEST_CASE("explain --packets: a line that is no packet is an error at its line", "[explain]") {
    TempDir dir;
    const std::string list = dir.path("packets.txt");
    for (const char* bad :
         {"tcp 10.0.0.1:99999 -> 10.0.0.2:80", "tcp 10.0.0.1:5 10.0.0.2:80", "tcp 10.0.0.1 -> 10.0.0.2:80",
          "icmp 10.0.0.1:0 -> 10.0.0.2:8", "tcp 10.0.0.1:5 -> 2001:db8::1:80 extra"}) {
        INFO(bad);
        dir.write("packets.txt", std::string("tcp 10.0.0.1:5 -> 10.0.0.2:80\n") + bad + "\n");
        auto r = run_flowgap(kDemo + "--firewall core-router --packets " + list);
        CHECK(r.exit_code == 2);
        CHECK(has(r.err, list + ":2: error: '" + std::string(bad) + "' is not a packet"));
        CHECK(r.out.empty());
    }
    dir.write("packets.txt", "# nothing\n\n");
    auto r = run_flowgap(kDemo + "--firewall core-router --packets " + list);
    CHECK(r.exit_code == 2);
    CHECK(has(r.err, "holds no packet"));
    r = run_flowgap(kDemo + "--firewall core-router --from 10.20.5.5 --packets " + list);
    CHECK(r.exit_code == 2);
    CHECK(has(r.err, "--from excludes --packets"));
}

TEST_CASE("a rule reached through a conditional jump names the jump's condition", "[explain][iptables]") {
    // INPUT jumps to TAN only for sources on the `recent` list, which no export shows: TAN's accept
    // is possible, and the report must say why (before, "may allow TAN#1" named no condition).
    TempDir dir;
    dir.write("r.rules",
              "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n:TAN - [0:0]\n"
              "-A INPUT -m recent --rcheck --name knock -j TAN\n"
              "-A TAN -s 10.20.0.0/16 -p tcp -m tcp --dport 17472 -j ACCEPT\nCOMMIT\n");
    dir.write("d.yaml",
              "platform: windows\nroles: {server: [10.10.1.10], endpoints: [10.20.0.0/16]}\n"
              "firewalls:\n  - {name: host, config: r.rules, host: 10.10.1.10}\n");
    auto r =
        run_flowgap("explain '" + dir.path("d.yaml") + "' --firewall host --from 10.20.0.1 --to 10.10.1.10");
    INFO(r.out << r.err);
    CHECK(r.out.find("verdict: conditional") != std::string::npos);
    CHECK(r.out.find("-m recent --rcheck --name knock") != std::string::npos);
}
