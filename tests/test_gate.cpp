// The gate (analysis/gate.cpp): which facts of an audit fail a CI run at a severity threshold,
// and how waivers take findings and required flows out of it, through run_gate on parsed
// fixtures and hand-built firewalls.
#include <catch2/catch.hpp>

#include "analysis/gate.hpp"
#include "tests/support/deployment.hpp"
#include "tests/support/e2e.hpp"
#include "tests/support/iptables.hpp"
#include "tests/support/model.hpp"

using namespace flowgap::analysis;
using namespace flowgap::testing;

namespace {

// An audit and its findings, kept in place: gate items point into them and into the waivers.
struct Audited {
    Deployment d;
    std::vector<Firewall> firewalls;
    Audit audit;
    std::vector<Finding> findings;
    std::vector<Waiver> waivers;

    Audited(Deployment deployment, std::vector<Firewall> fws)
        : d(std::move(deployment)),
          firewalls(std::move(fws)),
          audit(run_audit(d, firewalls)),
          findings(run_checks(d, firewalls, audit)) {}
    Audited(const Audited&) = delete;

    Gate gate(Severity fail_on, const std::string& waiver_yaml = "", Date today = {2026, 6, 1}) {
        waivers = parse_waivers("w.yaml", waiver_yaml);
        return run_gate(d, audit, findings, waivers, fail_on, today);
    }
};

// fixtures/gate: one router that allows exactly the Tanium flows. Its findings are a medium
// (cross-lan-peering, FORWARD#1) and two infos (plain-http-egress, FORWARD#7 and FORWARD#8).
Audited gate_fixture() {
    return Audited(load_deployment(source_path("fixtures/gate/deployment.yaml")),
                   {iptables::parse(read_file(source_path("fixtures/gate/router.rules")))});
}

// The standard deployment behind one router, `core`, whose rules are written by hand.
Audited behind_router(std::vector<Rule> rules) {
    TempDir dir;
    dir.write("core.rules", "");
    Deployment d = load_deployment(
        dir.write("d.yaml", standard_deployment() + "firewalls:\n  - {name: core, config: core.rules}\n"));
    Firewall fw;
    fw.policies.push_back(policy(Direction::transit, Action::block, std::move(rules)));
    return Audited(std::move(d), {fw});
}

std::string waiver(const std::string& check, const std::string& rule, const std::string& expires,
                   const std::string& firewall = "core") {
    return "  - {check: " + check + ", firewall: " + firewall + ", rule: '" + rule +
           "', reason: accepted, expires: " + expires + "}\n";
}

std::string flow_waiver(const std::string& flow, const std::string& expires,
                        const std::string& firewall = "core") {
    return "  - {flow: " + flow + ", firewall: " + firewall + ", reason: accepted, expires: " + expires +
           "}\n";
}

// The gate's items as "check rule-or-flow" lines, marked when failing or waived.
std::vector<std::string> listed(const Gate& g, const Audit& audit) {
    std::vector<std::string> out;
    for (const auto& i : g.items) {
        std::string what = i.kind == GateItem::Kind::flow ? std::string(audit.flows[i.flow->flow].entry->id)
                           : i.kind == GateItem::Kind::finding ? i.finding->rule->name
                                                               : i.waiver->rule + i.waiver->flow;
        out.push_back(i.check + " " + what + (i.fails ? " FAILS" : "") + (i.waived ? " waived" : ""));
    }
    return out;
}

}  // namespace

TEST_CASE("the gate fails the findings at or above the --fail-on threshold", "[gate]") {
    Audited a = gate_fixture();
    REQUIRE(a.audit.required_flows_allowed());
    using L = std::vector<std::string>;
    Gate high = a.gate(Severity::high);
    CHECK(high.passed());
    CHECK(listed(high, a.audit) ==
          L{"cross-lan-peering FORWARD#1", "plain-http-egress FORWARD#7", "plain-http-egress FORWARD#8"});
    CHECK(a.gate(Severity::critical).passed());
    Gate medium = a.gate(Severity::medium);
    CHECK_FALSE(medium.passed());
    CHECK(medium.failing() == 1);
    CHECK(listed(medium, a.audit)[0] == "cross-lan-peering FORWARD#1 FAILS");
    CHECK(a.gate(Severity::low).failing() == 1);
    Gate info = a.gate(Severity::info);
    CHECK(info.failing() == 3);
    CHECK(info.fail_on == Severity::info);
    for (const auto& f : a.findings) {
        const GateItem* item = info.item_for(f);
        REQUIRE(item);
        CHECK(item->finding == &f);
        CHECK(item->severity == f.severity);
    }
    CHECK(parse_severity("medium") == Severity::medium);
    CHECK_FALSE(parse_severity("severe"));
}

