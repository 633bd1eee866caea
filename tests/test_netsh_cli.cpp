// End to end through the built binary: fixtures/netsh (a Windows Tanium deployment whose host
// firewalls come as a UTF-16LE verbose listing, a German listing, an `add rule` script and the
// PowerShell JSON export) and variations of it written to a scratch folder.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/e2e.hpp"
#include "tests/support/netsh.hpp"

using flowgap::testing::read_file;
using flowgap::testing::run_flowgap;
using flowgap::testing::TempDir;
using flowgap::testing::netsh::crlf;
using flowgap::testing::netsh::utf16le;

namespace {

// The report line of one flow at one firewall, and the lines that explain it.
std::string section(const std::string& out, const std::string& firewall) {
    size_t at = out.find("\n" + firewall + " (netsh");
    if (at == std::string::npos) return "";
    size_t end = out.find("\n\n", at + 1);
    return out.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

const char* kRoles =
    "platform: windows\nroles:\n  server: [10.10.1.10]\n  module_server: [10.10.1.20]\n  database: "
    "[10.10.1.30]\n"
    "  console: [10.99.0.0/24]\n  endpoints: [10.20.0.0/16]\n  lan: [10.20.5.0/24]\nfirewalls:\n";

}  // namespace

TEST_CASE("netsh end to end: the fixture deployment", "[netsh]") {
    auto r = run_flowgap("audit fixtures/netsh/deployment.yaml");
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    std::string server = section(r.out, "tanium-server");
    CHECK(server.find("allowed        client-to-server") != std::string::npos);
    CHECK(server.find("conditional    console-to-server") != std::string::npos);
    CHECK(server.find(
              "may allow     Tanium Server - Console (TCP-In) (fixtures/netsh/tanium-server.txt:21:1)") !=
          std::string::npos);
    CHECK(server.find("if the host's network is in the Domain profile") != std::string::npos);
    // The block rule defeats the allow rule for sqlservr.exe on the database port.
    std::string sql = section(r.out, "sql-server");
    CHECK(sql.find("blocked        server-to-database") != std::string::npos);
    CHECK(sql.find("block         SQL-Zugriff aus dem Rechenzentrum sperren "
                   "(fixtures/netsh/sql-server-de.txt:21:1)") != std::string::npos);
    std::string module = section(r.out, "module-server");
    CHECK(module.find("allowed        server-to-module") != std::string::npos);
    CHECK(module.find("warning") == std::string::npos);  // the script sets the profiles
    std::string endpoint = section(r.out, "endpoint-37");
    CHECK(endpoint.find("allowed        client-peering") != std::string::npos);
}

TEST_CASE("netsh end to end: JSON report names the deciding block rule and its line", "[netsh]") {
    auto r = run_flowgap("audit --format json fixtures/netsh/deployment.yaml");
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("SQL-Zugriff aus dem Rechenzentrum sperren") != std::string::npos);
    CHECK(r.out.find("sql-server-de.txt:21:1") != std::string::npos);
}

