// analysis::trace, the packet tracer behind `flowgap explain`, against the evaluator: for every
// firewall of the three fixture deployments, a trace must say what the audit says of the same
// packet. A tracer that disagrees with the audit would explain a verdict the tool never gave.
#include <catch2/catch.hpp>

#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "analysis/audit.hpp"
#include "analysis/trace.hpp"
#include "parsers/parse.hpp"
#include "src/report/explain.hpp"
#include "tests/support/e2e.hpp"
#include "tests/support/model.hpp"

using namespace flowgap::analysis;
using flowgap::testing::source_path;

namespace {

const char* const kDeployments[] = {"fixtures/demo/deployment.yaml", "fixtures/paloalto/deployment.yaml",
                                    "fixtures/netsh/deployment.yaml"};

struct Loaded {
    Deployment d;
    std::vector<Firewall> firewalls;
};

Loaded load(const std::string& relative) {
    Loaded l{load_deployment(source_path(relative)), {}};
    for (const auto& spec : l.d.firewalls)
        l.firewalls.push_back(flowgap::parsers::parse_firewall(spec));
    return l;
}

FlowSpace point(const Packet& p) {
    return FlowSpace::of(AddressSet::host(p.src), AddressSet::host(p.dst), ProtocolSet::single(p.proto),
                         PortSet::single(p.dport), PortSet::single(p.sport));
}

// The oracle, spelled out from shares() and evaluate() as run_audit combines them: in each
// direction every policy must allow a packet, and a direction no policy filters lets it through.
Verdict audit_verdict(const FirewallSpec& spec, const Firewall& fw, const Packet& p,
                      const std::string& program) {
    FlowSpace crossing, allowed, blocked;
    for (const auto& share : shares(spec, fw, point(p), program, program)) {
        FlowSpace share_allowed = share.packets, share_blocked;
        for (const auto& policy : fw.policies) {
            if (policy.direction != share.direction) continue;
            Evaluation ev = evaluate(policy, share.packets, share.context);
            share_allowed &= ev.allowed;
            share_blocked |= ev.blocked;
        }
        crossing |= share.packets;
        allowed |= share_allowed - share_blocked;
        blocked |= share_blocked;
    }
    return verdict_of(crossing, allowed, blocked);
}

// The steps must be the evaluator's decisions laid along the policy: a rule matches where it
// decides, may match where it may, and a first-match policy shows nothing after its decision.
void check_steps(const PolicyTrace& t, const Evaluation& ev) {
    const Rule* decides = nullptr;
    std::set<const Rule*> may;
    for (const auto& d : ev.decisions) {
        if (d.is_default) continue;
        if (d.conditional) may.insert(d.rule);
        if (!d.conditional) decides = d.rule;
    }
    const Rule* shown = nullptr;
    for (const auto& step : t.steps) {
        INFO(step.rule->name << " " << to_string(step.outcome));
        CHECK(shown == nullptr);  // nothing follows the deciding rule
        if (step.outcome == TraceStep::Outcome::matches) {
            CHECK(step.rule == decides);
            if (t.policy->combine == Combine::first_match) shown = step.rule;
        }
        CHECK((step.outcome == TraceStep::Outcome::may_match) == (may.count(step.rule) != 0));
        CHECK((step.outcome == TraceStep::Outcome::matches) == (step.rule == decides));
    }
    size_t defaults = 0;
    for (const auto& d : ev.decisions)
        defaults += d.is_default ? 1 : 0;
    CHECK(t.defaults.size() == defaults);
}

void check_packet(const FirewallSpec& spec, const Firewall& fw, const Packet& p, const std::string& program) {
    INFO(spec.name << ": " << p.str() << " program '" << program << "'");
    Trace t = trace(spec, fw, p, program);
    REQUIRE(t.verdict == audit_verdict(spec, fw, p, program));
    auto parts = shares(spec, fw, point(p), program, program);
    REQUIRE(t.filtered == !parts.empty());
    REQUIRE(t.shares.size() == parts.size());
    for (size_t i = 0; i < parts.size(); ++i) {
        size_t k = 0;
        for (const auto& policy : fw.policies) {
            if (policy.direction != parts[i].direction) continue;
            REQUIRE(k < t.shares[i].policies.size());
            const PolicyTrace& pt = t.shares[i].policies[k++];
            REQUIRE(pt.policy == &policy);
            Evaluation ev = evaluate(policy, parts[i].packets, parts[i].context);
            CHECK(pt.verdict == ev.verdict);
            check_steps(pt, ev);
        }
        CHECK(k == t.shares[i].policies.size());
    }
}

// A few addresses of a set: each interval's first, middle and last.
void add_addresses(const AddressSet& set, std::set<Address>& out) {
    const AddressSet v4 = set.v4_part();  // kept: the loop reads into it
    for (const auto& iv : v4.intervals().intervals()) {
        out.insert(Address{iv.lo});
        out.insert(Address{iv.lo + (iv.hi - iv.lo) / 2});
        out.insert(Address{iv.hi});
    }
}

// The ports the catalog asks for in this deployment (the first of each range), by protocol.
std::set<std::pair<uint32_t, uint32_t>> catalog_ports(const std::vector<Flow>& flows) {
    std::set<std::pair<uint32_t, uint32_t>> out;
    for (const auto& f : flows) {
        for (uint32_t proto : {protocol::tcp, protocol::udp}) {
            if (!f.space.protocols().contains(proto)) continue;
            const PortSet ports = f.space.dports();  // kept: the loop reads into it
            for (const auto& iv : ports.intervals().intervals())
                out.insert({proto, iv.lo});
        }
    }
    return out;
}

}  // namespace