TEST_CASE("a required flow that is blocked, partial or conditional is a high gate item", "[gate]") {
    Rule app_id = rule("app-id", Action::allow, FlowSpace::none());
    app_id.may_match = tcp_to("10.99.0.0/24", "10.10.1.10", "443");
    app_id.conditions = {"App-ID classifies the traffic as ssl"};
    Audited a = behind_router({
        rule("half-the-clients", Action::allow, tcp_to("10.20.0.0/17", "10.10.1.10", "17472")),
        app_id,
        rule("sql", Action::allow, tcp_to("10.10.1.10", "10.10.1.30", "1433")),
    });
    Gate g = a.gate(Severity::high);
    std::map<std::string, Verdict> items;
    for (const auto& i : g.items) {
        if (i.kind != GateItem::Kind::flow) continue;
        CHECK(i.check == "required-flow");
        CHECK(i.severity == Severity::high);
        CHECK(i.fails);
        CHECK(g.item_for(*i.flow) == &i);
        items[std::string(a.audit.flows[i.flow->flow].entry->id)] = i.flow->verdict;
    }
    CHECK(items == std::map<std::string, Verdict>{{"client-to-server", Verdict::partial},
                                                  {"client-peering", Verdict::blocked},
                                                  {"console-to-server", Verdict::conditional},
                                                  {"server-to-module", Verdict::blocked},
                                                  {"module-to-server", Verdict::blocked},
                                                  {"server-to-internet", Verdict::blocked},
                                                  {"module-to-internet", Verdict::blocked}});
    CHECK(g.failing() == 7);
    // Severity high: a stricter threshold than high lets the flows through.
    CHECK(a.gate(Severity::critical).passed());
}

TEST_CASE("waivers are active through their expiry day, then expired; one that matches nothing is stale",
          "[gate]") {
    Audited a = gate_fixture();
    std::string file = "waivers:\n" + waiver("cross-lan-peering", "FORWARD#1", "2026-06-01") +
                       waiver("plain-http-egress", "FORWARD#7", "2026-05-31") +
                       waiver("plain-http-egress", "FORWARD#9", "2027-01-01");
    Gate g = a.gate(Severity::info, file, Date{2026, 6, 1});
    // Waived items stay listed; expired and stale waivers become items of their own.
    CHECK(listed(g, a.audit) ==
          std::vector<std::string>{"cross-lan-peering FORWARD#1 waived", "plain-http-egress FORWARD#7 FAILS",
                                   "plain-http-egress FORWARD#8 FAILS", "expired-waiver FORWARD#7 FAILS",
                                   "stale-waiver FORWARD#9 FAILS"});
    CHECK(g.waived() == 1);
    CHECK(g.failing() == 4);
    CHECK(g.items[0].waiver == &a.waivers[0]);
    CHECK(g.items[3].severity == Severity::medium);
    CHECK(g.items[4].severity == Severity::low);
    REQUIRE(g.waivers.size() == 3);
    CHECK(g.waivers[0].state == WaiverState::active);
    CHECK(g.waivers[0].matched == 1);
    CHECK(g.waivers[1].state == WaiverState::expired);
    CHECK(g.waivers[1].matched == 1);
    CHECK(g.waivers[2].state == WaiverState::stale);
    CHECK(g.waivers[2].matched == 0);
    CHECK(to_string(g.waivers[2].state) == "stale");

    // A day later the first waiver has expired too, and no longer waives.
    Gate later = a.gate(Severity::medium, file, Date{2026, 6, 2});
    CHECK(later.waived() == 0);
    CHECK(later.waivers[0].state == WaiverState::expired);
    CHECK(listed(later, a.audit)[0] == "cross-lan-peering FORWARD#1 FAILS");
    // At --fail-on medium an expired waiver fails the gate, a stale one does not.
    CHECK(later.failing() == 3);
}

