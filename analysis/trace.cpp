#include "analysis/trace.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace flowgap::analysis {

namespace {

FlowSpace point(const Packet& p) {
    return FlowSpace::of(AddressSet::host(p.src), AddressSet::host(p.dst), ProtocolSet::single(p.proto),
                         PortSet::single(p.dport), PortSet::single(p.sport));
}

// Why a packet misses a rule, dimension by dimension (a rule may be a union of boxes, so
// "every dimension matches somewhere" can still miss: then the combination is named). A rule for
// another program misses whatever its addresses and ports say, but a dimension that misses is
// the plainer reason and is named first. Address sets also come shortened, for the text view.
TraceStep why_not(const Rule& rule, const Packet& p, const Context& context) {
    TraceStep step{&rule, TraceStep::Outcome::no_match, "", "", false};
    const FlowSpace& m = rule.match.empty() ? rule.may_match : rule.match;
    auto address = [&](std::string_view side, const AddressSet& set) {
        step.why = fmt::format("{} is {}", side, set.str());
        std::string brief = fmt::format("{} is {}", side, set.brief());
        if (brief != step.why) step.brief = std::move(brief);
    };
    if (m.empty()) {
        step.why = "matches no packet";
    } else if (!m.protocols().contains(p.proto)) {
        step.why = fmt::format("protocol is {}", m.protocols().str());
    } else if (AddressSet src = m.sources(); !src.contains(p.src)) {
        address("source", src);
    } else if (AddressSet dst = m.destinations(); !dst.contains(p.dst)) {
        address("destination", dst);
    } else if (!m.dports().contains(p.dport)) {
        step.why = fmt::format("destination port is {}", m.dports().str());
    } else if (for_other_program(rule, context)) {
        step.why = fmt::format("program is {}", fmt::join(rule.programs, ", "));
    } else {
        step.why = "no part of the rule matches this combination";
    }
    return step;
}

// The rule whose certain decision took the packet, if one did (a single packet is taken at most
// once: a certain decision removes it from the walk).
const Rule* taker(const Evaluation& ev) {
    for (const auto& d : ev.decisions) {
        if (!d.is_default && !d.conditional) return d.rule;
    }
    return nullptr;
}

// A rule the evaluator made no decision with. In a block-wins policy that may be a rule that
// matches but was consulted after another rule took the packet (block rules first, then those of
// unknown action, then allow rules): saying "no match" would send the reader the wrong way.
// Whether it matches is asked of evaluate() with the rule alone (whose default decides nothing),
// so program and condition handling stay the evaluator's.
TraceStep undecided(const Policy& policy, const Rule& rule, const Packet& p, const Share& share,
                    const Evaluation& ev) {
    const Rule* took = taker(ev);
    if (policy.combine == Combine::block_wins && took) {
        Policy alone;
        alone.default_rule.match = FlowSpace::none();
        alone.rules.push_back(rule);
        Evaluation mine = evaluate(alone, share.packets, share.context);
        if (!mine.decisions.empty()) {
            std::string why = took->action == Action::block && rule.action != Action::block
                                  ? "a matching block rule wins"
                                  : fmt::format("{} ({}) takes it first", took->name, took->location.str());
            return {&rule, TraceStep::Outcome::overridden, why, "", mine.decisions.front().conditional};
        }
    }
    return why_not(rule, p, share.context);
}

// The policy's rules in written order, each with the evaluator's decision for the packet.
PolicyTrace trace_policy(const PolicyResult& part, const Packet& p, const Share& share) {
    const Policy& policy = *part.policy;
    const Evaluation& ev = part.evaluation;
    PolicyTrace t{&policy, {}, {}, ev.verdict};
    for (const auto& rule : policy.rules) {
        auto decided = std::find_if(ev.decisions.begin(), ev.decisions.end(),
                                    [&](const Decision& d) { return d.rule == &rule; });
        if (decided == ev.decisions.end()) {
            t.steps.push_back(undecided(policy, rule, p, share, ev));
        } else if (decided->conditional) {
            t.steps.push_back({&rule, TraceStep::Outcome::may_match,
                               fmt::format("{}", fmt::join(conditions_for(rule, share.packets), "; ")), "",
                               true});
        } else {
            t.steps.push_back({&rule, TraceStep::Outcome::matches, "", "", false});
            // A first-match policy consults its rules in written order: the ones after the rule
            // that decides were never reached.
            if (policy.combine == Combine::first_match) break;
        }
    }
    for (const auto& d : ev.decisions) {
        if (d.is_default) t.defaults.push_back(d);
    }
    return t;
}

}  // namespace

std::string_view to_string(TraceStep::Outcome o) {
    switch (o) {
        case TraceStep::Outcome::no_match: return "no-match";
        case TraceStep::Outcome::overridden: return "overridden";
        case TraceStep::Outcome::may_match: return "may-match";
        case TraceStep::Outcome::matches: return "matches";
    }
    return "no-match";
}

Trace trace(const FirewallSpec& spec, const Firewall& fw, const Packet& packet, const std::string& program) {
    Trace t;
    t.packet = packet;
    t.program = program;
    // The same call the audit makes for a flow, with the packet as the whole flow.
    std::vector<Filtered> filtered =
        std::move(filter_all(spec, fw, {Request{point(packet), program, program}}).front());
    t.filtered = !filtered.empty();
    for (const auto& f : filtered) {
        TraceShare s{
            f.share.direction, f.share.context, {}, verdict_of(f.share.packets, f.allowed, f.blocked)};
        for (const auto& part : f.parts)
            s.policies.push_back(trace_policy(part, packet, f.share));
        t.shares.push_back(std::move(s));
    }
    t.verdict = at_firewall(0, filtered).verdict;
    return t;
}

}  // namespace flowgap::analysis
