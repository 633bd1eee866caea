// The Palo Alto loader on hand-written exports: objects, zones, rule types, defaults, App-ID.
#include <catch2/catch.hpp>

#include "tests/support/paloalto.hpp"

using namespace flowgap::testing::paloalto;
using flowgap::analysis::protocol::tcp;
using flowgap::analysis::protocol::udp;

namespace {

std::string basic(const char* from, const char* to, const char* src, const char* dst, const char* svc,
                  const char* action, const char* app = "any") {
    return members("from", {from}) + members("to", {to}) + members("source", {src}) +
           members("destination", {dst}) + members("application", {app}) + members("service", {svc}) +
           "<action>" + action + "</action>";
}

const char* kObjects = R"(
      <address>
        <entry name="web1"><ip-netmask>172.16.5.10</ip-netmask></entry>
        <entry name="web2"><ip-netmask>172.16.5.11/32</ip-netmask></entry>
        <entry name="lan"><ip-netmask>10.1.0.0/16</ip-netmask></entry>
        <entry name="range"><ip-range>172.16.6.1-172.16.6.9</ip-range></entry>
        <entry name="printers"><ip-wildcard>10.1.0.20/0.0.255.0</ip-wildcard></entry>
        <entry name="updates"><fqdn>updates.example.com</fqdn></entry>
        <entry name="10.9.9.9"><ip-netmask>172.16.7.7</ip-netmask></entry>
      </address>
      <address-group>
        <entry name="all-web"><static><member>web1</member><member>web2</member></static></entry>
        <entry name="nested"><static><member>all-web</member><member>range</member></static></entry>
        <entry name="tagged"><dynamic><filter>'web' and 'prod'</filter></dynamic></entry>
      </address-group>
      <service>
        <entry name="web-alt"><protocol><tcp><port>80,443,8000-8080</port></tcp></protocol></entry>
        <entry name="ntp-strict"><protocol><udp><port>123</port><source-port>123</source-port></udp></protocol></entry>
      </service>
      <service-group>
        <entry name="sg"><members><member>ntp-strict</member><member>service-https</member></members></entry>
      </service-group>
      <application-group>
        <entry name="ag-web"><members><member>web-browsing</member><member>ssl</member></members></entry>
      </application-group>
)";

}  // namespace

TEST_CASE("address objects, nested groups and services resolve innermost first", "[paloalto]") {
    auto fw = parse_text(
        firewall_xml(kObjects, rule("r1", basic("trust", "dmz", "lan", "nested", "sg", "allow")) +
                                   rule("r2", basic("trust", "dmz", "any", "10.9.9.9", "any", "deny"))));
    const Policy& p = only_policy(fw);
    const Rule* r1 = find_rule(p, "r1");
    REQUIRE(r1);
    CHECK(r1->may_match.empty());
    CHECK(r1->match.sources().str() == "10.1.0.0/16");
    CHECK(r1->match.destinations().str() ==
          "172.16.5.10/31, 172.16.6.1, 172.16.6.2/31, 172.16.6.4/30, 172.16.6.8/31");
    CHECK(r1->match.dports().str() == "123,443");
    CHECK(decide(fw, packet("10.1.2.3", "172.16.6.9", udp, 123)).verdict ==
          Verdict::partial);  // only source port 123 matches
    CHECK(decide(fw, packet("10.1.2.3", "172.16.5.11", tcp, 443)).rule == "r1");
    // An object named like an address wins over the literal address.
    CHECK(find_rule(p, "r2")->match.destinations().str() == "172.16.7.7");
    CHECK(fw.warnings.empty());
}

TEST_CASE("service-http covers 8080, wildcards and negation", "[paloalto]") {
    std::string rules = rule("http", basic("any", "any", "any", "web1", "service-http", "allow")) +
                        rule("neg", basic("any", "any", "lan", "printers", "any", "deny") +
                                        "<negate-source>yes</negate-source>");
    auto fw = parse_text(firewall_xml(kObjects, rules));
    const Policy& p = only_policy(fw);
    CHECK(find_rule(p, "http")->match.dports().str() == "80,8080");
    const Rule* neg = find_rule(p, "neg");
    CHECK(neg->match.destinations().size() == 256);  // 10.1.x.20
    CHECK(neg->match.contains({*Address::parse("172.16.0.1"), *Address::parse("10.1.77.20"), tcp, 1, 1}));
    CHECK_FALSE(neg->match.contains({*Address::parse("10.1.0.1"), *Address::parse("10.1.77.20"), tcp, 1, 1}));
}

