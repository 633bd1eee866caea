// netsh listings, scripts and JSON on hand-written snippets, and the semantics of their
// translation: block wins, profiles, keywords, programs, ICMP, ports.
#include <catch2/catch.hpp>

#include "tests/support/netsh.hpp"

using namespace flowgap::analysis;
using namespace flowgap::testing::netsh;
using flowgap::parsers::ParseOptions;

namespace {

const std::string kDash(70, '-');

// One rule of `show rule name=all verbose` output, English: `Rule source` (which only verbose
// prints) goes before the Action line, as netsh prints it.
std::string rule(const std::string& name, std::string body) {
    size_t action = body.find("Action:");
    body.insert(action == std::string::npos ? body.size() : action,
                std::string(action == std::string::npos ? "\n" : "") +
                    "Rule source:                          Local Setting" +
                    (action == std::string::npos ? "" : "\n"));
    return "Rule Name:                            " + name + "\n" + kDash + "\n" + body + "\n";
}

std::string tcp_in(const std::string& name, const std::string& action, const std::string& port,
                   const std::string& extra = "") {
    return rule(name,
                "Enabled:                              Yes\n"
                "Direction:                            In\n"
                "Profiles:                             Domain,Private,Public\n"
                "LocalIP:                              Any\n"
                "RemoteIP:                             Any\n"
                "Protocol:                             TCP\n"
                "LocalPort:                            " +
                    port + "\n" + extra + "Action:                               " + action);
}

std::string profiles(const std::string& public_state, const std::string& public_policy) {
    std::string out;
    for (std::string p : {"Domain", "Private", "Public"}) {
        bool pub = p == "Public";
        out += p + " Profile Settings: \n" + kDash + "\nState                                 " +
               (pub ? public_state : "ON") + "\nFirewall Policy                       " +
               (pub ? public_policy : "BlockInbound,AllowOutbound") + "\n\n";
    }
    return out + "Ok.\n";
}

const Rule* find(const Firewall& fw, const std::string& name) {
    for (const auto& p : fw.policies) {
        for (const auto& r : p.rules) {
            if (r.name == name) return &r;
        }
    }
    return nullptr;
}

constexpr uint32_t tcp = protocol::tcp;

}  // namespace

TEST_CASE("netsh listing: rules, locations and text", "[netsh]") {
    auto fw = parse_netsh(
        crlf("\n" + tcp_in("a", "Allow", "17472") + "\n" + tcp_in("b", "Block", "445") + "Ok.\n"));
    CHECK(fw.format == "netsh");
    CHECK(fw.rule_count == 2);
    const Rule* a = find(fw, "a");
    REQUIRE(a);
    CHECK(a->location.line == 2);
    CHECK(a->location.column == 1);
    CHECK(a->text.starts_with("Rule Name:"));
    CHECK(a->text.ends_with("Action:                               Allow"));
    CHECK(find(fw, "b")->location.line == 14);
    CHECK(policy(fw, Direction::inbound).combine == Combine::block_wins);
    CHECK(has_warning(fw, "assuming Windows' defaults"));
}

TEST_CASE("netsh: a block rule wins over an allow rule whatever the order", "[netsh]") {
    for (bool block_first : {true, false}) {
        std::string allow = tcp_in("allow sql", "Allow", "1433");
        std::string block = tcp_in("block sql", "Block", "1433,1434");
        auto fw = parse_netsh((block_first ? block + allow : allow + block) + "Ok.\n");
        auto ev = evaluate(policy(fw, Direction::inbound),
                           FlowSpace::of(*AddressSet::parse("10.0.0.1"), *AddressSet::parse("10.0.0.2"),
                                         ProtocolSet::single(tcp), PortSet::single(1433)));
        CHECK(ev.verdict == Verdict::blocked);
        REQUIRE_FALSE(ev.decisions.empty());
        CHECK(ev.decisions.front().rule->name == "block sql");
    }
}

TEST_CASE("netsh: disabled rules are counted but not kept", "[netsh]") {
    std::string r = tcp_in("off", "Allow", "80");
    r.replace(r.find("Yes"), 3, "No");
    auto fw = parse_netsh(r + "Ok.\n");
    CHECK(fw.rule_count == 1);
    CHECK(find(fw, "off") == nullptr);
}

