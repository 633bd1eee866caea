// evaluate() against a direct simulation of each combining rule over a small packet universe
// (see tests/support/universe.hpp), plus readable hand-written policies.
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "analysis/evaluate.hpp"
#include "tests/support/universe.hpp"

using namespace flowgap::testing::universe;
using flowgap::analysis::Action;
using flowgap::analysis::Combine;
using flowgap::analysis::Decision;
using flowgap::analysis::Evaluation;
using flowgap::analysis::Policy;
using flowgap::analysis::Rule;
using flowgap::analysis::Verdict;
using flowgap::analysis::verdict_of;
namespace protocol = flowgap::analysis::protocol;

namespace {

// A packet's fate: which of allow and block some resolution of the undecidable conditions
// (and of rules whose action is unknown) leads to.
struct Fate {
    bool allow = false, block = false;
    void add(Action a) {
        allow = allow || a != Action::block;
        block = block || a != Action::allow;
    }
};

struct Model {
    Policy policy;
    flowgap::analysis::Context context;
    // Per rule, what it matches for the context's program: a rule for another program matches
    // nothing, and when the program is unknown a program-scoped rule matches only possibly.
    std::vector<Bits> match, may;
};

// First match, by branching: a certain match decides; a possible match either decides or
// passes the packet on.
void first_match(const Model& m, size_t i, size_t from, Fate& fate) {
    for (size_t r = from; r < m.policy.rules.size(); ++r) {
        const Rule& rule = m.policy.rules[r];
        if (m.match[r].test(i)) {
            fate.add(rule.action);
            return;
        }
        if (m.may[r].test(i)) {
            fate.add(rule.action);                  // the condition holds
            return first_match(m, i, r + 1, fate);  // it does not
        }
    }
    fate.add(m.policy.default_rule.action);
}

// Block wins, by its definition over every assignment of the conditions: any matching block
// rule decides, else any matching allow rule, else the default. A rule of unknown action may
// act as either.
Fate block_wins(const Model& m, size_t i) {
    std::vector<size_t> maybe;
    for (size_t r = 0; r < m.policy.rules.size(); ++r) {
        if (m.may[r].test(i)) maybe.push_back(r);
    }
    Fate fate;
    for (uint32_t choice = 0; choice < (1u << maybe.size()); ++choice) {
        bool block = false, allow = false, unknown = false;
        auto take = [&](const Rule& r) {
            block = block || r.action == Action::block;
            allow = allow || r.action == Action::allow;
            unknown = unknown || r.action == Action::unknown;
        };
        for (size_t r = 0; r < m.policy.rules.size(); ++r) {
            if (m.match[r].test(i)) take(m.policy.rules[r]);
        }
        for (size_t k = 0; k < maybe.size(); ++k) {
            if (choice >> k & 1u) take(m.policy.rules[maybe[k]]);
        }
        if (block) {
            fate.add(Action::block);
        } else if (unknown) {
            fate.add(Action::unknown);
        } else if (allow) {
            fate.add(Action::allow);
        } else {
            fate.add(m.policy.default_rule.action);
        }
    }
    return fate;
}

Action random_action(std::mt19937& rng) {
    int k = std::uniform_int_distribution<int>(0, 5)(rng);
    return k < 3 ? Action::allow : k < 5 ? Action::block : Action::unknown;
}

Model random_model(std::mt19937& rng, Combine combine) {
    Model m;
    m.policy.combine = combine;
    const char* programs[] = {"", "a.exe", "c.exe"};
    m.context.program = programs[std::uniform_int_distribution<int>(0, 2)(rng)];
    int n = std::uniform_int_distribution<int>(0, 6)(rng);
    m.policy.rules.resize(static_cast<size_t>(n));
    for (int r = 0; r < n; ++r) {
        Rule& rule = m.policy.rules[static_cast<size_t>(r)];
        rule.name = "rule" + std::to_string(r);
        rule.action = random_action(rng);
        auto [match, match_bits] = random_space(rng, 2);
        rule.match = match;
        Bits may_bits;
        if (std::bernoulli_distribution(0.5)(rng)) {
            auto [may, mb] = random_space(rng, 2);
            rule.may_match = may - match;  // the two are disjoint by contract
            may_bits = mb & ~match_bits;
        }
        int scope = std::uniform_int_distribution<int>(0, 5)(rng);
        if (scope == 4) rule.programs = {"a.exe"};
        if (scope == 5) rule.programs = {"b.exe", "a.exe"};
        if (!rule.programs.empty() && m.context.program != "a.exe") {
            if (m.context.program.empty()) {
                may_bits |= match_bits;
            } else {
                may_bits.reset();
            }
            match_bits.reset();
        }
        m.match.push_back(match_bits);
        m.may.push_back(may_bits);
    }
    m.policy.default_rule.name = "default";
    m.policy.default_rule.action = std::bernoulli_distribution(0.5)(rng) ? Action::allow : Action::block;
    m.policy.default_rule.match = FlowSpace::all();
    return m;
}

Verdict expected_verdict(const Bits& flow, const Bits& allowed, const Bits& blocked) {
    if (flow.none()) return Verdict::not_applicable;
    if ((flow & ~allowed).none()) return Verdict::allowed;
    if ((flow & ~blocked).none()) return Verdict::blocked;
    if ((flow & blocked).any()) return Verdict::partial;
    return Verdict::conditional;
}

Verdict check_policy(const Model& m, const FlowSpace& flow, const Bits& flow_bits) {
    const Policy& policy = m.policy;
    Evaluation ev = evaluate(policy, flow, m.context);
    Bits allowed, blocked, conditional;
    for (size_t i = 0; i < kPackets; ++i) {
        if (!flow_bits.test(i)) continue;
        Fate fate;
        if (policy.combine == Combine::first_match) {
            first_match(m, i, 0, fate);
        } else {
            fate = block_wins(m, i);
        }
        if (fate.allow && !fate.block) allowed.set(i);
        if (fate.block && !fate.allow) blocked.set(i);
        if (fate.allow && fate.block) conditional.set(i);
    }
    REQUIRE(difference(bits_of(ev.allowed), allowed) == "");
    REQUIRE(difference(bits_of(ev.blocked), blocked) == "");
    REQUIRE(difference(bits_of(ev.conditional), conditional) == "");
    REQUIRE(ev.verdict == expected_verdict(flow_bits, allowed, blocked));
    REQUIRE(ev.verdict == verdict_of(flow, ev.allowed, ev.blocked));

    // Decisions: each packet of the flow has exactly one certain decision, preceded by the
    // conditional ones of the rules it may match on the way.
    std::vector<Bits> space;
    for (const Decision& d : ev.decisions) {
        REQUIRE(d.rule);
        REQUIRE(d.is_default == (d.rule == &policy.default_rule));
        REQUIRE_FALSE(d.space.empty());
        space.push_back(bits_of(d.space));
        REQUIRE((space.back() & ~flow_bits).none());
    }
    auto rule_index = [&](const Rule* r) {
        for (size_t i = 0; i < policy.rules.size(); ++i) {
            if (&policy.rules[i] == r) return i;
        }
        return policy.rules.size();
    };
    size_t problems = 0;
    for (size_t i = 0; i < kPackets; ++i) {
        if (!flow_bits.test(i)) continue;
        std::vector<std::pair<const Rule*, bool>> got;
        for (size_t k = 0; k < ev.decisions.size(); ++k) {
            if (space[k].test(i)) got.emplace_back(ev.decisions[k].rule, ev.decisions[k].conditional);
        }
        if (policy.combine == Combine::first_match) {
            std::vector<std::pair<const Rule*, bool>> want;
            bool decided = false;
            for (size_t r = 0; r < policy.rules.size() && !decided; ++r) {
                if (m.may[r].test(i)) want.emplace_back(&policy.rules[r], true);
                if (m.match[r].test(i)) want.emplace_back(&policy.rules[r], false), decided = true;
            }
            if (!decided) want.emplace_back(&policy.default_rule, false);
            if (got != want) ++problems;
            continue;
        }
        // Block wins: the certain decision names the rule that wins; conditional ones name
        // rules that may match.
        size_t certain = 0;
        for (const auto& [rule, cond] : got) {
            if (cond) {
                if (rule == &policy.default_rule || !m.may[rule_index(rule)].test(i)) ++problems;
                continue;
            }
            ++certain;
            bool any_block = false, any_match = false;
            for (size_t r = 0; r < policy.rules.size(); ++r) {
                any_match = any_match || m.match[r].test(i);
                any_block = any_block || (m.match[r].test(i) && policy.rules[r].action == Action::block);
            }
            if (rule == &policy.default_rule) {
                if (any_match) ++problems;
            } else if (!m.match[rule_index(rule)].test(i) || (rule->action != Action::block && any_block)) {
                ++problems;
            }
        }
        if (certain != 1) ++problems;
    }
    REQUIRE(problems == 0);
    return ev.verdict;
}

// Every verdict occurs among the random cases, so none of the checks above is vacuous.
void check_coverage(const std::set<Verdict>& seen) {
    for (Verdict v : {Verdict::allowed, Verdict::blocked, Verdict::partial, Verdict::conditional,
                      Verdict::not_applicable}) {
        INFO(to_string(v));
        REQUIRE(seen.count(v) == 1);
    }
}

Rule rule(const char* name, Action action, FlowSpace match, FlowSpace may_match = {}) {
    Rule r;
    r.name = name;
    r.action = action;
    r.match = std::move(match);
    r.may_match = std::move(may_match);
    return r;
}

Policy policy(Combine combine, std::vector<Rule> rules, Action fallback) {
    Policy p;
    p.combine = combine;
    p.rules.assign(std::make_move_iterator(rules.begin()), std::make_move_iterator(rules.end()));
    p.default_rule = rule("default", fallback, FlowSpace::all());
    return p;
}

FlowSpace tcp(const char* src, const char* dst, uint32_t port) {
    return FlowSpace::of(*AddressSet::parse_list(src), *AddressSet::parse_list(dst),
                         ProtocolSet::single(protocol::tcp), PortSet::single(port));
}

}  // namespace

