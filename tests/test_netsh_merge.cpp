// One Windows host from several files: rules from all of them, profile settings from whichever
// states them, contradictions refused; Get-NetFirewallRule records beside a listing with filters.
#include <catch2/catch.hpp>

#include <algorithm>

#include "tests/support/netsh.hpp"

using namespace flowgap::analysis;
using namespace flowgap::testing::netsh;
using flowgap::parsers::Input;

namespace {

const std::string kDashes(70, '-');

Input input(const std::string& name, const std::string& content) {
    return {std::make_shared<const std::string>(name), std::make_shared<const std::string>(content)};
}

Firewall parse_all(const std::vector<Input>& inputs, const flowgap::parsers::ParseOptions& options = {}) {
    return flowgap::parsers::netsh::parse(inputs, options);
}

// `show rule name=all verbose` with one inbound allow rule for 17472 and an outbound block.
const std::string kRules = crlf("\nRule Name:                            Tanium Server (TCP-In)\n" + kDashes +
                                "\nEnabled:                              Yes\n"
                                "Direction:                            In\n"
                                "Profiles:                             Domain,Private,Public\n"
                                "LocalIP:                              Any\n"
                                "RemoteIP:                             10.20.0.0/16\n"
                                "Protocol:                             TCP\n"
                                "LocalPort:                            17472\n"
                                "RemotePort:                           Any\n"
                                "Program:                              Any\n"
                                "Action:                               Allow\n\n"
                                "Rule Name:                            Block Telnet (TCP-Out)\n" +
                                kDashes +
                                "\nEnabled:                              Yes\n"
                                "Direction:                            Out\n"
                                "Profiles:                             Domain,Private,Public\n"
                                "Protocol:                             TCP\n"
                                "RemotePort:                           23\n"
                                "Action:                               Block\n\nOk.\n");

std::string allprofiles(const std::string& policy, const std::string& state = "ON") {
    std::string out = "\n";
    for (const char* p : {"Domain", "Private", "Public"}) {
        out += std::string(p) + " Profile Settings: \n" + kDashes +
               "\nState                                 " + state +
               "\nFirewall Policy                       " + policy + "\n\n";
    }
    return crlf(out + "Ok.\n");
}

flowgap::parsers::ParseOptions profile(const char* name) {
    flowgap::parsers::ParseOptions o;
    o.profile = name;
    return o;
}

const Rule* find_rule(const Policy& p, const std::string& name) {
    auto it = std::find_if(p.rules.begin(), p.rules.end(), [&](const Rule& r) { return r.name == name; });
    return it == p.rules.end() ? nullptr : &*it;
}

}  // namespace

TEST_CASE("netsh files: rules from a UTF-16LE listing, profiles from a second file", "[netsh]") {
    Firewall fw = parse_all({input("rules.txt", utf16le(kRules)),
                             input("allprofiles.txt", allprofiles("BlockInbound,BlockOutbound"))});
    CHECK(fw.rule_count == 2);
    CHECK_FALSE(has_warning(fw, "assuming Windows' defaults"));
    const Rule* allow = find_rule(policy(fw, Direction::inbound), "Tanium Server (TCP-In)");
    REQUIRE(allow);
    CHECK(allow->location.str() == "rules.txt:2:1");
    CHECK(verdict(fw, Direction::inbound, "10.20.1.1", "10.10.1.10", protocol::tcp, 17472) ==
          Verdict::allowed);
    // The outbound default comes from the second file, and is located there.
    const Policy& out = policy(fw, Direction::outbound);
    CHECK(out.default_rule.action == Action::block);
    CHECK(out.default_rule.location.str() == "allprofiles.txt:2:1");
    CHECK(verdict(fw, Direction::outbound, "10.10.1.10", "10.10.1.30", protocol::tcp, 1433) ==
          Verdict::blocked);
    // The order of the files does not matter.
    Firewall swapped = parse_all({input("allprofiles.txt", allprofiles("BlockInbound,BlockOutbound")),
                                  input("rules.txt", utf16le(kRules))});
    CHECK(policy(swapped, Direction::outbound).default_rule.location.str() == "allprofiles.txt:2:1");
    CHECK(find_rule(policy(swapped, Direction::inbound), "Tanium Server (TCP-In)")->location.str() ==
          "rules.txt:2:1");
}

TEST_CASE("netsh files: State from one file, Firewall Policy from another", "[netsh]") {
    std::string state = crlf("\nPublic Profile Settings: \n" + kDashes +
                             "\nState                                 OFF\n\nOk.\n");
    std::string script = "netsh advfirewall set allprofiles firewallpolicy blockinbound,allowoutbound\r\n";
    Firewall fw = parse_all({input("state.txt", state), input("policy.cmd", script)}, profile("public"));
    // Public is OFF (first file) though the script states only its policy: everything passes.
    CHECK(verdict(fw, Direction::inbound, "1.1.1.1", "10.10.1.10", protocol::tcp, 3389) == Verdict::allowed);
    CHECK(policy(fw, Direction::inbound).default_rule.name == "default (Public profile: State OFF)");
}