TEST_CASE("trace: every packet of a grid gets the audit's verdict on every fixture firewall", "[trace]") {
    for (const char* file : kDeployments) {
        INFO(file);
        Loaded l = load(file);
        std::vector<Flow> flows = expand(l.d);
        std::set<Address> addresses;
        for (const auto& [name, set] : l.d.roles)
            add_addresses(l.d.role(name), addresses);
        for (const auto& lan : l.d.lans)
            add_addresses(lan, addresses);
        std::set<std::string> programs{""};
        for (const auto& f : flows) {
            programs.insert(f.from_program);
            programs.insert(f.to_program);
        }
        auto ports = catalog_ports(flows);
        for (size_t fi = 0; fi < l.firewalls.size(); ++fi) {
            const FirewallSpec& spec = l.d.firewalls[fi];
            std::set<Address> here = addresses;
            if (spec.host) add_addresses(*spec.host, here);
            for (const Address& src : here) {
                for (const Address& dst : here) {
                    if (src == dst) continue;
                    for (const auto& [proto, port] : ports) {
                        Packet p{src, dst, proto, port, 49152};
                        for (const auto& program : programs)
                            check_packet(spec, l.firewalls[fi], p, program);
                    }
                }
            }
        }
    }
}

// The audit's own sets, read back packet by packet: a packet the audit puts in a flow's allowed,
// blocked or conditional part at a firewall is traced to the same verdict there.
TEST_CASE("trace: packets from the audit's allowed, blocked and conditional sets trace the same", "[trace]") {
    for (const char* file : kDeployments) {
        INFO(file);
        Loaded l = load(file);
        Audit audit = run_audit(l.d, l.firewalls);
        size_t traced = 0;
        for (const auto& r : audit.results) {
            const FirewallSpec& spec = l.d.firewalls[r.firewall];
            const Flow& flow = audit.flows[r.flow];
            INFO(flow.entry->id << " at " << spec.name);
            for (const auto& [space, verdict] :
                 {std::pair{&r.allowed, Verdict::allowed}, std::pair{&r.blocked, Verdict::blocked},
                  std::pair{&r.conditional, Verdict::conditional}}) {
                for (const Box& box : space->boxes()) {
                    auto p = FlowSpace::of(box).example();
                    if (!p) continue;
                    // The audit gives inbound packets the receiving program, outbound ones the sender.
                    std::string program;
                    if (spec.host && spec.host->contains(p->dst))
                        program = flow.to_program;
                    else if (spec.host && spec.host->contains(p->src))
                        program = flow.from_program;
                    INFO(p->str() << " program '" << program << "'");
                    CHECK(trace(spec, l.firewalls[r.firewall], *p, program).verdict == verdict);
                    ++traced;
                }
            }
        }
        CHECK(traced > 0);
    }
}

TEST_CASE("trace: the JSON writer masks secrets in rule names", "[trace]") {
    using namespace flowgap::testing;
    Firewall fw;
    fw.format = "test";
    fw.policies.push_back(
        policy(Direction::transit, Action::block,
               {rule("db password=hunter2", Action::allow, tcp_to("10.0.0.0/8", "10.10.1.10", "1433"), 7)}));
    FirewallSpec spec;
    spec.name = "fw";
    Packet p{*Address::parse("10.1.2.3"), *Address::parse("10.10.1.10"), protocol::tcp, 1433, 49152};
    Trace t = trace(spec, fw, p, "");
    REQUIRE(t.verdict == Verdict::allowed);
    std::ostringstream s;
    flowgap::report::write_explain_json(s, spec, fw, t);
    auto j = nlohmann::json::parse(s.str());
    const auto& step = j["directions"][0]["policies"][0]["steps"][0];
    CHECK(step["outcome"] == "matches");
    CHECK(step["rule"].get<std::string>().find("hunter2") == std::string::npos);
    CHECK(s.str().find("hunter2") == std::string::npos);
    CHECK(j["verdict"] == "allowed");
}