TEST_CASE("first-match evaluation matches a direct simulation", "[model]") {
    std::mt19937 rng(21);
    std::set<Verdict> seen;
    for (int c = 0; c < 300; ++c) {
        INFO("case " << c);
        Model m = random_model(rng, Combine::first_match);
        auto [flow, flow_bits] = random_space(rng, 3);
        seen.insert(check_policy(m, flow, flow_bits));
    }
    check_coverage(seen);
}

TEST_CASE("block-wins evaluation matches its definition", "[model]") {
    std::mt19937 rng(22);
    std::set<Verdict> seen;
    for (int c = 0; c < 300; ++c) {
        INFO("case " << c);
        Model m = random_model(rng, Combine::block_wins);
        auto [flow, flow_bits] = random_space(rng, 3);
        seen.insert(check_policy(m, flow, flow_bits));
    }
    check_coverage(seen);
}

TEST_CASE("a deny shadowing part of an allow gives a partial verdict naming the deny", "[model]") {
    Policy p = policy(Combine::first_match,
                      {rule("deny-lab", Action::block, tcp("10.0.5.0/24", "10.1.0.5", 17472)),
                       rule("allow-clients", Action::allow, tcp("10.0.0.0/16", "10.1.0.5", 17472))},
                      Action::block);
    FlowSpace flow = tcp("10.0.0.0/16", "10.1.0.5", 17472);
    Evaluation ev = evaluate(p, flow);
    REQUIRE(ev.verdict == Verdict::partial);
    REQUIRE(ev.blocked.same_as(tcp("10.0.5.0/24", "10.1.0.5", 17472)));
    REQUIRE(ev.allowed.same_as(flow - ev.blocked));
    REQUIRE(ev.conditional.empty());
    REQUIRE(ev.decisions.size() == 2);
    REQUIRE(ev.decisions[0].rule->name == "deny-lab");
    REQUIRE_FALSE(ev.decisions[0].conditional);
    REQUIRE(ev.decisions[0].space.same_as(ev.blocked));
    REQUIRE(ev.decisions[1].rule->name == "allow-clients");
    REQUIRE(ev.blocked.example()->str() == "tcp 10.0.5.1:49152 -> 10.1.0.5:17472");
}