TEST_CASE("an undefined object warns with its line and makes the rule conditional, never any", "[paloalto]") {
    auto fw =
        parse_text(firewall_xml("", rule("bad", basic("trust", "dmz", "lan", "nowhere", "any", "allow"))));
    REQUIRE(fw.warnings.size() == 2);  // source `lan` and destination `nowhere` are undefined here
    CHECK(fw.warnings[1].message.find("undefined address object 'nowhere'") != std::string::npos);
    CHECK(fw.warnings[1].location.str() == "fw.xml:24");
    const Rule* bad = find_rule(only_policy(fw), "bad");
    CHECK(bad->match.empty());
    CHECK_FALSE(bad->may_match.empty());
    CHECK(bad->conditions.front() == "undefined object 'lan'");
    CHECK(decide(fw, packet("10.1.2.3", "172.16.1.1", tcp, 80)).verdict == Verdict::conditional);
}

TEST_CASE("lines are exact whether they are asked for in the order written or not", "[paloalto]") {
    // `odd` is read (and warned about) only while the second rule is translated: its line, above
    // the rules, is asked for after the first two rules' lines, and the third rule's after it.
    std::string objects =
        "\n      <address><entry name=\"odd\"><ip-netmask>not-an-address</ip-netmask>"
        "</entry></address>\n";
    std::string rules = rule("first", basic("trust", "dmz", "any", "any", "any", "allow")) +
                        rule("second", basic("trust", "dmz", "any", "odd", "any", "allow")) +
                        rule("third", basic("trust", "dmz", "any", "any", "any", "deny"));
    auto fw = parse_text(firewall_xml(objects, rules));
    REQUIRE(fw.warnings.size() == 1);
    CHECK(fw.warnings[0].message == "address object 'odd' has no address this parser reads");
    CHECK(fw.warnings[0].location.str() == "fw.xml:23");
    const Policy& p = only_policy(fw);
    CHECK(find_rule(p, "first")->location.str() == "fw.xml:26");
    CHECK(find_rule(p, "second")->location.str() == "fw.xml:27");
    CHECK(find_rule(p, "third")->location.str() == "fw.xml:28");
}

TEST_CASE("FQDN, dynamic groups and EDLs are conditional with the object named", "[paloalto]") {
    std::string rules = rule("fq", basic("trust", "dmz", "any", "updates", "any", "allow")) +
                        rule("dyn", basic("trust", "dmz", "any", "tagged", "any", "allow")) +
                        rule("edl", basic("trust", "untrust", "any", "panw-known-ip-list", "any", "deny"));
    auto fw = parse_text(firewall_xml(kObjects, rules));
    const Policy& p = only_policy(fw);
    CHECK(find_rule(p, "fq")->conditions.front() == "FQDN object 'updates' (updates.example.com)");
    CHECK(find_rule(p, "dyn")->conditions.front().starts_with("dynamic address group 'tagged'"));
    CHECK(find_rule(p, "edl")->conditions.front().starts_with("external dynamic list 'panw-known-ip-list'"));
    for (const char* r : {"fq", "dyn", "edl"})
        CHECK(find_rule(p, r)->match.empty());
}

TEST_CASE("App-ID rules are conditional, and application-default narrows by the default-port table",
          "[paloalto]") {
    std::string rules =
        rule("web", basic("trust", "untrust", "any", "any", "application-default", "allow", "ag-web")) +
        rule("odd", basic("trust", "untrust", "any", "any", "application-default", "allow", "some-rare-app"));
    auto fw = parse_text(firewall_xml(kObjects, rules));
    const Policy& p = only_policy(fw);
    const Rule* web = find_rule(p, "web");
    CHECK(web->match.empty());
    CHECK(web->may_match.dports().str() == "80,443");
    CHECK(web->conditions.front() == "App-ID classifies the traffic as web-browsing, ssl");
    CHECK(find_rule(p, "odd")->may_match.dports().is_all());
    // Port 22 is outside web's defaults: decided by the rules after it (interzone default).
    CHECK(decide(fw, packet("10.1.2.3", "198.51.100.1", tcp, 22)).verdict == Verdict::conditional);  // `odd`
    auto fw2 = parse_text(firewall_xml(kObjects, rules.substr(0, rules.find("<entry name=\"odd\""))));
    CHECK(decide(fw2, packet("10.1.2.3", "198.51.100.1", tcp, 22)).verdict == Verdict::blocked);
    CHECK(decide(fw2, packet("10.1.2.3", "198.51.100.1", tcp, 443)).verdict == Verdict::conditional);
}

