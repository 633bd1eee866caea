#include <catch2/catch.hpp>

#include "analysis/audit.hpp"
#include "tests/support/deployment.hpp"
#include "tests/support/e2e.hpp"
#include "tests/support/model.hpp"

using namespace flowgap::analysis;
using flowgap::testing::TempDir;
using namespace flowgap::testing;

namespace {

Firewall firewall(std::vector<Policy> policies) {
    Firewall fw;
    fw.format = "test";
    fw.policies = std::move(policies);
    return fw;
}

const FlowAtFirewall* result(const Audit& a, size_t firewall, std::string_view id) {
    for (const auto& r : a.results) {
        if (r.firewall == firewall && a.flows[r.flow].entry->id == id) return &r;
    }
    return nullptr;
}

const EndToEnd& e2e(const Audit& a, std::string_view id) {
    for (const auto& e : a.end_to_end) {
        if (a.flows[e.flow].entry->id == id) return e;
    }
    FAIL("no flow " << id);
    throw;
}

// Two firewalls: a router between servers (eth0) and branches (eth1), and a branch host.
struct Fixture {
    TempDir dir;
    Deployment d;
    std::string yaml;
    Fixture() {
        dir.write("router.rules", "");
        dir.write("host.rules", "");
        yaml = standard_deployment() + R"(firewalls:
  - name: router
    config: router.rules
    interfaces: {eth0: [10.10.1.0/24], eth1: [10.20.0.0/16], eth2: [10.99.0.0/24], eth3: [any]}
  - name: host
    config: host.rules
    host: 10.20.5.37
)";
        d = load_deployment(dir.write("d.yaml", yaml));
    }
};

}  // namespace

TEST_CASE("a host firewall sees its own packets through inbound and outbound policies", "[audit]") {
    Fixture f;
    Firewall router = firewall({policy(Direction::transit, Action::allow, {})});
    Firewall host = firewall({
        policy(Direction::inbound, Action::block,
               {rule("peers", Action::allow, tcp_to("10.20.5.0/25", "any", "17472"), 7)}),
        policy(Direction::outbound, Action::allow, {}),
    });
    Audit a = run_audit(f.d, {router, host});

    const FlowAtFirewall* peering = result(a, 1, "client-peering");
    REQUIRE(peering);
    CHECK(peering->verdict == Verdict::partial);
    // Only the host's LAN, both directions, never the host to itself.
    CHECK(peering->crossing.sources() == addr("10.20.5.0/24"));
    CHECK(!peering->crossing.contains(
        Packet{*Address::parse("10.20.5.37"), *Address::parse("10.20.5.37"), 6, 17472, 49152}));
    CHECK(peering->blocked.example()->str() == "tcp 10.20.5.128:49152 -> 10.20.5.37:17472");

    const FlowAtFirewall* to_server = result(a, 1, "client-to-server");
    REQUIRE(to_server);
    CHECK(to_server->verdict == Verdict::allowed);  // outbound, OUTPUT allows
    CHECK(to_server->crossing.sources() == addr("10.20.5.37"));
    CHECK(result(a, 1, "server-to-database") == nullptr);  // not the host's traffic
}

TEST_CASE("traffic behind one router interface does not cross it", "[audit]") {
    Fixture f;
    Firewall router = firewall({policy(Direction::transit, Action::block, {})});
    Firewall host = firewall(
        {policy(Direction::inbound, Action::allow, {}), policy(Direction::outbound, Action::allow, {})});
    Audit a = run_audit(f.d, {router, host});
    CHECK(result(a, 0, "server-to-database") == nullptr);  // both in eth0
    CHECK(result(a, 0, "client-peering") == nullptr);      // all peers behind eth1
    REQUIRE(result(a, 0, "client-to-server"));
    CHECK(result(a, 0, "client-to-server")->verdict == Verdict::blocked);
    CHECK(e2e(a, "server-to-database").verdict == Verdict::not_applicable);
    CHECK(!a.required_flows_allowed());
}

TEST_CASE("end to end a packet passes only if every firewall it crosses allows it", "[audit]") {
    Fixture f;
    // The router lets only 10.20.0.0/17 reach the server; the host lets everything out.
    Firewall router =
        firewall({policy(Direction::transit, Action::block,
                         {rule("clients", Action::allow, tcp_to("10.20.0.0/17", "10.10.1.10", "17472"), 3),
                          rule("console", Action::allow, tcp_to("10.99.0.0/24", "10.10.1.10", "443"), 4),
                          rule("web", Action::allow, tcp_to("10.10.1.0/24", "203.0.113.80", "80,443"), 5)})});
    Firewall host = firewall(
        {policy(Direction::inbound, Action::allow, {}), policy(Direction::outbound, Action::allow, {})});
    Audit a = run_audit(f.d, {router, host});

    const EndToEnd& c2s = e2e(a, "client-to-server");
    CHECK(c2s.verdict == Verdict::partial);
    CHECK(c2s.firewalls == std::vector<size_t>{0, 1});
    CHECK(c2s.blocked.example()->str() == "tcp 10.20.128.1:49152 -> 10.10.1.10:17472");
    CHECK(e2e(a, "console-to-server").verdict == Verdict::allowed);
    CHECK(e2e(a, "server-to-internet").verdict == Verdict::allowed);
    CHECK(e2e(a, "client-peering").verdict == Verdict::allowed);  // only the host sees peers, and allows them
    CHECK(!a.required_flows_allowed());
}

