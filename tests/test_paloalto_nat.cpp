// End to end through the flowgap binary: Palo Alto destination NAT. PAN-OS matches security rules
// on the pre-NAT addresses and the post-NAT destination zone; flowgap evaluates flows on the roles'
// real addresses, so packets a NAT rule redirects are conditional, the NAT rule named, never
// allowed on the strength of a rule that names the real address.
#include <catch2/catch.hpp>

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

std::string nat_line(const std::string& fixture) {
    return std::to_string(line_of(read_file(source_path(fixture)), "<entry name=\"publish-zs1\">"));
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

TEST_CASE("e2e: a security rule on the public address of a published zone server", "[paloalto][e2e][nat]") {
    // The correct rule (pre-NAT address, post-NAT zone) was reported blocked: it names no address
    // flowgap evaluated. The packets are addressed to the public address: conditional, NAT named.
    auto r = run_flowgap("audit fixtures/paloalto/nat-publish/public-rule.yaml");
    INFO(r.out << r.err);
    CHECK(has(r.out, "conditional    client-to-zone"));
    CHECK_FALSE(has(r.out, "blocked        client-to-zone"));
    CHECK(has(r.out, "may unknown   publish-zs1 (NAT) (fixtures/paloalto/nat-publish/public-rule.xml:" +
                         nat_line("fixtures/paloalto/nat-publish/public-rule.xml") + ")"));
    CHECK(has(r.out,
              "if published through NAT rule publish-zs1 (fixtures/paloalto/nat-publish/public-rule.xml:" +
                  nat_line("fixtures/paloalto/nat-publish/public-rule.xml") +
                  ") as 198.51.100.10 (zs1-public); packets from zone untrust are addressed to it"));
    // The hub in trust is no NAT source: it reaches the real address, exactly as written.
    CHECK(has(r.out, "allowed        hub-to-zone"));
}

TEST_CASE("e2e: a security rule on the real address of a published zone server is no allow",
          "[paloalto][e2e][nat]") {
    // The common mistake: internet clients send to 198.51.100.10, which the rule naming
    // 172.16.50.10 does not match. It used to be reported allowed.
    auto r = run_flowgap("audit fixtures/paloalto/nat-publish/private-rule.yaml");
    INFO(r.out << r.err);
    CHECK_FALSE(has(r.out, "allowed        client-to-zone"));
    CHECK(has(r.out, "conditional    client-to-zone"));
    CHECK(has(r.out, "if published through NAT rule publish-zs1"));
    CHECK(has(r.out, "allowed        hub-to-zone"));
}

TEST_CASE("e2e: which NAT rules publish an address", "[paloalto][e2e][nat]") {
    TempDir dir;
    dir.write("d.yaml", kRoles);
    auto audit = [&](const std::string& nat) {
        dir.write("fw.txt", set_firewall(nat, kAllowReal));
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
    SECTION("without NAT, the rule on the real address decides") {
        CHECK(has(audit(""), "allowed        client-to-zone"));
    }
    SECTION("destination translation in the set form") {
        auto out = audit(dnat);
        CHECK(has(out, "conditional    client-to-zone"));
        CHECK(has(out, "if published through NAT rule pub (" + dir.path("fw.txt") + ":"));
    }
    SECTION("a disabled NAT rule translates nothing") {
        CHECK(
            has(audit(dnat + "set rulebase nat rules pub disabled yes\n"), "allowed        client-to-zone"));
    }
    SECTION("a NAT rule from other zones leaves internet clients alone") {
        auto out = audit(
            "set rulebase nat rules hairpin from trust\n"
            "set rulebase nat rules hairpin to untrust\n"
            "set rulebase nat rules hairpin destination 198.51.100.10\n"
            "set rulebase nat rules hairpin destination-translation translated-address 172.16.50.10\n");
        CHECK(has(out, "allowed        client-to-zone"));
        CHECK(has(out, "conditional    hub-to-zone"));
    }
    SECTION("bi-directional static source NAT publishes the source address") {
        auto out = audit(
            "set rulebase nat rules zs-out from dmz\n"
            "set rulebase nat rules zs-out to untrust\n"
            "set rulebase nat rules zs-out source 172.16.50.10\n"
            "set rulebase nat rules zs-out destination any\n"
            "set rulebase nat rules zs-out source-translation static-ip translated-address 198.51.100.10\n"
            "set rulebase nat rules zs-out source-translation static-ip bi-directional yes\n");
        CHECK(has(out, "conditional    client-to-zone"));
        CHECK(has(out, "if published through NAT rule zs-out ("));
        CHECK(has(out, "as 198.51.100.10; packets from zone untrust are addressed to it"));
    }
    SECTION("static source NAT that is not bi-directional publishes nothing") {
        auto out = audit(
            "set rulebase nat rules zs-out from dmz\n"
            "set rulebase nat rules zs-out to untrust\n"
            "set rulebase nat rules zs-out source 172.16.50.10\n"
            "set rulebase nat rules zs-out source-translation static-ip translated-address 198.51.100.10\n");
        CHECK(has(out, "allowed        client-to-zone"));
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