namespace {

// A host firewall (10.10.1.10) with one block-wins inbound policy (Windows) of `rules`, blocking
// by default, and the trace of one TCP packet from 10.1.2.3 to it, port 1433.
struct BlockWins {
    Firewall fw;
    FirewallSpec spec;
    Trace t;
    BlockWins(std::vector<Rule> rules, const std::string& program) {
        fw.format = "test";
        fw.policies.push_back(flowgap::testing::policy(Direction::inbound, Action::block, std::move(rules)));
        fw.policies.back().combine = Combine::block_wins;
        spec.name = "fw";
        spec.host = flowgap::testing::addr("10.10.1.10");
        Packet p{*Address::parse("10.1.2.3"), *Address::parse("10.10.1.10"), protocol::tcp, 1433, 49152};
        t = trace(spec, fw, p, program);
    }
    const std::vector<TraceStep>& steps() const { return t.shares.at(0).policies.at(0).steps; }
};

}  // namespace

// The old walk in src/cli/explain.cpp said "matches, then allow, but a matching block rule wins"
// of the second rule here, while the verdict was allowed: no block rule held the packet.
TEST_CASE("trace: a block-wins rule that matches after another took the packet names that rule", "[trace]") {
    using flowgap::testing::rule;
    using flowgap::testing::tcp_to;
    SECTION("two allow rules: the first takes it, the verdict is allowed") {
        BlockWins b({rule("first", Action::allow, tcp_to("10.0.0.0/8", "10.10.1.10", "1433"), 3),
                     rule("second", Action::allow, tcp_to("10.1.0.0/16", "10.10.1.10", "1433"), 4)},
                    "");
        CHECK(b.t.verdict == Verdict::allowed);
        REQUIRE(b.steps().size() == 2);
        CHECK(b.steps()[0].outcome == TraceStep::Outcome::matches);
        CHECK(b.steps()[1].outcome == TraceStep::Outcome::overridden);
        CHECK(b.steps()[1].why == "first (<input>:3) takes it first");
    }
    SECTION("an allow rule loses to a block rule written after it") {
        BlockWins b({rule("allow", Action::allow, tcp_to("10.0.0.0/8", "10.10.1.10", "1433"), 3),
                     rule("block", Action::block, tcp_to("10.1.0.0/16", "10.10.1.10", "any"), 4),
                     rule("block again", Action::block, tcp_to("10.1.2.3", "10.10.1.10", "1433"), 5)},
                    "");
        CHECK(b.t.verdict == Verdict::blocked);
        REQUIRE(b.steps().size() == 3);
        CHECK(b.steps()[0].outcome == TraceStep::Outcome::overridden);
        CHECK(b.steps()[0].why == "a matching block rule wins");
        CHECK(b.steps()[1].outcome == TraceStep::Outcome::matches);
        // The second block rule matches too; it was not "no match".
        CHECK(b.steps()[2].outcome == TraceStep::Outcome::overridden);
        CHECK(b.steps()[2].why == "block (<input>:4) takes it first");
    }
}

// The old walk said "no match: no part of the rule matches this combination" of a rule the
// packet lies in, when the rule is for another program.
TEST_CASE("trace: a rule for another program misses because of the program", "[trace]") {
    auto r = flowgap::testing::rule("sql", Action::allow,
                                    flowgap::testing::tcp_to("10.0.0.0/8", "10.10.1.10", "1433"), 3);
    r.programs = {"sqlservr.exe"};
    BlockWins b({r}, "other.exe");
    CHECK(b.t.verdict == Verdict::blocked);
    REQUIRE(b.steps().size() == 1);
    CHECK(b.steps()[0].outcome == TraceStep::Outcome::no_match);
    CHECK(b.steps()[0].why == "program is sqlservr.exe");

    BlockWins unknown({r}, "");  // without --program the rule only may match
    CHECK(unknown.t.verdict == Verdict::conditional);
    CHECK(unknown.steps()[0].outcome == TraceStep::Outcome::may_match);
}