TEST_CASE("a conditional rule never makes a flow allowed", "[audit]") {
    Fixture f;
    Rule maybe = rule("app-id", Action::allow, FlowSpace::none(), 9);
    maybe.may_match = FlowSpace::all();
    maybe.conditions = {"App-ID classifies the traffic as tanium"};
    Firewall router = firewall({policy(Direction::transit, Action::block, {maybe})});
    Firewall host = firewall(
        {policy(Direction::inbound, Action::allow, {}), policy(Direction::outbound, Action::allow, {})});
    Audit a = run_audit(f.d, {router, host});
    const FlowAtFirewall* r = result(a, 0, "client-to-server");
    REQUIRE(r);
    CHECK(r->verdict == Verdict::conditional);
    CHECK(e2e(a, "client-to-server").verdict == Verdict::conditional);
}

TEST_CASE("a host-only configuration without `host:` is a located error", "[audit]") {
    Fixture f;
    Firewall host_only = firewall({policy(Direction::inbound, Action::allow, {})});
    try {
        run_audit(f.d, {host_only, host_only});
        FAIL("expected an error");
    } catch (const InputError& e) {
        CHECK(e.message() ==
              "firewall 'router': its config filters only the traffic of the host it runs on; say which "
              "host with `host:`");
        CHECK(e.location().line == line_of(f.yaml, "  - name: router"));  // the list entry
    }
}

TEST_CASE("a direction no policy filters lets everything through, with a note", "[audit]") {
    Fixture f;
    Firewall router = firewall({policy(Direction::transit, Action::allow, {})});
    Firewall host = firewall({policy(Direction::inbound, Action::block, {})});
    Audit a = run_audit(f.d, {router, host});
    const FlowAtFirewall* r = result(a, 1, "client-to-server");
    REQUIRE(r);
    CHECK(r->verdict == Verdict::allowed);
    CHECK(r->notes == std::vector<std::string>{"no rules filter outbound traffic in this configuration"});
}

TEST_CASE("rules limited to a program carry a flow only for that flow's program", "[audit]") {
    TempDir dir;
    dir.write("db.rules", "");
    Deployment d = load_deployment(dir.write(
        "d.yaml", standard_deployment() + "firewalls: [{name: db, config: db.rules, host: 10.10.1.30}]\n"));
    auto audit_with = [&](std::vector<std::string> programs) {
        Rule r = rule("sql", Action::allow, tcp_to("10.10.1.10", "10.10.1.30", "1433"), 4);
        r.programs = std::move(programs);
        Firewall fw = firewall(
            {policy(Direction::inbound, Action::block, {r}), policy(Direction::outbound, Action::allow, {})});
        return run_audit(d, {fw});
    };
    CHECK(e2e(audit_with({"sqlservr.exe"}), "server-to-database").verdict == Verdict::allowed);
    CHECK(e2e(audit_with({"postgres.exe"}), "server-to-database").verdict == Verdict::blocked);
    CHECK(e2e(audit_with({"postgres.exe", "sqlservr.exe"}), "server-to-database").verdict ==
          Verdict::allowed);

    // With no program known for the packets, a program-scoped rule only may carry them.
    Rule r = rule("sql", Action::allow, tcp_to("10.10.1.10", "10.10.1.30", "1433"), 4);
    r.programs = {"sqlservr.exe"};
    Policy p = policy(Direction::inbound, Action::block, {r});
    Evaluation ev = evaluate(p, tcp_to("10.10.1.10", "10.10.1.30", "1433"));
    CHECK(ev.verdict == Verdict::conditional);
    CHECK(evaluate(p, tcp_to("10.10.1.10", "10.10.1.30", "1433"), Context{"sqlservr.exe"}).verdict ==
          Verdict::allowed);
}

TEST_CASE("evaluating many packet sets in one pass gives what evaluating each gives", "[audit]") {
    Rule maybe = rule("maybe", Action::allow, FlowSpace::none(), 2);
    maybe.may_match = tcp_to("10.20.0.0/16", "any", "17472");
    Policy p = policy(Direction::transit, Action::block,
                      {rule("deny", Action::block, tcp_to("10.20.66.0/24", "any", "any"), 1), maybe,
                       rule("clients", Action::allow, tcp_to("10.20.0.0/17", "10.10.1.10", "17472"), 3),
                       rule("web", Action::allow, tcp_to("any", "10.10.1.0/24", "443"), 4)});
    std::vector<Query> queries = {{tcp_to("10.20.0.0/16", "10.10.1.10", "17472"), {}},
                                  {tcp_to("10.99.0.0/24", "10.10.1.10", "443"), {}},
                                  {FlowSpace::none(), {}},
                                  {tcp_to("10.20.66.0/24", "10.10.1.10", "443,17472"), {}}};
    auto many = evaluate_many(p, queries);
    REQUIRE(many.size() == queries.size());
    for (size_t i = 0; i < queries.size(); ++i) {
        INFO(i);
        Evaluation one = evaluate(p, queries[i].packets);
        CHECK(many[i].verdict == one.verdict);
        CHECK(many[i].allowed.same_as(one.allowed));
        CHECK(many[i].blocked.same_as(one.blocked));
        CHECK(many[i].conditional.same_as(one.conditional));
        REQUIRE(many[i].decisions.size() == one.decisions.size());
        for (size_t k = 0; k < one.decisions.size(); ++k)
            CHECK(many[i].decisions[k].rule == one.decisions[k].rule);
    }
    CHECK(many[0].verdict == Verdict::partial);
    CHECK(many[1].verdict == Verdict::allowed);
    CHECK(many[2].verdict == Verdict::not_applicable);
    CHECK(many[3].verdict == Verdict::blocked);
}