TEST_CASE("netsh: profiles decide defaults, conditions and State OFF", "[netsh]") {
    std::string domain_only = tcp_in("domain only", "Allow", "443");
    domain_only.replace(domain_only.find("Domain,Private,Public"), 21, "Domain");
    std::string text = domain_only + "Ok.\n\n" + profiles("OFF", "BlockInbound,AllowOutbound");
    SECTION("no profile given: a rule for some profiles is conditional, mixed defaults unknown") {
        auto fw = parse_netsh(text);
        const Rule* r = find(fw, "domain only");
        REQUIRE(r);
        CHECK(r->match.empty());
        CHECK_FALSE(r->may_match.empty());
        CHECK(r->conditions.back().find("Domain profile") != std::string::npos);
        CHECK(policy(fw, Direction::inbound).default_rule.action == Action::unknown);
        CHECK(verdict(fw, Direction::inbound, "1.2.3.4", "10.0.0.1", tcp, 443) == Verdict::conditional);
    }
    SECTION("profile: domain keeps the rule and uses the domain default") {
        ParseOptions o;
        o.profile = "domain";
        auto fw = parse_netsh(text, o);
        CHECK(verdict(fw, Direction::inbound, "1.2.3.4", "10.0.0.1", tcp, 443) == Verdict::allowed);
        CHECK(verdict(fw, Direction::inbound, "1.2.3.4", "10.0.0.1", tcp, 444) == Verdict::blocked);
        CHECK(policy(fw, Direction::inbound).default_rule.location.line == 14);
    }
    SECTION("profile: public is OFF, so everything passes") {
        ParseOptions o;
        o.profile = "public";
        auto fw = parse_netsh(text, o);
        CHECK(policy(fw, Direction::inbound).rules.empty());
        CHECK(verdict(fw, Direction::inbound, "1.2.3.4", "10.0.0.1", tcp, 444) == Verdict::allowed);
        CHECK(policy(fw, Direction::inbound).default_rule.name.find("State OFF") != std::string::npos);
    }
    SECTION("BlockInboundAlways ignores inbound allow rules") {
        ParseOptions o;
        o.profile = "domain";
        std::string always = text;
        always.replace(always.find("BlockInbound,"), 13, "BlockInboundAlways,");
        auto fw = parse_netsh(always, o);
        CHECK(verdict(fw, Direction::inbound, "1.2.3.4", "10.0.0.1", tcp, 443) == Verdict::blocked);
    }
}

TEST_CASE("netsh: address keywords are conditions unless the deployment resolves them", "[netsh]") {
    std::string r = tcp_in("peers", "Allow", "17472");
    r.replace(r.find("RemoteIP:                             Any"), 41,
              "RemoteIP:                             "
              "LocalSubnet,192.0.2.0/255.255.255.0,198.51.100.1-198.51.100.9");
    auto fw = parse_netsh(r + "Ok.\n");
    CHECK(verdict(fw, Direction::inbound, "192.0.2.7", "10.0.0.1", tcp, 17472) == Verdict::allowed);
    CHECK(verdict(fw, Direction::inbound, "198.51.100.9", "10.0.0.1", tcp, 17472) == Verdict::allowed);
    CHECK(verdict(fw, Direction::inbound, "10.20.5.1", "10.0.0.1", tcp, 17472) == Verdict::conditional);
    CHECK(find(fw, "peers")->conditions.back().find("LocalSubnet") != std::string::npos);
    ParseOptions o;
    o.address_keywords["localsubnet"] = *AddressSet::parse("10.20.5.0/24");
    auto resolved = parse_netsh(r + "Ok.\n", o);
    CHECK(verdict(resolved, Direction::inbound, "10.20.5.1", "10.0.0.1", tcp, 17472) == Verdict::allowed);
    CHECK(verdict(resolved, Direction::inbound, "10.20.6.1", "10.0.0.1", tcp, 17472) == Verdict::blocked);
}

TEST_CASE("netsh: programs scope rules, services make them conditional", "[netsh]") {
    std::string prog = tcp_in("receiver", "Allow", "17472",
                              "Program:                              C:\\Program Files\\Tanium\\Tanium "
                              "Server\\TaniumReceiver.exe\n");
    std::string svc = tcp_in("svc", "Allow", "8443", "Service:                              MSSQLSERVER\n");
    auto fw = parse_netsh(prog + svc + "Ok.\n");
    const Rule* r = find(fw, "receiver");
    REQUIRE(r);
    REQUIRE(r->programs == std::vector<std::string>{"taniumreceiver.exe"});
    CHECK(r->conditions.front().find("C:\\Program Files\\Tanium") != std::string::npos);
    CHECK(verdict(fw, Direction::inbound, "1.1.1.1", "2.2.2.2", tcp, 17472, "taniumreceiver.exe") ==
          Verdict::allowed);
    CHECK(verdict(fw, Direction::inbound, "1.1.1.1", "2.2.2.2", tcp, 17472, "sqlservr.exe") ==
          Verdict::blocked);
    CHECK(verdict(fw, Direction::inbound, "1.1.1.1", "2.2.2.2", tcp, 17472) == Verdict::conditional);
    CHECK(verdict(fw, Direction::inbound, "1.1.1.1", "2.2.2.2", tcp, 8443) == Verdict::conditional);
}

