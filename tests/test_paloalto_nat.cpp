// End to end through the flowgap binary: Palo Alto destination NAT. PAN-OS matches security rules
// on the pre-NAT addresses and the post-NAT destination zone; flowgap evaluates flows on the roles'
// real addresses. Packets a NAT rule redirects one address for one are decided as the device does
// (the deciding rule's name says "via NAT"); the rest is conditional, the NAT rule named. Never
// allowed on the strength of a rule that names the real address. The cases follow the PAN-OS
// admin guide's NAT examples: destination NAT with the rule on the pre-NAT address and the
// post-NAT zone, U-turn, bi-directional static NAT.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sstream>

#include "tests/support/e2e.hpp"

using flowgap::testing::run_flowgap;
using flowgap::testing::TempDir;

namespace {

bool has(const std::string& out, const std::string& text) {
    return out.find(text) != std::string::npos;
}

// Internet clients 192.0.2.0/24 (untrust, behind the default route), a hub in trust, a zone
// server in dmz; the NAT and security lines are the test's own.
std::string set_firewall(const std::string& nat, const std::string& security) {
    return "set network interface ethernet ethernet1/1 layer3 ip 10.10.1.1/24\n"
           "set network interface ethernet ethernet1/2 layer3 ip 172.16.50.1/24\n"
           "set network interface ethernet ethernet1/3 layer3 ip 203.0.113.1/24\n"
           "set network virtual-router default routing-table ip static-route internet destination 0.0.0.0/0\n"
           "set network virtual-router default routing-table ip static-route internet nexthop ip-address "
           "203.0.113.254\n"
           "set zone trust network layer3 ethernet1/1\n"
           "set zone dmz network layer3 ethernet1/2\n"
           "set zone untrust network layer3 ethernet1/3\n"
           "set service tanium protocol tcp port 17472\n" +
           nat + security;
}

const char* kAllowReal =
    "set rulebase security rules to-zs from untrust\n"
    "set rulebase security rules to-zs to dmz\n"
    "set rulebase security rules to-zs source any\n"
    "set rulebase security rules to-zs destination 172.16.50.10\n"
    "set rulebase security rules to-zs application any\n"
    "set rulebase security rules to-zs service tanium\n"
    "set rulebase security rules to-zs action allow\n";

const char* kRoles =
    "roles: {server: [10.10.1.10], module_server: [10.10.1.20], database: [10.10.1.30],\n"
    "        console: [10.10.1.0/24], endpoints: [10.10.1.0/24], zone_server: [172.16.50.10],\n"
    "        internet_endpoints: [192.0.2.0/24]}\n"
    "firewalls:\n  - {name: edge, config: fw.txt}\n";

}  // namespace

TEST_CASE("e2e: a security rule on the public address of a published zone server allows it",
          "[paloalto][e2e][nat]") {
    // The correct rule (pre-NAT address, post-NAT zone) used to be reported blocked.
    auto r = run_flowgap("audit fixtures/paloalto/nat-publish/public-rule.yaml");
    INFO(r.out << r.err);
    CHECK(has(r.out, "allowed        client-to-zone"));
    // The hub in trust is no NAT source: it reaches the real address, exactly as written.
    CHECK(has(r.out, "allowed        hub-to-zone"));
    auto x = run_flowgap(
        "explain fixtures/paloalto/nat-publish/public-rule.yaml --firewall edge --from 192.0.2.7 --to "
        "172.16.50.10");
    INFO(x.out << x.err);
    CHECK(has(x.out, "internet-to-zs1 via NAT publish-zs1 fixtures/paloalto/nat-publish/public-rule.xml:"));
    CHECK(has(x.out, "MATCHES: allow"));
    CHECK(has(x.out, "verdict: allowed"));
}

TEST_CASE("e2e: a security rule on the real address of a published zone server is no allow",
          "[paloalto][e2e][nat]") {
    // The common mistake: internet clients send to 198.51.100.10, which the rule naming
    // 172.16.50.10 does not match. It used to be reported allowed.
    auto r = run_flowgap("audit fixtures/paloalto/nat-publish/private-rule.yaml");
    INFO(r.out << r.err);
    CHECK_FALSE(has(r.out, "allowed        client-to-zone"));
    CHECK(has(r.out, "blocked        client-to-zone"));
    CHECK(has(r.out, "block         interzone-default via NAT publish-zs1"));
    // The fix names the public address, which the security policy matches.
    CHECK(has(r.out, "(the packets are sent to 198.51.100.10 and NAT'd: the rule names that address)"));
    CHECK(has(r.out,
              "set rulebase security rules flowgap-client-to-zone-interzone-nat destination 198.51.100.10"));
    CHECK(has(r.out, "allowed        hub-to-zone"));
}

