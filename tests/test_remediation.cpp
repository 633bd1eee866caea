// Remediation commands are tested by applying them: patch the config the way the command would,
// parse it again with the project's own parser, audit again, and check that the flow is now
// allowed and that no new exposure appeared.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "analysis/checks.hpp"
#include "analysis/remediation.hpp"
#include "parsers/parse.hpp"
#include "parsers/vendors.hpp"
#include "tests/support/e2e.hpp"

using namespace flowgap::analysis;
using flowgap::parsers::vendor_named;
using flowgap::testing::read_file;
using flowgap::testing::TempDir;

namespace {

struct Run {
    Deployment d;
    std::vector<Firewall> firewalls;
    Audit audit;
    std::vector<Finding> findings;
};

Run audit_of(const std::string& deployment) {
    Run r;
    r.d = load_deployment(deployment);
    for (const auto& spec : r.d.firewalls)
        r.firewalls.push_back(flowgap::parsers::parse_firewall(spec));
    r.audit = run_audit(r.d, r.firewalls);
    r.findings = run_checks(r.d, r.firewalls, r.audit);
    return r;
}

Verdict verdict(const Run& r, std::string_view flow) {
    for (const auto& e : r.audit.end_to_end) {
        if (r.audit.flows[e.flow].entry->id == flow) return e.verdict;
    }
    return Verdict::not_applicable;
}

std::set<std::string> exposures(const Run& r) {
    std::set<std::string> out;
    // Info findings are advice (plain-http-egress on a flow the catalog needs), not exposures.
    for (const auto& f : r.findings) {
        if (f.severity > Severity::info)
            out.insert(f.check + " " + r.d.firewalls[f.firewall].name + " " + f.rule->name);
    }
    return out;
}

// The commands for every fix, grouped by firewall name.
std::map<std::string, std::vector<std::string>> fixes_of(const Run& r) {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& fix : plan_fixes(r.audit)) {
        auto remedy = vendor_named(r.firewalls[fix.firewall].format)->fix(fix, r.audit.flows[fix.flow]);
        auto& list = out[r.d.firewalls[fix.firewall].name];
        list.insert(list.end(), remedy.commands.begin(), remedy.commands.end());
    }
    return out;
}

// Applies `iptables -I CHAIN N ARGS` / `iptables -A CHAIN ARGS` to an iptables-save dump's
// filter table, as iptables would before the next iptables-save.
std::string apply_iptables(const std::string& dump, const std::string& command) {
    std::istringstream cmd(command);
    std::string tool, op, chain;
    cmd >> tool >> op >> chain;
    size_t n = 0;
    if (op == "-I") cmd >> n;
    std::string rest;
    std::getline(cmd, rest);
    std::string line = "-A " + chain + rest;
    std::vector<std::string> lines;
    std::istringstream in(dump);
    for (std::string l; std::getline(in, l);)
        lines.push_back(l);
    size_t filter = 0, seen = 0, insert_at = 0;
    for (size_t i = 0; i < lines.size(); ++i) {
        if (lines[i] == "*filter") filter = i;
        if (filter == 0 || i < filter) continue;
        if (lines[i].rfind("-A " + chain + " ", 0) == 0) {
            if (op == "-I" && ++seen == n) {
                insert_at = i;
                break;
            }
            insert_at = i + 1;
        }
        if (lines[i] == "COMMIT" && insert_at == 0) insert_at = i;
        if (lines[i] == "COMMIT") break;
    }
    lines.insert(lines.begin() + static_cast<long>(insert_at), line);
    std::string out;
    for (const auto& l : lines)
        out += l + "\n";
    return out;
}

}  // namespace

TEST_CASE("iptables fixes, applied to the demo dumps, let the flows through and expose nothing new",
          "[remediation]") {
    Run before = audit_of(flowgap::testing::source_path("fixtures/demo/deployment.yaml"));
    REQUIRE(verdict(before, "client-to-server") == Verdict::partial);
    auto fixes = fixes_of(before);
    const auto& router = fixes["core-router"];
    for (const auto& c : router)
        UNSCOPED_INFO(c);
    CHECK(
        std::find(router.begin(), router.end(),
                  "iptables -A FORWARD -s 10.20.66.0/24 -d 10.10.1.10 -p tcp -m tcp --dport 17472 -m comment "
                  "--comment \"flowgap: client-to-server\" -j ACCEPT") != router.end());
    CHECK(
        std::find(
            router.begin(), router.end(),
            "iptables -A FORWARD -s 10.10.1.20 -d 203.0.113.80 -p tcp -m tcp --dport 80 -m comment --comment "
            "\"flowgap: module-to-internet\" -j ACCEPT") != router.end());
    REQUIRE(fixes["branch-linux-37"].size() == 1);
    CHECK(fixes["branch-linux-37"][0].rfind("iptables -A INPUT -s 10.20.5.128/25 -d 10.20.5.37 -p tcp", 0) ==
          0);

    TempDir dir;
    for (const auto& [name, file] :
         {std::pair{std::string("core-router"), std::string("core-router.rules")},
          std::pair{std::string("branch-linux-37"), std::string("branch-linux-37.rules")}}) {
        std::string dump = read_file(flowgap::testing::source_path("fixtures/demo/" + file));
        for (const auto& c : fixes[name])
            dump = apply_iptables(dump, c);
        dir.write(file, dump);
    }
    dir.write("deployment.yaml", read_file(flowgap::testing::source_path("fixtures/demo/deployment.yaml")));
    Run after = audit_of(dir.path("deployment.yaml"));
    for (const char* flow :
         {"client-to-server", "client-peering", "module-to-internet", "console-to-server"}) {
        INFO(flow);
        CHECK(verdict(after, flow) == Verdict::allowed);
    }
    CHECK(after.audit.required_flows_allowed());
    auto old = exposures(before);
    for (const auto& e : exposures(after)) {
        INFO(e);
        CHECK(old.count(e) == 1);
    }
}