TEST_CASE("netsh: ICMP rows, protocol numbers, port keywords, interface and security", "[netsh]") {
    std::string icmp = rule("echo",
                            "Enabled: Yes\nDirection: In\nProfiles: Domain,Private,Public\nProtocol: "
                            "ICMPv4\n          Type    Code\n          8       Any \n          3       4\n"
                            "Edge traversal: Yes\nAction: Allow");
    std::string gre = rule("gre", "Enabled: Yes\nDirection: Out\nProtocol: 47\nAction: Block");
    std::string rpc = tcp_in("rpc", "Allow", "RPC");
    std::string wifi = tcp_in("wifi", "Allow", "80", "InterfaceTypes:                       Wireless\n");
    std::string ipsec =
        tcp_in("ipsec", "Allow", "81", "Security:                             Authenticate\n");
    auto fw = parse_netsh(icmp + gre + rpc + wifi + ipsec + "Ok.\n");
    CHECK(verdict(fw, Direction::inbound, "1.1.1.1", "2.2.2.2", protocol::icmp, 8 * 256 + 0) ==
          Verdict::allowed);
    CHECK(verdict(fw, Direction::inbound, "1.1.1.1", "2.2.2.2", protocol::icmp, 3 * 256 + 4) ==
          Verdict::allowed);
    CHECK(verdict(fw, Direction::inbound, "1.1.1.1", "2.2.2.2", protocol::icmp, 3 * 256 + 3) ==
          Verdict::blocked);
    CHECK(verdict(fw, Direction::outbound, "1.1.1.1", "2.2.2.2", 47, 0) == Verdict::blocked);
    CHECK(verdict(fw, Direction::outbound, "1.1.1.1", "2.2.2.2", tcp, 80) == Verdict::allowed);
    CHECK(verdict(fw, Direction::inbound, "1.1.1.1", "2.2.2.2", tcp, 50000) == Verdict::conditional);  // RPC
    CHECK(verdict(fw, Direction::inbound, "1.1.1.1", "2.2.2.2", tcp, 135) == Verdict::blocked);
    CHECK(verdict(fw, Direction::inbound, "1.1.1.1", "2.2.2.2", tcp, 80) ==
          Verdict::conditional);  // Wireless
    CHECK(verdict(fw, Direction::inbound, "1.1.1.1", "2.2.2.2", tcp, 81) == Verdict::conditional);  // IPsec
}

TEST_CASE("netsh: outbound rules put LocalIP and LocalPort on the source side", "[netsh]") {
    std::string out = rule("out",
                           "Enabled: Yes\nDirection: Out\nLocalIP: 10.0.0.1\nRemoteIP: 10.9.9.0/24\n"
                           "Protocol: TCP\nLocalPort: Any\nRemotePort: 1433\nAction: Block");
    auto fw = parse_netsh(out + "Ok.\n");
    CHECK(verdict(fw, Direction::outbound, "10.0.0.1", "10.9.9.5", tcp, 1433) == Verdict::blocked);
    CHECK(verdict(fw, Direction::outbound, "10.9.9.5", "10.0.0.1", tcp, 1433) == Verdict::allowed);
}

TEST_CASE("netsh: German listing and profile settings", "[netsh]") {
    std::string text =
        "Regelname:                               SQL\n" + kDash +
        "\nAktiviert:                               Ja\nRichtung:                                Eingehend\n"
        "Profile:                                 Domäne,Privat,Öffentlich\nLokale IP:                       "
        "        "
        "Beliebig\nRemote-IP:                               10.10.1.10/32\nProtokoll:                        "
        "       "
        "TCP\nLokaler Port:                            1433\nRemoteport:                              "
        "Beliebig\n"
        "Edgeausnahme:                            Benutzer zurückstellen\n"
        "Programm:                                Beliebig\nAktion:                            "
        "      "
        "Zulassen\n\nOK.\n\nEinstellungen für Öffentliches Profil:\n" +
        kDash +
        "\nStatus                                AUS\nFirewallrichtlinie                    "
        "BlockInbound,AllowOutbound\nOK.\n";
    ParseOptions o;
    o.profile = "public";
    auto off = parse_netsh(utf16le(crlf(text)), o);
    CHECK(verdict(off, Direction::inbound, "1.1.1.1", "2.2.2.2", tcp, 1) == Verdict::allowed);
    o.profile = "domain";
    auto fw = parse_netsh(text, o);
    CHECK(fw.warnings.size() == 1);  // only: no settings for the Domain profile
    CHECK(verdict(fw, Direction::inbound, "10.10.1.10", "2.2.2.2", tcp, 1433) == Verdict::allowed);
    CHECK(verdict(fw, Direction::inbound, "10.10.1.11", "2.2.2.2", tcp, 1433) == Verdict::blocked);
}