TEST_CASE("e2e: a flow through a Palo Alto destination NAT says so in the reports", "[paloalto][e2e][nat]") {
    auto r = run_flowgap("audit fixtures/paloalto/nat-publish/private-rule.yaml --format json");
    INFO(r.out << r.err);
    auto report = nlohmann::json::parse(r.out);
    size_t seen = 0;
    for (const auto& f : report["flows"]) {
        if (f["flow"] == "hub-to-zone") CHECK(f["nat"].empty());  // from trust: no NAT
        if (f["flow"] != "client-to-zone") continue;
        ++seen;
        REQUIRE(f["nat"].size() == 1);
        CHECK(f["nat"][0]["rule"] == "publish-zs1");
        CHECK(has(f["nat"][0]["location"].get<std::string>(),
                  "fixtures/paloalto/nat-publish/private-rule.xml:"));
        CHECK(f["nat"][0]["original"] == "198.51.100.10");
        CHECK(f["nat"][0]["translated"] == "172.16.50.10");
    }
    CHECK(seen == 1);
    auto t = run_flowgap("audit fixtures/paloalto/nat-publish/private-rule.yaml");
    INFO(t.out << t.err);
    CHECK(has(t.out, "-> 198.51.100.10:17472 (DNAT publish-zs1 -> 172.16.50.10)"));
    CHECK(
        has(t.out,
            "nat: sent to 198.51.100.10, DNAT publish-zs1 (fixtures/paloalto/nat-publish/private-rule.xml:"));
}