TEST_CASE("netsh end to end: profile choice, unresolved keywords and other programs", "[netsh]") {
    TempDir dir;
    for (const char* f : {"tanium-server.txt", "endpoint.json", "module-server.cmd"})
        dir.write(f, read_file(flowgap::testing::source_path(std::string("fixtures/netsh/") + f)));
    SECTION("profile: domain makes the console rule certain") {
        dir.write("d.yaml",
                  std::string(kRoles) +
                      "  - {name: srv, config: tanium-server.txt, host: 10.10.1.10, profile: domain}\n");
        auto r = run_flowgap("audit '" + dir.path("d.yaml") + "'");
        INFO(r.out << r.err);
        CHECK(section(r.out, "srv").find("allowed        console-to-server") != std::string::npos);
    }
    SECTION("profile: public drops the domain-only rule: blocked by the default") {
        dir.write("d.yaml",
                  std::string(kRoles) +
                      "  - {name: srv, config: tanium-server.txt, host: 10.10.1.10, profile: public}\n");
        auto r = run_flowgap("audit '" + dir.path("d.yaml") + "'");
        INFO(r.out << r.err);
        CHECK(r.exit_code == 1);
        std::string s = section(r.out, "srv");
        CHECK(s.find("blocked        console-to-server") != std::string::npos);
        CHECK(s.find("default (Public profile: BlockInbound)") != std::string::npos);
    }
    SECTION("LocalSubnet without address_keywords is a condition") {
        dir.write("d.yaml",
                  std::string(kRoles) + "  - {name: ep, config: endpoint.json, host: 10.20.5.37}\n");
        auto r = run_flowgap("audit '" + dir.path("d.yaml") + "'");
        INFO(r.out << r.err);
        CHECK(r.exit_code == 1);
        std::string s = section(r.out, "ep");
        CHECK(s.find("conditional    client-peering") != std::string::npos);
        CHECK(s.find("if remote address LocalSubnet") != std::string::npos);
        CHECK(s.find("endpoint.json:8:1") != std::string::npos);
    }
    SECTION("a rule for another program does not carry the Tanium flow") {
        dir.write("other.cmd",
                  "netsh advfirewall firewall add rule name=\"Other 17477\" dir=in action=allow "
                  "protocol=TCP localport=17477 program=\"C:\\Tools\\other.exe\"\r\n");
        dir.write("d.yaml", std::string(kRoles) + "  - {name: mod, config: other.cmd, host: 10.10.1.20}\n");
        auto r = run_flowgap("audit '" + dir.path("d.yaml") + "'");
        INFO(r.out << r.err);
        std::string s = section(r.out, "mod");
        CHECK(s.find("blocked        server-to-module") != std::string::npos);
        CHECK(s.find("assuming Windows' defaults") != std::string::npos);
    }
    SECTION("a German UTF-16LE listing with profile State AUS") {
        std::string de =
            "Regelname:                               Block\n" + std::string(70, '-') +
            "\nAktiviert:                               Ja\nRichtung:                                "
            "Eingehend\nProtokoll:                               TCP\nLokaler Port:                   "
            "         17472\nAktion:                                  Blockieren\nOK.\n\n"
            "Einstellungen für Domänenprofil:\n" +
            std::string(70, '-') + "\nStatus                                AUS\nOK.\n";
        dir.write("de.txt", utf16le(crlf(de)));
        dir.write("d.yaml", std::string(kRoles) +
                                "  - {name: de, config: de.txt, host: 10.10.1.10, profile: domain}\n");
        auto r = run_flowgap("audit '" + dir.path("d.yaml") + "'");
        INFO(r.out << r.err);
        CHECK(section(r.out, "de").find("allowed        client-to-server") != std::string::npos);
    }
}

TEST_CASE("netsh end to end: Get-NetFirewallRule output makes every flow it could touch conditional",
          "[netsh]") {
    std::string ps = std::string(FLOWGAP_SOURCE_DIR) +
                     "/../shared/corpus/netsh/win_powershell_Get-NetFirewallRule_utf16le.txt";
    if (!std::filesystem::exists(ps)) {
        WARN("netsh corpus not found; skipped");
        return;
    }
    TempDir dir;
    dir.write("fl.txt", read_file(ps));
    dir.write("d.yaml", std::string(kRoles) + "  - {name: fl, config: fl.txt, host: 10.10.1.10}\n");
    auto r = run_flowgap("audit '" + dir.path("d.yaml") + "'");
    INFO(r.err);
    CHECK(r.exit_code == 1);
    std::string s = section(r.out, "fl");
    CHECK(s.find("fl (netsh, " + dir.path("fl.txt") + ", 522 rules, host 10.10.1.10)") != std::string::npos);
    CHECK(s.find(dir.path("fl.txt") +
                 ":3:1: warning: Get-NetFirewallRule output lists no address, port, protocol "
                 "or program filters") != std::string::npos);
    // Inbound, only rules that may match stand between the clients and the default block; the
    // one block rule (block wins) may match too.
    CHECK(s.find("conditional    client-to-server") != std::string::npos);
    CHECK(s.find("may block     Block Telnet (" + dir.path("fl.txt") + ":3126:1)") != std::string::npos);
    CHECK(
        s.find("if its address, port, protocol and program filters (which Get-NetFirewallRule does not list) "
               "match the packets") != std::string::npos);
    CHECK(s.find("allowed        client-to-server") == std::string::npos);
    CHECK(s.find("allowed        console-to-server") == std::string::npos);
    // Outbound there is no block rule and AllowOutbound is the default: allowed whatever the filters.
    CHECK(s.find("allowed        server-to-database") != std::string::npos);
}