TEST_CASE("a conditional allow before a definite allow still allows", "[model]") {
    FlowSpace flow = tcp("10.0.0.0/24", "10.1.0.5", 443);
    Policy p =
        policy(Combine::first_match,
               {rule("allow-if-eth1", Action::allow, {}, flow), rule("allow-web", Action::allow, flow)},
               Action::block);
    Evaluation ev = evaluate(p, flow);
    REQUIRE(ev.verdict == Verdict::allowed);
    REQUIRE(ev.allowed.same_as(flow));
    REQUIRE(ev.decisions.size() == 2);
    REQUIRE(ev.decisions[0].conditional);
    REQUIRE(ev.decisions[0].rule->name == "allow-if-eth1");
    REQUIRE(ev.decisions[1].rule->name == "allow-web");
}

TEST_CASE("a conditional allow before the default block is conditional", "[model]") {
    FlowSpace flow = tcp("10.0.0.0/24", "10.1.0.5", 443);
    Policy p = policy(Combine::first_match, {rule("allow-if-eth1", Action::allow, {}, flow)}, Action::block);
    Evaluation ev = evaluate(p, flow);
    REQUIRE(ev.verdict == Verdict::conditional);
    REQUIRE(ev.conditional.same_as(flow));
    REQUIRE(ev.allowed.empty());
    REQUIRE(ev.blocked.empty());
    REQUIRE(ev.decisions.size() == 2);
    REQUIRE(ev.decisions[1].is_default);
    // A conditional block before a definite allow is conditional too.
    p = policy(Combine::first_match,
               {rule("block-if-eth1", Action::block, {}, flow), rule("allow-web", Action::allow, flow)},
               Action::block);
    REQUIRE(evaluate(p, flow).verdict == Verdict::conditional);
}