TEST_CASE("PAN-OS set commands, appended to a set-format config, fix a shadowed flow and an App-ID rule",
          "[remediation]") {
    TempDir dir;
    // One leaf per line, as PAN-OS prints set commands.
    std::string config = "set service tcp-17472 protocol tcp port 17472\n";
    auto rule = [&](const char* name, std::initializer_list<std::pair<const char*, const char*>> leaves) {
        for (const auto& [leaf, value] : leaves) {
            config += fmt::format("set rulebase security rules {} {} {}\n", name, leaf, value);
        }
    };
    rule("deny-guests", {{"from", "any"},
                         {"to", "any"},
                         {"source", "10.20.66.0/24"},
                         {"destination", "any"},
                         {"service", "any"},
                         {"application", "any"},
                         {"action", "deny"}});
    rule("clients", {{"from", "any"},
                     {"to", "any"},
                     {"source", "10.20.0.0/16"},
                     {"destination", "10.10.1.10"},
                     {"service", "tcp-17472"},
                     {"application", "any"},
                     {"action", "allow"}});
    rule("console", {{"from", "any"},
                     {"to", "any"},
                     {"source", "10.99.0.0/24"},
                     {"destination", "10.10.1.10"},
                     {"service", "application-default"},
                     {"application", "ssl"},
                     {"action", "allow"}});
    rule("deny-rest", {{"from", "any"},
                       {"to", "any"},
                       {"source", "any"},
                       {"destination", "any"},
                       {"service", "any"},
                       {"application", "any"},
                       {"action", "deny"}});
    dir.write("fw.txt", config);
    std::string deployment =
        dir.write("d.yaml",
                  "roles: {server: [10.10.1.10], module_server: [10.10.1.20], database: "
                  "[10.10.1.30], console: [10.99.0.0/24], endpoints: [10.20.0.0/16]}\n"
                  "airgapped: true\n"
                  "firewalls: [{name: pan, config: fw.txt, format: paloalto, zones: {trust: "
                  "[10.0.0.0/8], untrust: [any]}}]\n");
    Run before = audit_of(deployment);
    REQUIRE(verdict(before, "client-to-server") == Verdict::partial);
    REQUIRE(verdict(before, "console-to-server") == Verdict::conditional);

    auto fixes = fixes_of(before);
    const auto& pan = fixes["pan"];
    CHECK(std::find(pan.begin(), pan.end(),
                    "move rulebase security rules flowgap-client-to-server-1 before \"deny-guests\"") !=
          pan.end());
    std::string patched = config;
    for (const auto& c : pan)
        patched += c + "\n";
    const Finding* app = nullptr;
    for (const auto& f : before.findings) {
        if (f.check == "app-id-rule") app = &f;
    }
    REQUIRE(app);
    CHECK(app->rule->name == "console");
    auto remedy = vendor_named("paloalto")->replace_app_rule(*app);
    CHECK(std::find(remedy.commands.begin(), remedy.commands.end(),
                    "set service tcp-443 protocol tcp port 443") != remedy.commands.end());
    CHECK(
        remedy.xml.find("<entry name=\"tcp-443\"><protocol><tcp><port>443</port></tcp></protocol></entry>") !=
        std::string::npos);
    for (const auto& c : remedy.commands)
        patched += c + "\n";
    dir.write("fw.txt", patched);

    Run after = audit_of(deployment);
    CHECK(verdict(after, "client-to-server") == Verdict::allowed);
    CHECK(verdict(after, "console-to-server") == Verdict::allowed);
    for (const auto& f : after.findings) {
        INFO(f.message);
        CHECK(f.check != "app-id-rule");
    }
    auto old = exposures(before);
    for (const auto& e : exposures(after)) {
        INFO(e);
        CHECK(old.count(e) == 1);
    }
}

TEST_CASE("a netsh block rule that defeats an allow is narrowed, and the database flow gets through",
          "[remediation]") {
    TempDir dir;
    std::string script =
        "netsh advfirewall set allprofiles firewallpolicy blockinbound,allowoutbound\n"
        "netsh advfirewall firewall add rule name=\"SQL\" dir=in action=allow protocol=TCP localport=1433 "
        "program=\"C:\\Program Files\\Microsoft SQL Server\\MSSQL\\Binn\\sqlservr.exe\"\n"
        "netsh advfirewall firewall add rule name=\"Block datacenter SQL\" dir=in action=block protocol=TCP "
        "localport=1433 remoteip=10.10.0.0/16\n";
    dir.write("db.cmd", script);
    std::string deployment = dir.write("d.yaml",
                                       "roles: {server: [10.10.1.10], module_server: [10.10.1.20], database: "
                                       "[10.10.1.30], console: [10.99.0.0/24], endpoints: [10.20.0.0/16]}\n"
                                       "firewalls: [{name: db, config: db.cmd, host: 10.10.1.30}]\n");
    Run before = audit_of(deployment);
    REQUIRE(verdict(before, "server-to-database") == Verdict::blocked);
    auto fixes = fixes_of(before);
    const auto& db = fixes["db"];
    REQUIRE(!db.empty());
    CHECK(db[0] == "netsh advfirewall firewall delete rule name=\"Block datacenter SQL\"");
    std::string patched = script;
    for (const auto& c : db)
        patched += c + "\n";
    dir.write("db.cmd", patched);

    Run after = audit_of(deployment);
    CHECK(verdict(after, "server-to-database") == Verdict::allowed);
    auto old = exposures(before);
    for (const auto& e : exposures(after)) {
        INFO(e);
        CHECK(old.count(e) == 1);
    }
}