TEST_CASE("netsh end to end: one server from a UTF-16LE rule listing and an allprofiles file", "[netsh]") {
    auto r = run_flowgap("audit fixtures/netsh/split-exports.yaml");
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    const std::string rules = "fixtures/netsh/split-tanium-server-rules.txt";
    const std::string profiles = "fixtures/netsh/split-tanium-server-allprofiles.txt";
    std::string s = section(r.out, "tanium-server");
    CHECK(s.find("tanium-server (netsh, " + rules + " + " + profiles + ", 6 rules, host 10.10.1.10)") !=
          std::string::npos);
    CHECK(s.find("warning") == std::string::npos);  // the profiles are known: nothing assumed
    CHECK(s.find("allowed        client-to-server") != std::string::npos);
    CHECK(s.find("may allow     Tanium Server - Console (TCP-In) (" + rules + ":21:1)") != std::string::npos);
    // BlockOutbound, from the second file, blocks what the rules alone would let out.
    CHECK(s.find("blocked        server-to-database") != std::string::npos);
    CHECK(
        s.find("block         default (Domain profile: BlockOutbound; Private profile: BlockOutbound; Public "
               "profile: BlockOutbound) (" +
               profiles + ":2:1)") != std::string::npos);

    auto j = run_flowgap("audit fixtures/netsh/split-exports.yaml --format json");
    CHECK(j.out.find("\"config\": \"" + rules + "\",\n      \"configs\": [\n        \"" + rules +
                     "\",\n        \"" + profiles + "\"\n      ]") != std::string::npos);
    // SARIF locates each result in its own file.
    auto sarif = run_flowgap("audit fixtures/netsh/split-exports.yaml --format sarif");
    CHECK(sarif.out.find("\"uri\": \"" + profiles + "\"") != std::string::npos);
    CHECK(sarif.out.find("\"uri\": \"" + rules + "\"") != std::string::npos);
    auto x = run_flowgap(
        "explain fixtures/netsh/split-exports.yaml --firewall tanium-server --from 10.10.1.10 --to "
        "10.10.1.30 "
        "--port tcp/1433");
    CHECK(x.exit_code == 0);
    CHECK(x.out.find("through tanium-server (netsh, " + rules + " + " + profiles + ")") != std::string::npos);
    CHECK(x.out.find(profiles + ":2:1") != std::string::npos);
}

TEST_CASE("netsh end to end: several files that do not belong together exit 2", "[netsh]") {
    TempDir dir;
    std::string full = read_file(flowgap::testing::source_path("fixtures/netsh/tanium-server.txt"));
    dir.write("full.txt", full);
    dir.write("allprofiles.txt",
              read_file(flowgap::testing::source_path("fixtures/netsh/split-tanium-server-allprofiles.txt")));
    dir.write("fw.rules", read_file(flowgap::testing::source_path("fixtures/demo/core-router.rules")));
    dir.write("a.xml", read_file(flowgap::testing::source_path("fixtures/paloalto/dc-fw.xml")));
    dir.write("b.xml", read_file(flowgap::testing::source_path("fixtures/paloalto/dc-fw.xml")));
    SECTION("two files state a profile's policy differently") {
        dir.write("d.yaml", std::string(kRoles) +
                                "  - {name: s, config: [full.txt, allprofiles.txt], host: 10.10.1.10}\n");
        auto r = run_flowgap("audit '" + dir.path("d.yaml") + "'");
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK(
            r.err.find(dir.path("allprofiles.txt") +
                       ":2:1: error: the Domain profile's Firewall Policy here (BlockInbound,BlockOutbound) "
                       "contradicts " +
                       dir.path("full.txt") + ":118 (BlockInbound,AllowOutbound)") != std::string::npos);
    }
    SECTION("an iptables dump beside a netsh listing") {
        dir.write("d.yaml",
                  std::string(kRoles) + "  - {name: s, config: [full.txt, fw.rules], host: 10.10.1.10}\n");
        auto r = run_flowgap("audit '" + dir.path("d.yaml") + "'");
        CHECK(r.exit_code == 2);
        CHECK(
            r.err.find(dir.path("fw.rules") + ":1:1: error: this is an iptables-save dump, but " +
                       dir.path("full.txt") +
                       " (an earlier config of the same firewall) is a Windows netsh/PowerShell export: one "
                       "firewall's configs must all come from one vendor") != std::string::npos);
    }
    SECTION("two Palo Alto exports") {
        dir.write("d.yaml", std::string(kRoles) + "  - {name: pa, config: [a.xml, b.xml]}\n");
        auto r = run_flowgap("audit '" + dir.path("d.yaml") + "'");
        CHECK(r.exit_code == 2);
        CHECK(r.err.find(
                  dir.path("d.yaml") +
                  ":10:5: error: a Palo Alto firewall is read from one export (its whole configuration), "
                  "but 2 files are given: " +
                  dir.path("a.xml") + ", " + dir.path("b.xml")) != std::string::npos);
    }
}

TEST_CASE("netsh end to end: bad input exits 2 with a location", "[netsh]") {
    TempDir dir;
    dir.write("bad.json", "[{\"Direction\": 1, ");
    dir.write("d2.yaml", std::string(kRoles) + "  - {name: j, config: bad.json, host: 10.10.1.10}\n");
    auto r = run_flowgap("audit '" + dir.path("d2.yaml") + "'");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("bad.json:1:1: error: invalid JSON") != std::string::npos);
}
