// End to end through the built binary: the Windows input constructs of fixtures/netsh/constructs.yaml
// (netsh script spellings and commands, plain listings, BlockInboundAlways, NotConfigured profiles)
// and the exports flowgap refuses, each with its verdict, deciding line and warning location.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/support/e2e.hpp"

using flowgap::testing::run_flowgap;
using flowgap::testing::TempDir;

namespace {

// One firewall's part of a text report.
std::string section(const std::string& out, const std::string& firewall) {
    size_t at = out.find("\n" + firewall + " (netsh");
    if (at == std::string::npos) return "";
    size_t end = out.find("\n\n", at + 1);
    return out.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

// The trace of one Tanium client's packet to the server's port 17472 through one firewall.
std::string explain_client(const std::string& deployment, const std::string& firewall) {
    return run_flowgap("explain " + deployment + " --firewall " + firewall +
                       " --from 10.20.0.1 --to 10.10.1.10 --port tcp/17472")
        .out;
}

// The line of an explain trace that names `location` ("" when none).
std::string trace_line(const std::string& trace, const std::string& location) {
    size_t at = trace.find(location + " ");
    if (at == std::string::npos) return "";
    size_t begin = trace.rfind('\n', at) + 1, end = trace.find('\n', at);
    return trace.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

const char* kRoles =
    "platform: windows\nroles:\n  server: [10.10.1.10]\n  module_server: [10.10.1.20]\n  database: "
    "[10.10.1.30]\n  console: [10.99.0.0/24]\n  endpoints: [10.20.0.0/16]\n  lan: "
    "[10.20.5.0/24]\nfirewalls:\n"
    "  - {name: host, config: s.cmd, host: 10.10.1.10}\n";

const std::string kDeployment = "fixtures/netsh/constructs.yaml";
const std::string kAllow =
    "netsh advfirewall firewall add rule name=\"Tanium Server\" dir=in action=allow protocol=TCP "
    "localport=17472\r\n";

}  // namespace

TEST_CASE("netsh scripts end to end: spellings cmd.exe and netsh accept", "[netsh]") {
    auto r = run_flowgap("audit " + kDeployment);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    std::string prefixes = section(r.out, "prefixes");
    CHECK(prefixes.find("blocked        client-to-server") != std::string::npos);
    CHECK(prefixes.find("block         Block Tanium (prefixes) (fixtures/netsh/script-prefixes.cmd:3:1)") !=
          std::string::npos);
    std::string spellings = section(r.out, "spellings");
    CHECK(spellings.find("blocked        client-to-server") != std::string::npos);
    CHECK(spellings.find(
              "block         Block Tanium (path after &&) (fixtures/netsh/script-spellings.cmd:4:1)") !=
          std::string::npos);
    // `@echo off`, `::` and `cd` are not warned about.
    CHECK(spellings.find("script-spellings.cmd:1:1: warning") == std::string::npos);
    CHECK(spellings.find("script-spellings.cmd:2:1: warning") == std::string::npos);
    CHECK(spellings.find("script-spellings.cmd:4:1: warning") == std::string::npos);
}

TEST_CASE("netsh scripts end to end: each spelling of a block rule blocks", "[netsh]") {
    const std::string block =
        " advfirewall firewall add rule name=B dir=in action=block protocol=TCP localport=17472";
    std::vector<std::string> spellings = {
        "NETSH.EXE" + block,
        "Netsh.exe" + block,
        "\"C:\\Windows\\System32\\netsh.exe\"" + block,
        "@netsh" + block,
        "echo adding the rule && netsh" + block,
        "cd . & netsh" + block,
        "netsh advfirewall show allprofiles || netsh" + block,
        "NETSH ADVF FIREWALL ADD RULE NAME=B DIR=IN ACTION=BLOCK PROTOCOL=TCP LOCALPORT=17472",
        "netsh adv f a r n=B di=in act=block prot=TCP localp=17472",
        "netsh" + block + " >nul 2>&1",
        "netsh" + block + " > \"C:\\Logs\\fw.log\"",
        // cmd.exe runs the netsh command; `rem` comments out only what follows the `&`.
        "netsh advfirewall firewall add rule name=B dir=in action=block & rem protocol=UDP",
    };
    TempDir dir;
    dir.write("d.yaml", kRoles);
    for (const auto& line : spellings) {
        INFO(line);
        dir.write("s.cmd", kAllow + line + "\r\n");
        auto r = run_flowgap("audit '" + dir.path("d.yaml") + "'");
        CHECK(r.exit_code == 1);
        std::string s = section(r.out, "host");
        CHECK(s.find("blocked        client-to-server") != std::string::npos);
        CHECK(s.find("block         B (" + dir.path("s.cmd") + ":2:1)") != std::string::npos);
    }
    // Comments and echoed text are not commands: the allow rule decides.
    for (const std::string& line :
         std::vector<std::string>{"rem netsh" + block, ":: netsh" + block, "echo netsh" + block}) {
        INFO(line);
        dir.write("s.cmd", kAllow + line + "\r\n");
        auto r = run_flowgap("audit '" + dir.path("d.yaml") + "'");
        CHECK(section(r.out, "host").find("allowed        client-to-server") != std::string::npos);
    }
    // A script whose only line is a prefix spelling is recognized as a netsh script.
    dir.write("s.cmd", "netsh adv f a r n=B dir=in act=block prot=TCP localport=17472\r\n");
    auto r = run_flowgap("audit '" + dir.path("d.yaml") + "'");
    CHECK(r.exit_code == 1);
    CHECK(section(r.out, "host").find("block         B (" + dir.path("s.cmd") + ":1:1)") !=
          std::string::npos);
}

TEST_CASE("netsh scripts end to end: a command that names the firewall but cannot be read", "[netsh]") {
    auto r = run_flowgap("audit " + kDeployment);
    INFO(r.out << r.err);
    std::string s = section(r.out, "unreadable");
    CHECK(s.find("conditional    client-to-server") != std::string::npos);
    CHECK(s.find("line 2 (not read) (fixtures/netsh/script-unreadable.cmd:2:1)") != std::string::npos);
    CHECK(
        s.find("fixtures/netsh/script-unreadable.cmd:2:1: warning: a command that names the firewall but is "
               "not a netsh command: flowgap cannot tell what this command does to the firewall, so inbound "
               "packets are conditional") != std::string::npos);
    // `d` is delete or dump: netsh refuses the command, so the allow rule is not deleted.
    CHECK(s.find("fixtures/netsh/script-unreadable.cmd:3:1: warning: 'd' is ambiguous in netsh advfirewall "
                 "firewall") != std::string::npos);
    CHECK(s.find("may allow     Tanium Server (fixtures/netsh/script-unreadable.cmd:1:1)") ==
          std::string::npos);
    // The warning of a command after `&&` points at that command.
    TempDir dir;
    dir.write("d.yaml", kRoles);
    dir.write("s.cmd", kAllow + "cd . && netsh firewall set opmode disable\r\n");
    auto c = run_flowgap("audit '" + dir.path("d.yaml") + "'");
    std::string h = section(c.out, "host");
    CHECK(h.find("conditional    client-to-server") != std::string::npos);
    CHECK(h.find(dir.path("s.cmd") + ":2:9: warning: the deprecated `netsh firewall` context") !=
          std::string::npos);
}

TEST_CASE("netsh scripts end to end: reset, delete, set rule, state and import in script order", "[netsh]") {
    auto r = run_flowgap("audit " + kDeployment);
    INFO(r.out << r.err);
    // reset deleted the block rule before the allow rule was added.
    CHECK(section(r.out, "reset").find("allowed        client-to-server") != std::string::npos);
    CHECK(trace_line(explain_client(kDeployment, "reset"), "fixtures/netsh/script-reset.cmd:3:1")
              .ends_with("MATCHES: allow"));
    CHECK(section(r.out, "reset").find("script-reset.cmd:1:1") == std::string::npos);
    // delete rule with filters removed the inbound block rule only.
    CHECK(section(r.out, "delete-rule").find("allowed        client-to-server") != std::string::npos);
    std::string del = run_flowgap("explain " + kDeployment +
                                  " --firewall delete-rule --from 10.10.1.10 --to 10.20.0.1 --port tcp/17472")
                          .out;
    CHECK(trace_line(del, "fixtures/netsh/script-delete-rule.cmd:3:1").ends_with("MATCHES: block"));
    // A filter's list matches in any order and spacing, as netsh compares it.
    TempDir dir;
    dir.write("d.yaml", kRoles);
    dir.write("s.cmd", kAllow +
                           "netsh advfirewall firewall add rule name=B dir=in action=block protocol=TCP "
                           "localport=17472,443\r\n"
                           "netsh advfirewall firewall delete rule name=B localport=\"443, 17472\"\r\n");
    CHECK(section(run_flowgap("audit '" + dir.path("d.yaml") + "'").out, "host")
              .find("allowed        client-to-server") != std::string::npos);
    // set rule ... new action=allow turned the block rule into an allow rule; enable=no dropped one.
    std::string set = section(r.out, "set-rule");
    CHECK(set.find("allowed        client-to-server") != std::string::npos);
    CHECK(set.find("blocked        console-to-server") != std::string::npos);
    CHECK(trace_line(explain_client(kDeployment, "set-rule"), "fixtures/netsh/script-set-rule.cmd:1:1")
              .ends_with("MATCHES: allow"));
    // State off after the block rule: the profile filters nothing.
    CHECK(section(r.out, "state-off").find("allowed        client-to-server") != std::string::npos);
    CHECK(explain_client(kDeployment, "state-off").find("State OFF") != std::string::npos);
    // import replaces the policy with a file flowgap does not have.
    std::string imp = section(r.out, "import");
    CHECK(imp.find("conditional    client-to-server") != std::string::npos);
    CHECK(imp.find("fixtures/netsh/script-import.cmd:2:1: warning: the policy imported from "
                   "'C:\\Baseline\\server.wfw'") != std::string::npos);
    CHECK(imp.find("allowed ") == std::string::npos);
}

TEST_CASE("netsh listings end to end: a plain listing proves no flow allowed", "[netsh]") {
    auto r = run_flowgap("audit " + kDeployment);
    INFO(r.out << r.err);
    std::string s = section(r.out, "plain-listing");
    CHECK(s.find("conditional    client-to-server") != std::string::npos);
    CHECK(s.find("may allow     Microsoft Store (fixtures/netsh/plain-listing.txt:2:1)") !=
          std::string::npos);
    CHECK(s.find("if the rule is not limited to another program, service or app package") !=
          std::string::npos);
    CHECK(
        s.find("fixtures/netsh/plain-listing.txt:2:1: warning: this listing (`show rule` without `verbose`) "
               "does not show the program, service or app package a rule is scoped to: the packets its 2 "
               "enabled rules could match are conditional") != std::string::npos);
    // The block rule may be scoped to another program: it blocks only possibly.
    CHECK(s.find("conditional    server-to-module") == std::string::npos);  // outbound: AllowOutbound default
    std::string module =
        run_flowgap("explain " + kDeployment +
                    " --firewall plain-listing --from 10.20.0.1 --to 10.10.1.10 --port tcp/17477")
            .out;
    CHECK(trace_line(module, "fixtures/netsh/plain-listing.txt:14:1").find("may match, then block") !=
          std::string::npos);
    CHECK(s.find("allowed        client-to-server") == std::string::npos);
}

TEST_CASE("netsh end to end: BlockInboundAlways is fixed at the profile's policy", "[netsh]") {
    auto r = run_flowgap("audit " + kDeployment);
    INFO(r.out << r.err);
    std::string s = section(r.out, "block-inbound-always");
    CHECK(s.find("blocked        client-to-server") != std::string::npos);
    CHECK(
        s.find("block         default (Domain profile: BlockInboundAlways, which ignores every allow rule; "
               "Private profile: BlockInboundAlways, which ignores every allow rule; Public profile: "
               "BlockInboundAlways, which ignores every allow rule) (fixtures/netsh/block-inbound-always.txt:"
               "23:1)") != std::string::npos);
    CHECK(
        s.find("fix: the domain, private, public profiles are BlockInboundAlways, which ignores every allow "
               "rule: set their inbound policy to BlockInbound") != std::string::npos);
    CHECK(s.find("netsh advfirewall set domainprofile firewallpolicy blockinbound,allowoutbound") !=
          std::string::npos);
    CHECK(s.find("netsh advfirewall set publicprofile firewallpolicy blockinbound,blockoutbound") !=
          std::string::npos);
}

TEST_CASE("netsh end to end: NotConfigured profile values leave the default conditional", "[netsh]") {
    auto r = run_flowgap("audit " + kDeployment);
    INFO(r.out << r.err);
    std::string s = section(r.out, "profile-notconfigured");
    CHECK(s.find("fixtures/netsh/profile-notconfigured.txt:2:1: warning: the Domain profile's "
                 "DefaultOutboundAction is "
                 "NotConfigured: the effective value comes from Group Policy") != std::string::npos);
    CHECK(s.find("conditional    server-to-database") != std::string::npos);
    CHECK(s.find("NotConfigured (Group Policy decides, else Windows' default AllowOutbound)") !=
          std::string::npos);
    CHECK(s.find("blocked        client-to-server") != std::string::npos);  // DefaultInboundAction: Block
}

TEST_CASE("netsh end to end: exports flowgap does not read say what to export instead", "[netsh]") {
    TempDir dir;
    std::string roles(kRoles);
    roles.resize(roles.find("  - {name: host"));
    dir.write("d.yaml", roles + "  - {name: wfw, config: " +
                            flowgap::testing::source_path("fixtures/netsh/advfirewall-export.wfw") +
                            ", host: 10.10.1.10}\n");
    auto w = run_flowgap("audit '" + dir.path("d.yaml") + "'");
    CHECK(w.exit_code == 2);
    CHECK(w.err.find(
              "advfirewall-export.wfw:1:1: error: this is a binary `netsh advfirewall export` file (.wfw, "
              "a registry hive)") != std::string::npos);
    dir.write("t.yaml",
              roles + "  - {name: ft, config: " +
                  flowgap::testing::source_path("fixtures/netsh/get-netfirewallrule-format-table.txt") +
                  ", host: 10.10.1.10}\n");
    auto t = run_flowgap("audit '" + dir.path("t.yaml") + "'");
    CHECK(t.exit_code == 2);
    CHECK(t.err.find("get-netfirewallrule-format-table.txt:2:1: error: this is Get-NetFirewallRule or "
                     "Get-NetFirewallProfile output in Format-Table form") != std::string::npos);
}

TEST_CASE("netsh scripts end to end: edits of many rules have a budget", "[netsh]") {
    std::string script;
    for (int i = 0; i < 8000; ++i)
        script += "netsh advfirewall firewall add rule name=r" + std::to_string(i) +
                  " dir=in action=allow protocol=TCP localport=" + std::to_string(1000 + i) + "\r\n";
    for (int i = 0; i < 8000; ++i)
        script += "netsh advfirewall firewall set rule name=r" + std::to_string(i) + " new enable=no\r\n";
    TempDir dir;
    dir.write("d.yaml", kRoles);
    dir.write("s.cmd", script);
    auto r = run_flowgap("audit '" + dir.path("d.yaml") + "'");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(dir.path("s.cmd") +
                     ":14251:1: error: this script's `set rule` and `delete rule` lines look at "
                     "over 50000000 rules") != std::string::npos);
}

TEST_CASE("PowerShell scripts end to end: New-NetFirewallRule and its kin, in order", "[netsh]") {
    auto r = run_flowgap("audit " + kDeployment);
    INFO(r.out << r.err);
    std::string s = section(r.out, "powershell-script");
    // A block rule whose addresses are a variable may block the clients: conditional, not allowed.
    CHECK(s.find("conditional    client-to-server") != std::string::npos);
    CHECK(s.find("may block     Block legacy (fixtures/netsh/powershell-script.ps1:6:1)") !=
          std::string::npos);
    CHECK(s.find("if -RemoteAddress $legacyNets (computed by PowerShell) matches the packets") !=
          std::string::npos);
    // Parameter prefixes (-Dir, -Prot), mixed quotes and an @() array.
    CHECK(s.find("allowed        console-to-server") != std::string::npos);
    std::string console =
        run_flowgap("explain " + kDeployment +
                    " --firewall powershell-script --from 10.98.0.5 --to 10.10.1.10 --port tcp/443")
            .out;
    CHECK(trace_line(console, "fixtures/netsh/powershell-script.ps1:5:1").ends_with("MATCHES: allow"));
    // Disable-NetFirewallRule with a wildcard took the module port rule out; the profile is set at line 2.
    std::string module =
        run_flowgap("explain " + kDeployment +
                    " --firewall powershell-script --from 10.20.0.1 --to 10.10.1.10 --port tcp/17477")
            .out;
    CHECK(module.find("powershell-script.ps1:7:1") == std::string::npos);
    CHECK(trace_line(module, "fixtures/netsh/powershell-script.ps1:2:1").ends_with("decides: block"));
}

TEST_CASE("PowerShell scripts end to end: variations", "[netsh]") {
    TempDir dir;
    dir.write("d.yaml", std::string(kRoles).replace(std::string(kRoles).find("s.cmd"), 5, "s.ps1"));
    const std::string allow =
        "New-NetFirewallRule -DisplayName 'Tanium Server' -Direction Inbound -Protocol TCP -LocalPort "
        "17472\r\n";
    auto host = [&](const std::string& script) {
        dir.write("s.ps1", script);
        auto r = run_flowgap("audit '" + dir.path("d.yaml") + "'");
        INFO(r.err);
        return section(r.out, "host");
    };
    const std::string at = dir.path("s.ps1");
    SECTION("a block rule over continued lines, parameters in any case") {
        std::string s = host(allow +
                             "new-netfirewallrule -displayname \"Block\" `\r\n  -DIRECTION inbound `\r\n"
                             "  -action BLOCK -protocol tcp -localport 17400-17500\r\n");
        CHECK(s.find("block         Block (" + at + ":2:1)") != std::string::npos);
    }
    SECTION("Set-NetFirewallRule changes the action, Remove-NetFirewallRule deletes by -Name") {
        std::string s = host(allow + "Set-NetFirewallRule -DisplayName 'Tanium Server' -Action Block\r\n");
        CHECK(s.find("block         Tanium Server (" + at + ":1:1)") != std::string::npos);
        s = host(
            "New-NetFirewallRule -Name T1 -DisplayName Block -Action Block -LocalPort 17472 -Protocol "
            "TCP\r\n" +
            allow + "Remove-NetFirewallRule -Name T1\r\n");
        CHECK(s.find("allowed        client-to-server") != std::string::npos);
    }
    SECTION("a computed direction, a block inside { }, a pipeline into a cmdlet: conditional") {
        for (std::string line :
             {std::string("New-NetFirewallRule -DisplayName B -Direction $dir -Action Block\r\n"),
              std::string("if ($lockdown) { New-NetFirewallRule -DisplayName B -Action Block }\r\n"),
              std::string("Get-NetFirewallRule -DisplayName 'Tanium*' | Remove-NetFirewallRule\r\n")}) {
            INFO(line);
            std::string s = host(allow + line);
            CHECK(s.find("conditional    client-to-server") != std::string::npos);
            CHECK(s.find(at + ":2:1: warning: ") != std::string::npos);
            CHECK(s.find("line 2 (not read) (" + at + ":2:1)") != std::string::npos);
        }
    }
    SECTION("an ambiguous parameter: PowerShell runs nothing") {
        std::string s = host(allow + "New-NetFirewallRule -DisplayName B -P TCP -Action Block\r\n");
        CHECK(s.find(at + ":2:1: warning: -P is an ambiguous parameter of New-NetFirewallRule") !=
              std::string::npos);
        CHECK(s.find("allowed        client-to-server") != std::string::npos);
    }
    SECTION("Set-NetFirewallProfile -All -Enabled False") {
        std::string s = host(
            "New-NetFirewallRule -DisplayName B -Action Block\r\n"
            "Set-NetFirewallProfile -All -Enabled False\r\n");
        CHECK(s.find("allowed        client-to-server") != std::string::npos);
    }
}