TEST_CASE("netsh files: two files that state a profile differently are an error", "[netsh]") {
    std::string with_profiles = kRules + allprofiles("BlockInbound,AllowOutbound");
    try {
        parse_all({input("bundle.txt", with_profiles),
                   input("allprofiles.txt", allprofiles("BlockInbound,BlockOutbound"))});
        FAIL("expected an error");
    } catch (const InputError& e) {
        CHECK(e.location().str() == "allprofiles.txt:2:1");
        CHECK(
            e.message() ==
            "the Domain profile's Firewall Policy here (BlockInbound,BlockOutbound) contradicts "
            "bundle.txt:26 "
            "(BlockInbound,AllowOutbound): were the files taken from different hosts or at different times? "
            "Give the host's current settings once");
    }
    CHECK_THROWS_WITH(parse_all({input("a.txt", allprofiles("BlockInbound,AllowOutbound", "ON")),
                                 input("b.txt", allprofiles("BlockInbound,AllowOutbound", "OFF"))}),
                      Catch::Contains("the Domain profile's State here (OFF) contradicts a.txt:2 (ON)"));
    // The same settings twice (the bundle and a separate capture of it) are no contradiction.
    CHECK_NOTHROW(parse_all(
        {input("bundle.txt", with_profiles), input("again.txt", allprofiles("BlockInbound,AllowOutbound"))}));
}

TEST_CASE("netsh files: Get-NetFirewallRule records beside a listing with filters", "[netsh]") {
    std::string records =
        utf16le(crlf("\nDisplayName : Tanium Server (TCP-In)\nDirection   : Inbound\n"
                     "Action      : Allow\nEnabled     : True\nProfile     : Any\n\n"
                     "DisplayName : Remote Desktop - User Mode (TCP-In)\nDirection   : Inbound\n"
                     "Action      : Allow\nEnabled     : True\nProfile     : Domain, Private\n\n"
                     "DisplayName : Block Telnet (TCP-Out)\nDirection   : Outbound\n"
                     "Action      : Block\nEnabled     : False\nProfile     : Any\n\n\n"));
    Firewall fw = parse_all({input("rules.txt", kRules), input("ps.txt", records)});
    // The record of the listed rule is dropped in favour of the listing: the rule stays certain.
    CHECK(fw.rule_count == 4);
    CHECK(verdict(fw, Direction::inbound, "10.20.1.1", "10.10.1.10", protocol::tcp, 17472) ==
          Verdict::allowed);
    // The other enabled record has no filters: what it could match is conditional.
    CHECK(verdict(fw, Direction::inbound, "10.20.1.1", "10.10.1.10", protocol::tcp, 3389) ==
          Verdict::conditional);
    const Rule* rdp = find_rule(policy(fw, Direction::inbound), "Remote Desktop - User Mode (TCP-In)");
    REQUIRE(rdp);
    CHECK(rdp->location.str() == "ps.txt:8:1");
    CHECK(
        has_warning(fw,
                    "ps.txt:2:1: warning: Get-NetFirewallRule output lists no address, port, protocol or "
                    "program filters: the packets its 1 enabled rule could match are conditional, never "
                    "allowed (1 more record repeats a rule another file lists with its filters, and is read "
                    "from there)"));
    // The disabled record is counted, not kept, and not the same rule as the enabled one listed.
    CHECK(find_rule(policy(fw, Direction::outbound), "Block Telnet (TCP-Out)")->location.str() ==
          "rules.txt:15:1");
}

TEST_CASE("netsh: Get-NetFirewallProfile output gives the profiles", "[netsh]") {
    std::string profiles = crlf(
        "\nName                            : Domain\nEnabled                         : True\n"
        "DefaultInboundAction            : Block\nDefaultOutboundAction           : Block\n"
        "AllowInboundRules               : NotConfigured\n\n"
        "Name                            : Private\nEnabled                         : False\n"
        "DefaultInboundAction            : NotConfigured\n"
        "DefaultOutboundAction           : NotConfigured\n\n"
        "Name                            : Public\nEnabled                         : True\n"
        "DefaultInboundAction            : Block\nDefaultOutboundAction           : Allow\n\n");
    Firewall fw =
        parse_all({input("rules.txt", kRules), input("profiles.txt", utf16le(profiles))}, profile("domain"));
    CHECK(policy(fw, Direction::outbound).default_rule.location.str() == "profiles.txt:2:1");
    CHECK(verdict(fw, Direction::outbound, "10.10.1.10", "10.10.1.30", protocol::tcp, 1433) ==
          Verdict::blocked);
    Firewall priv = parse_all({input("profiles.txt", profiles)}, profile("private"));
    CHECK(verdict(priv, Direction::inbound, "1.1.1.1", "10.10.1.10", protocol::tcp, 3389) ==
          Verdict::allowed);
    CHECK_FALSE(has_warning(priv, "Get-NetFirewallRule output"));
}

TEST_CASE("netsh: Get-NetFirewallRule records without Direction are skipped with few warnings", "[netsh]") {
    std::string records;
    for (int i = 0; i < 25; ++i)
        records += "DisplayName : Rule " + std::to_string(i) + "\nEnabled     : True\n\n";
    records +=
        "DisplayName : Allow SSH\nDirection   : Inbound\nAction      : Allow\nEnabled     : True\n"
        "Profile     : Any\n";
    Firewall fw = parse_all({input("fl.txt", records)});
    CHECK(fw.rule_count == 26);
    CHECK(policy(fw, Direction::inbound).rules.size() == 1);
    CHECK(has_warning(fw, "fl.txt:1:1: warning: a rule record without Direction or Action"));
    CHECK(has_warning(fw, "fl.txt: warning: 5 more records skipped"));
    CHECK(fw.warnings.size() == 20 + 1 + 1 + 1);  // 20 records, the count, no filters, no profiles
    CHECK(verdict(fw, Direction::inbound, "10.20.1.1", "10.10.1.10", protocol::tcp, 22) ==
          Verdict::conditional);
}