TEST_CASE("e2e: which NAT rules publish an address, and how exactly", "[paloalto][e2e][nat]") {
    TempDir dir;
    dir.write("d.yaml", kRoles);
    auto audit = [&](const std::string& nat, const std::string& security = kAllowReal) {
        dir.write("fw.txt", set_firewall(nat, security));
        auto r = run_flowgap("audit '" + dir.path("d.yaml") + "'");
        INFO(r.out << r.err);
        return r.out;
    };
    const std::string dnat =
        "set rulebase nat rules pub from untrust\n"
        "set rulebase nat rules pub to untrust\n"
        "set rulebase nat rules pub source any\n"
        "set rulebase nat rules pub destination 198.51.100.10\n"
        "set rulebase nat rules pub service any\n"
        "set rulebase nat rules pub destination-translation translated-address 172.16.50.10\n";
    const std::string allow_public =
        "set rulebase security rules to-pub from untrust\n"
        "set rulebase security rules to-pub to dmz\n"
        "set rulebase security rules to-pub destination 198.51.100.10\n"
        "set rulebase security rules to-pub application any\n"
        "set rulebase security rules to-pub service tanium\n"
        "set rulebase security rules to-pub action allow\n";
    SECTION("without NAT, the rule on the real address decides") {
        CHECK(has(audit(""), "allowed        client-to-zone"));
    }
    SECTION("destination translation in the set form: the pre-NAT address and the post-NAT zone") {
        CHECK(has(audit(dnat), "block         interzone-default via NAT pub"));
        CHECK(has(audit(dnat, allow_public), "allowed        client-to-zone"));
        // The post-NAT zone decides: a rule to the public address's own zone does not match.
        std::string wrong_zone = allow_public;
        wrong_zone.replace(wrong_zone.find("to dmz"), 6, "to untrust");
        CHECK(has(audit(dnat, wrong_zone), "blocked        client-to-zone"));
    }
    SECTION("the printed fix, applied, lets the clients through") {
        auto before = audit(dnat);
        REQUIRE(has(before, "blocked        client-to-zone"));
        std::string commands;
        std::istringstream in(before);
        for (std::string line; std::getline(in, line);) {
            if (has(line, "flowgap-client-to-zone") || has(line, "set service tcp-17472"))
                commands += line.substr(line.find_first_not_of(' ')) + "\n";
        }
        REQUIRE(has(commands, "destination 198.51.100.10"));
        CHECK(has(audit(dnat, std::string(kAllowReal) + commands), "allowed        client-to-zone"));
    }
    SECTION("a disabled NAT rule translates nothing") {
        CHECK(
            has(audit(dnat + "set rulebase nat rules pub disabled yes\n"), "allowed        client-to-zone"));
    }
    SECTION("U-turn: a client in the server's zone sends to the public address") {
        auto out = audit(
            "set rulebase nat rules uturn from trust\n"
            "set rulebase nat rules uturn to untrust\n"
            "set rulebase nat rules uturn destination 198.51.100.10\n"
            "set rulebase nat rules uturn destination-translation translated-address 172.16.50.10\n");
        CHECK(has(out, "allowed        client-to-zone"));  // untrust clients: no NAT, the real address
        CHECK(has(out, "blocked        hub-to-zone"));     // trust: sent to 198.51.100.10, no rule for it
        CHECK(has(out, "block         interzone-default via NAT uturn"));
    }
    SECTION("bi-directional static source NAT publishes the source address") {
        auto out = audit(
            "set rulebase nat rules zs-out from dmz\n"
            "set rulebase nat rules zs-out to untrust\n"
            "set rulebase nat rules zs-out source 172.16.50.10\n"
            "set rulebase nat rules zs-out destination any\n"
            "set rulebase nat rules zs-out source-translation static-ip translated-address 198.51.100.10\n"
            "set rulebase nat rules zs-out source-translation static-ip bi-directional yes\n");
        CHECK(has(out, "block         interzone-default via NAT zs-out"));
    }
    SECTION("static source NAT that is not bi-directional publishes nothing") {
        auto out = audit(
            "set rulebase nat rules zs-out from dmz\n"
            "set rulebase nat rules zs-out to untrust\n"
            "set rulebase nat rules zs-out source 172.16.50.10\n"
            "set rulebase nat rules zs-out source-translation static-ip translated-address 198.51.100.10\n");
        CHECK(has(out, "allowed        client-to-zone"));
    }
    SECTION("port translation is not followed exactly: conditional, the NAT rule named") {
        auto out = audit(dnat + "set rulebase nat rules pub destination-translation translated-port 17472\n",
                         allow_public);
        CHECK(has(out, "conditional    client-to-zone"));
        CHECK(has(out, "if published through NAT rule pub (" + dir.path("fw.txt") + ":"));
        CHECK(has(out, "as 198.51.100.10; packets from zone untrust are addressed to it"));
    }
    SECTION("an earlier NAT rule that may take the packets: conditional") {
        auto out = audit(
            "set rulebase nat rules no-nat from untrust\n"
            "set rulebase nat rules no-nat to untrust\n"
            "set rulebase nat rules no-nat source 192.0.2.0/25\n"
            "set rulebase nat rules no-nat destination any\n" +
                dnat,
            allow_public);
        CHECK(has(out, "conditional    client-to-zone"));
        CHECK(has(out, "if published through NAT rule pub ("));
    }
    SECTION("an FQDN translated address may be any address") {
        auto out = audit(
            "set address zs-name fqdn zs1.example.net\n"
            "set rulebase nat rules pub from untrust\n"
            "set rulebase nat rules pub to untrust\n"
            "set rulebase nat rules pub destination 198.51.100.10\n"
            "set rulebase nat rules pub dynamic-destination-translation translated-address zs-name\n");
        CHECK(has(out, "conditional    client-to-zone"));
        CHECK(has(out, "if the translated address is unknown ("));
    }
}