TEST_CASE("netsh: unknown fields, truncated blocks and garbage are located warnings", "[netsh]") {
    std::string text = "garbage before\n" +
                       tcp_in("a", "Allow", "80", "Frobnicate:                 Sometimes\n") +
                       "\nRule Name: cut\n" + kDash + "\nEnabled: Yes\nDirection: In\n";
    auto fw = parse_netsh(text);
    CHECK(has_warning(fw, "test.txt:1:1: warning: a line outside any rule"));
    CHECK(has_warning(fw, "test.txt:11:1: warning: rule 'a': unknown field 'Frobnicate'"));
    CHECK(has_warning(fw, "test.txt:15:1: warning: rule 'cut' is incomplete"));
    CHECK(has_warning(fw, "does not end with 'Ok.'"));
    CHECK(fw.rule_count == 2);
    CHECK(verdict(fw, Direction::inbound, "1.1.1.1", "2.2.2.2", tcp, 80) == Verdict::conditional);
    CHECK_THROWS_AS(parse_netsh("just some text\nnothing else\n"), InputError);
    CHECK_THROWS_AS(parse_netsh(std::string("\xFF\xFE\x00\xD8", 4)), InputError);
}

TEST_CASE("netsh script: add, set and delete rule lines with quotes", "[netsh]") {
    std::string script =
        "@echo off\r\nrem comment\r\n"
        "netsh advfirewall set publicprofile state off\r\n"
        "netsh advfirewall firewall add rule name=\"Tanium Client\" dir=in action=allow protocol=TCP "
        "localport=17472 remoteip=10.20.0.0/16,LocalSubnet program=\"C:\\Program Files (x86)\\Tanium\\Tanium "
        "Client\\TaniumClient.exe\"\r\n"
        "netsh advfirewall firewall add rule name=ping dir=in action=allow protocol=icmpv4:8,any\r\n"
        "netsh advfirewall firewall add rule name=gone dir=in action=block protocol=tcp localport=17472\r\n"
        "netsh advfirewall firewall delete rule name=gone\r\n"
        "netsh advfirewall firewall set rule name=ping new enable=no\r\n"
        "netsh advfirewall firewall add rule name=broken dir=in\r\n";
    ParseOptions o;
    o.profile = "domain";
    auto fw = parse_netsh(script, o);
    const Rule* r = find(fw, "Tanium Client");
    REQUIRE(r);
    CHECK(r->location.line == 4);
    CHECK(r->programs == std::vector<std::string>{"taniumclient.exe"});
    CHECK(find(fw, "gone") == nullptr);
    CHECK(find(fw, "ping") == nullptr);  // disabled by `set rule`
    CHECK(has_warning(fw, "test.txt:9:1: warning: add rule needs"));
    CHECK(verdict(fw, Direction::inbound, "10.20.1.1", "10.20.5.37", tcp, 17472, "taniumclient.exe") ==
          Verdict::allowed);
    o.profile = "public";
    auto pub = parse_netsh(script, o);
    CHECK(verdict(pub, Direction::inbound, "1.1.1.1", "10.20.5.37", tcp, 1) == Verdict::allowed);
}

TEST_CASE("netsh JSON: enums as numbers or strings, arrays or joined lists, located rules", "[netsh]") {
    std::string json = R"([
  {"DisplayName": "numbers", "Enabled": 1, "Direction": 1, "Action": 4, "Profile": 0,
   "Protocol": "TCP", "LocalPort": ["1433", "1434"], "RemoteAddress": ["10.10.0.0/16"]},
  {"DisplayName": "strings", "Enabled": "True", "Direction": "Inbound", "Action": "Allow",
   "Profile": "Domain, Private", "Protocol": "ICMPv4", "IcmpType": ["8", "3:4"], "RemoteAddress": "Any"},
  {"DisplayName": "off", "Enabled": "False", "Direction": "Outbound", "Action": "Block"}
])";
    auto fw = parse_netsh(json);
    CHECK(fw.rule_count == 3);
    const Rule* numbers = find(fw, "numbers");
    REQUIRE(numbers);
    CHECK(numbers->location.line == 2);
    CHECK(numbers->text.starts_with("{\"DisplayName\": \"numbers\""));
    CHECK(find(fw, "strings")->location.line == 4);
    CHECK(verdict(fw, Direction::inbound, "10.10.1.1", "2.2.2.2", tcp, 1434) == Verdict::blocked);
    CHECK(verdict(fw, Direction::inbound, "1.1.1.1", "2.2.2.2", protocol::icmp, 3 * 256 + 4) ==
          Verdict::conditional);  // Domain and Private only
    CHECK_THROWS_AS(parse_netsh("[{\"Direction\": 1,"), InputError);
}