TEST_CASE("block wins whatever the written order", "[model]") {
    FlowSpace flow = tcp("10.0.0.0/24", "10.1.0.5", 443);
    FlowSpace one = tcp("10.0.0.7", "10.1.0.5", 443);
    Policy p = policy(Combine::block_wins,
                      {rule("allow-web", Action::allow, flow), rule("block-one", Action::block, one)},
                      Action::block);
    Evaluation ev = evaluate(p, flow);
    REQUIRE(ev.verdict == Verdict::partial);
    REQUIRE(ev.blocked.same_as(one));
    REQUIRE(ev.decisions.front().rule->name == "block-one");
    // A rule whose action is unknown does not override a block that certainly matches.
    p = policy(Combine::block_wins,
               {rule("queue", Action::unknown, flow), rule("block-one", Action::block, one)}, Action::block);
    ev = evaluate(p, flow);
    REQUIRE(ev.blocked.same_as(one));
    REQUIRE(ev.conditional.same_as(flow - one));
    REQUIRE(ev.verdict == Verdict::partial);
}

TEST_CASE("an unknown action makes its packets conditional", "[model]") {
    FlowSpace flow = tcp("10.0.0.0/24", "10.1.0.5", 443);
    Policy p = policy(Combine::first_match, {rule("nfqueue", Action::unknown, flow)}, Action::allow);
    Evaluation ev = evaluate(p, flow);
    REQUIRE(ev.verdict == Verdict::conditional);
    REQUIRE(ev.conditional.same_as(flow));
}

TEST_CASE("verdicts", "[model]") {
    FlowSpace all = tcp("10.0.0.0/24", "10.1.0.5", 443);
    FlowSpace half = tcp("10.0.0.0/25", "10.1.0.5", 443);
    FlowSpace other = tcp("10.9.0.0/24", "10.1.0.5", 443);
    FlowSpace none;
    REQUIRE(verdict_of(none, all, none) == Verdict::not_applicable);
    REQUIRE(verdict_of(all, all, none) == Verdict::allowed);
    REQUIRE(verdict_of(all, none, all) == Verdict::blocked);
    REQUIRE(verdict_of(all, all - half, half) == Verdict::partial);
    REQUIRE(verdict_of(all, none, half) == Verdict::partial);
    REQUIRE(verdict_of(all, half, none) == Verdict::conditional);
    REQUIRE(verdict_of(all, none, none) == Verdict::conditional);
    // Only the packets asked about count: what is blocked elsewhere does not make a verdict partial.
    REQUIRE(verdict_of(all, half, other) == Verdict::conditional);
    REQUIRE(verdict_of(half, all | other, other) == Verdict::allowed);
    REQUIRE(to_string(Verdict::partial) == "partial");
    REQUIRE(to_string(Verdict::not_applicable) == "not-applicable");
    // The policy does not apply to an empty flow.
    Policy p = policy(Combine::first_match, {}, Action::block);
    REQUIRE(evaluate(p, none).verdict == Verdict::not_applicable);
    REQUIRE(evaluate(p, none).decisions.empty());
    REQUIRE(evaluate(p, all).verdict == Verdict::blocked);
    REQUIRE(evaluate(p, all).decisions.at(0).is_default);
}

TEST_CASE("a program-scoped rule applies to its program, possibly to an unknown one", "[model]") {
    FlowSpace flow = tcp("10.0.0.0/24", "10.1.0.5", 17472);
    Rule client = rule("allow-client", Action::allow, flow);
    client.programs = {"taniumclient.exe"};
    Policy p = policy(Combine::block_wins, {client}, Action::block);
    REQUIRE(evaluate(p, flow, {"taniumclient.exe"}).verdict == Verdict::allowed);
    REQUIRE(evaluate(p, flow, {"other.exe"}).verdict == Verdict::blocked);
    Evaluation ev = evaluate(p, flow, {});
    REQUIRE(ev.verdict == Verdict::conditional);
    REQUIRE(ev.decisions.at(0).conditional);
    REQUIRE(ev.decisions.at(0).rule->name == "allow-client");
}