TEST_CASE("e2e: an exposure through a Palo Alto destination NAT names the public address",
          "[paloalto][e2e][nat]") {
    // The Tanium Server (trust) published to the internet as 198.51.100.20, and a rule on that
    // address that lets any internet source reach its client port.
    TempDir dir;
    dir.write("d.yaml", kRoles);
    const std::string nat =
        "set rulebase nat rules publish-server from untrust\n"
        "set rulebase nat rules publish-server to untrust\n"
        "set rulebase nat rules publish-server destination 198.51.100.20\n"
        "set rulebase nat rules publish-server destination-translation translated-address 10.10.1.10\n";
    const std::string security =
        "set rulebase security rules to-server from untrust\n"
        "set rulebase security rules to-server to trust\n"
        "set rulebase security rules to-server source any\n"
        "set rulebase security rules to-server destination 198.51.100.20\n"
        "set rulebase security rules to-server application any\n"
        "set rulebase security rules to-server service tanium\n"
        "set rulebase security rules to-server action allow\n";
    dir.write("fw.txt", set_firewall(nat, security));
    auto r = run_flowgap("audit '" + dir.path("d.yaml") + "' --format json");
    INFO(r.out << r.err);
    auto report = nlohmann::json::parse(r.out);
    size_t seen = 0;
    for (const auto& f : report["findings"]) {
        if (f["check"] != "exposed-server-port" || f["rule"] != "to-server via NAT publish-server") continue;
        ++seen;
        CHECK(f["severity"] == "critical");
        CHECK(has(
            f["message"].get<std::string>(),
            "to 10.10.1.10 (published as 198.51.100.20 by DNAT publish-server, " + dir.path("fw.txt") + ":"));
        REQUIRE(f.contains("published"));
        REQUIRE(f["published"].size() == 1);
        CHECK(f["published"][0]["rule"] == "publish-server");
        CHECK(f["published"][0]["original"] == "198.51.100.20");
        CHECK(f["published"][0]["translated"] == "10.10.1.10");
    }
    CHECK(seen == 1);
}

TEST_CASE("e2e: a source is zoned before NAT, even the public address itself", "[paloalto][e2e][nat]") {
    // PAN-OS zones a packet's source by where it arrives; only the destination takes its post-NAT
    // zone. A packet from the public address (untrust) to itself is untrust -> trust after the
    // translation: interzone-default blocks it, intrazone-default (trust -> trust) cannot allow it.
    TempDir dir;
    dir.write("d.yaml", kRoles);
    dir.write("fw.txt",
              set_firewall("set rulebase nat rules publish-server from untrust\n"
                           "set rulebase nat rules publish-server to untrust\n"
                           "set rulebase nat rules publish-server destination 198.51.100.20\n"
                           "set rulebase nat rules publish-server destination-translation translated-address "
                           "10.10.1.10\n",
                           ""));
    auto x = run_flowgap("explain '" + dir.path("d.yaml") +
                         "' --firewall edge --from 198.51.100.20 --to 10.10.1.10 --port tcp/443");
    INFO(x.out << x.err);
    CHECK(has(x.out, "interzone-default via NAT publish-server"));
    CHECK(has(x.out, "verdict: blocked"));
    auto r = run_flowgap("audit '" + dir.path("d.yaml") + "' --format json");
    auto report = nlohmann::json::parse(r.out);
    for (const auto& f : report["findings"])
        CHECK(f["rule"] != "intrazone-default via NAT publish-server");
}

TEST_CASE("e2e: a zone server's public address needs a NAT rule that publishes it", "[paloalto][e2e][nat]") {
    std::string roles = kRoles;
    const std::string plain = "zone_server: [172.16.50.10]";
    roles.replace(roles.find(plain), plain.size(),
                  "zone_server: {addresses: [172.16.50.10], public: [198.51.100.10]}");
    TempDir dir;
    dir.write("d.yaml", roles);
    auto audit = [&](const std::string& nat, const std::string& security) {
        dir.write("fw.txt", set_firewall(nat, security));
        auto r = run_flowgap("audit '" + dir.path("d.yaml") + "'");
        INFO(r.out << r.err);
        return r.out;
    };
    SECTION("published by a destination NAT: as without `public:`") {
        auto out = audit(
            "set rulebase nat rules pub from untrust\n"
            "set rulebase nat rules pub to untrust\n"
            "set rulebase nat rules pub destination 198.51.100.10\n"
            "set rulebase nat rules pub destination-translation translated-address 172.16.50.10\n",
            "set rulebase security rules to-pub from untrust\n"
            "set rulebase security rules to-pub to dmz\n"
            "set rulebase security rules to-pub destination 198.51.100.10\n"
            "set rulebase security rules to-pub application any\n"
            "set rulebase security rules to-pub service tanium\n"
            "set rulebase security rules to-pub action allow\n");
        INFO(out);
        CHECK(has(out, "allowed        client-to-zone"));
        CHECK_FALSE(has(out, "no NAT rule of edge"));
    }
    SECTION("no NAT rule: the rule on the real address allows it only conditionally") {
        auto out = audit("", kAllowReal);
        INFO(out);
        CHECK(has(out, "conditional    client-to-zone"));
        CHECK(has(out,
                  "note: no NAT rule of edge publishes 198.51.100.10 (the public address of zone_server)"));
    }
}