TEST_CASE("of several waivers for one item, the first active one in file order waives it", "[gate]") {
    Audited a = gate_fixture();
    Gate g = a.gate(Severity::info, "waivers:\n" + waiver("plain-http-egress", "FORWARD#8", "2026-01-01") +
                                        waiver("plain-http-egress", "FORWARD#8", "2027-01-01") +
                                        waiver("plain-http-egress", "FORWARD#8", "2028-01-01"));
    const GateItem* item = g.item_for(a.findings[2]);
    REQUIRE(item);
    REQUIRE(item->finding->rule->name == "FORWARD#8");
    CHECK(item->waived);
    CHECK(item->waiver == &a.waivers[1]);
    // The later waiver names the item too: it is active, not stale, though it waives nothing.
    CHECK(g.waivers[2].state == WaiverState::active);
    CHECK(g.waivers[2].matched == 1);
    CHECK(g.waivers[0].state == WaiverState::expired);
}

TEST_CASE("a waiver matches only its own check, firewall and rule or flow", "[gate]") {
    Audited a = behind_router({rule("sql", Action::allow, tcp_to("10.10.1.10", "10.10.1.30", "1433"))});
    std::string file = "waivers:\n" + flow_waiver("client-to-server", "2027-01-01") +
                       flow_waiver("console-to-server", "2027-01-01", "edge") +
                       waiver("exposed-database", "sql", "2027-01-01");
    Gate g = a.gate(Severity::high, file);
    std::vector<std::string> waived;
    for (const auto& i : g.items) {
        if (i.waived) waived.push_back(i.check + " " + std::string(a.audit.flows[i.flow->flow].entry->id));
    }
    CHECK(waived == std::vector<std::string>{"required-flow client-to-server"});
    CHECK(g.waivers[0].state == WaiverState::active);
    CHECK(g.waivers[1].state == WaiverState::stale);  // no firewall `edge`
    CHECK(g.waivers[2].state == WaiverState::stale);  // `sql` admits only the Tanium Server: no finding
    CHECK(g.failing() == 6);                          // the other six blocked flows; stale waivers are low
}

TEST_CASE("a waiver names an iptables rule by its full name or by CHAIN#N alone", "[gate]") {
    TempDir dir;
    dir.write("core.rules", "");
    Deployment d = load_deployment(
        dir.write("d.yaml", standard_deployment() + "firewalls:\n  - {name: core, config: core.rules}\n"));
    Audited a(std::move(d), {iptables::parse(R"(*filter
:FORWARD DROP [0:0]
-A FORWARD -s 10.20.0.0/16 -d 10.10.1.10/32 -p tcp -m tcp --dport 17472 -j ACCEPT
-A FORWARD -s 10.10.1.10/32 -d 203.0.113.80/32 -p tcp -m multiport --dports 80,443 -m comment --comment "updates, CHG-1042" -j ACCEPT
COMMIT
)")});
    REQUIRE(a.findings.size() == 1);
    REQUIRE(a.findings[0].rule->name == "FORWARD#2 (updates, CHG-1042)");
    for (const std::string name : {"FORWARD#2", "FORWARD#2 (updates, CHG-1042)"}) {
        INFO(name);
        Gate g = a.gate(Severity::info, "waivers:\n" + waiver("plain-http-egress", name, "2027-01-01"));
        CHECK(g.item_for(a.findings[0])->waived);
        CHECK(g.waivers[0].state == WaiverState::active);
    }
    for (const std::string name : {"FORWARD#1", "FORWARD#2 (updates)", "FORWARD"}) {
        INFO(name);
        Gate g = a.gate(Severity::info, "waivers:\n" + waiver("plain-http-egress", name, "2027-01-01"));
        CHECK_FALSE(g.item_for(a.findings[0])->waived);
        CHECK(g.waivers[0].state == WaiverState::stale);
    }
}