TEST_CASE("rule types, disabled rules and overridden default rules", "[paloalto]") {
    std::string rules = rule("intra", basic("any", "any", "any", "any", "any", "deny") +
                                          "<rule-type>intrazone</rule-type>" + "<disabled>yes</disabled>") +
                        rule("inter", basic("any", "any", "any", "any", "service-https", "allow") +
                                          "<rule-type>interzone</rule-type>");
    std::string defaults =
        "<default-security-rules><rules><entry name=\"intrazone-default\"><action>deny</action></entry>"
        "<entry name=\"interzone-default\"><action>allow</action></entry></rules></default-security-rules>";
    auto fw = parse_text(firewall_xml("", rules, defaults));
    const Policy& p = only_policy(fw);
    CHECK(fw.rule_count == 2);
    CHECK(p.rules.size() == 3);  // `intra` is disabled; inter, intrazone-default, interzone-default
    CHECK(decide(fw, packet("10.1.2.3", "172.16.0.9", tcp, 443)).rule == "inter");
    Outcome same_zone = decide(fw, packet("10.1.2.3", "10.1.0.0", tcp, 443));
    CHECK(same_zone.verdict == Verdict::not_applicable);  // one connected subnet: never crosses
    Outcome intra = decide(fw, packet("10.1.2.3", "198.51.100.1", tcp, 22));
    CHECK(intra.verdict == Verdict::allowed);  // interzone overridden to allow
    CHECK(intra.rule == "interzone-default");
    CHECK(find_rule(p, "intrazone-default")->action == Action::block);
    CHECK(find_rule(p, "intrazone-default")->location.line == 27);
}

TEST_CASE("zones from the deployment replace inference, and unknown zones are conditional", "[paloalto]") {
    flowgap::parsers::ParseOptions o;
    o.zones = {{"trust", *AddressSet::parse("10.1.0.0/16")}, {"dmz", *AddressSet::parse("172.16.0.0/16")}};
    auto fw =
        parse_text(firewall_xml("", rule("r", basic("trust", "untrust", "any", "any", "any", "allow"))), o);
    CHECK(fw.bypass.empty());
    const Rule* r = find_rule(only_policy(fw), "r");
    CHECK(r->match.empty());  // untrust has no addresses in the deployment's zones
    CHECK(r->conditions.front() == "zone 'untrust' has no known addresses");
    CHECK(decide(fw, packet("10.1.2.3", "198.51.100.1", tcp, 22)).verdict == Verdict::conditional);
    CHECK(decide(fw, packet("10.1.2.3", "172.16.0.1", tcp, 22)).verdict == Verdict::blocked);
}

TEST_CASE("malformed exports are located errors", "[paloalto]") {
    std::string good = firewall_xml("", "");
    try {
        parse_text(good.substr(0, good.size() / 2));
        FAIL("no error");
    } catch (const InputError& e) {
        CHECK(e.message().find("not a well-formed XML export") != std::string::npos);
        CHECK(e.location().line > 10);
    }
    CHECK_THROWS_WITH(
        parse_text("<?xml version=\"1.0\"?>\n<policy><rule/></policy>\n"),
        Catch::Contains("fw.xml:2: error: not a PAN-OS configuration: the root element is <policy>"));
    CHECK_THROWS_WITH(parse_text("hello world\n"), Catch::Contains("fw.xml:1:1: error: not a PAN-OS export"));
    CHECK(flowgap::parsers::paloalto::looks_like(good));
    CHECK_FALSE(flowgap::parsers::paloalto::looks_like("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j DROP\n"));
}

namespace {

std::string set_rule(const std::string& name, int sources) {
    std::string out =
        "set network interface ethernet ethernet1/1 layer3 ip 10.30.0.1/16\n"
        "set zone trust network layer3 ethernet1/1\n";
    for (const char* field :
         {"from any", "to any", "destination any", "application any", "service any", "action allow"})
        out += "set rulebase security rules " + name + " " + field + "\n";
    for (int i = 0; i < sources; ++i)
        out += "set rulebase security rules " + name + " source 10.30." + std::to_string(i / 256) + "." +
               std::to_string(i % 256) + "\n";
    return out;
}

}  // namespace

TEST_CASE("a set export growing one member list line by line", "[paloalto]") {
    SECTION("40,000 lines: every member kept once (each append used to rescan the list)") {
        std::string text = set_rule("R", 40000) + "set rulebase security rules R source 10.30.0.7\n";
        Firewall fw = parse_text(text, {}, "big.set");
        const Rule* r = find_rule(only_policy(fw), "R");
        REQUIRE(r);
        CHECK(r->match.sources().str() ==
              "10.30.0.0/17, 10.30.128.0/20, 10.30.144.0/21, 10.30.152.0/22, "
              "10.30.156.0/26");
    }
    SECTION("a list deleted and set again holds only its new members") {
        std::string text = set_rule("R", 2) +
                           "delete rulebase security rules R source\n"
                           "set rulebase security rules R source 10.30.0.1\n"
                           "set rulebase security rules R source 10.30.0.9\n"
                           "set rulebase security rules R source 10.30.0.9\n";
        Firewall fw = parse_text(text, {}, "small.set");
        const Rule* r = find_rule(only_policy(fw), "R");
        REQUIRE(r);
        CHECK(r->match.sources().str() == "10.30.0.1, 10.30.0.9");
    }
}
