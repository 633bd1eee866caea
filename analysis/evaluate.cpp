#include "analysis/evaluate.hpp"

namespace flowgap::analysis {

namespace {

// Walks rules in order. A certain match decides and removes packets; a possible match records
// a conditional decision and leaves the packets in play, since the condition may be false.
enum class ProgramMatch { any, matches, differs, unknown };

ProgramMatch program_match(const Rule& rule, const Context& context) {
    if (rule.programs.empty()) return ProgramMatch::any;
    if (context.program.empty()) return ProgramMatch::unknown;
    for (const auto& p : rule.programs) {
        if (p == context.program) return ProgramMatch::matches;
    }
    return ProgramMatch::differs;
}

void walk(const std::vector<const Rule*>& order, const Rule& default_rule, FlowSpace remaining,
          const Context& context, std::vector<Decision>& out) {
    for (const Rule* rule : order) {
        if (remaining.empty()) return;
        ProgramMatch pm = program_match(*rule, context);
        if (pm == ProgramMatch::differs) continue;  // a rule for another program never carries these packets
        if (remaining.intersects(rule->may_match)) {
            out.push_back({rule, false, true, remaining & rule->may_match});
        }
        if (pm == ProgramMatch::unknown) {  // the rule's program might be the sender: possible only
            if (remaining.intersects(rule->match))
                out.push_back({rule, false, true, remaining & rule->match});
            continue;
        }
        if (remaining.intersects(rule->match)) {
            out.push_back({rule, false, false, remaining & rule->match});
            remaining -= rule->match;
        }
    }
    if (remaining.empty()) return;
    if (remaining.intersects(default_rule.may_match)) {
        out.push_back({&default_rule, true, true, remaining & default_rule.may_match});
    }
    FlowSpace certain = remaining & default_rule.match;
    if (!certain.empty()) out.push_back({&default_rule, true, false, certain});
}

}  // namespace

std::string_view to_string(Verdict v) {
    switch (v) {
        case Verdict::allowed: return "allowed";
        case Verdict::blocked: return "blocked";
        case Verdict::partial: return "partial";
        case Verdict::conditional: return "conditional";
        case Verdict::not_applicable: return "not-applicable";
    }
    return "not-applicable";
}

Verdict verdict_of(const FlowSpace& packets, const FlowSpace& allowed, const FlowSpace& blocked) {
    if (packets.empty()) return Verdict::not_applicable;
    if ((packets - allowed).empty()) return Verdict::allowed;
    if ((packets - blocked).empty()) return Verdict::blocked;
    // Only blocked packets among `packets` count (callers may pass a policy-wide blocked set).
    if (packets.intersects(blocked)) return Verdict::partial;
    return Verdict::conditional;
}

Evaluation evaluate(const Policy& policy, const FlowSpace& packets, const Context& context) {
    Evaluation ev;
    std::vector<const Rule*> order;
    order.reserve(policy.rules.size());
    // Block-wins is first-match with every block rule ahead of every rule whose outcome is
    // unknown, and those ahead of every allow rule; within each group the written order is kept.
    // Unknown rules come after the blocks because a packet that certainly matches a block rule
    // is blocked whatever an unknown rule would do with it (it could only allow or block).
    if (policy.combine == Combine::first_match) {
        for (const auto& r : policy.rules) order.push_back(&r);
    } else {
        for (Action group : {Action::block, Action::unknown, Action::allow}) {
            for (const auto& r : policy.rules) {
                if (r.action == group) order.push_back(&r);
            }
        }
    }
    walk(order, policy.default_rule, packets, context, ev.decisions);

    // A packet's possible outcomes are the actions of every decision that holds it.
    FlowSpace may_allow, may_block;
    for (const auto& d : ev.decisions) {
        if (d.rule->action != Action::block) may_allow |= d.space;
        if (d.rule->action != Action::allow) may_block |= d.space;
    }
    ev.allowed = may_allow - may_block;
    ev.blocked = may_block - may_allow;
    ev.conditional = may_allow & may_block;
    ev.verdict = verdict_of(packets, ev.allowed, ev.blocked);
    return ev;
}

}  // namespace flowgap::analysis
