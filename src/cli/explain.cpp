// `flowgap explain`: one packet through one firewall, rule by rule, like a packet tracer.
#include "src/cli/explain.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

namespace flowgap::cli {

using namespace flowgap::analysis;

namespace {

// Why a packet misses a rule, dimension by dimension (a rule may be a union of boxes, so
// "every dimension matches somewhere" can still miss: then the combination is named).
std::string why_not(const Rule& rule, const Packet& p) {
    const FlowSpace& m = rule.match.empty() ? rule.may_match : rule.match;
    if (m.empty()) return "matches no packet";
    if (!m.protocols().contains(p.proto)) return fmt::format("protocol is {}", m.protocols().str());
    if (!m.sources().contains(p.src)) return fmt::format("source is {}", m.sources().str());
    if (!m.destinations().contains(p.dst)) return fmt::format("destination is {}", m.destinations().str());
    if (!m.dports().contains(p.dport)) return fmt::format("destination port is {}", m.dports().str());
    return "no part of the rule matches this combination";
}

// A block-wins policy records no decision for an allow rule whose packets a block rule takes:
// such a rule matches all the same, and saying "no match" would send the reader the wrong way.
std::string overridden(const Policy& policy, const Rule& rule, const FlowSpace& one, const Context& context) {
    if (policy.combine != Combine::block_wins || rule.action == Action::block) return "";
    Policy alone;
    alone.rules.push_back(rule);
    Evaluation ev = evaluate(alone, one, context);
    if (ev.decisions.empty()) return "";
    return fmt::format("{}, then {}, but a matching block rule wins",
                       ev.decisions.front().conditional ? "may match" : "matches", to_string(rule.action));
}

struct Step {
    const Rule* rule;
    std::string outcome;  // "no match: ...", "may match (...)", "matches: allow"
};

constexpr size_t kShownRun = 20;

void print_steps(std::ostream& out, const std::vector<Step>& steps) {
    size_t i = 0;
    while (i < steps.size()) {
        // Long runs of rules that do not match are summarized, so 100k-rule policies stay readable.
        // Short ones are shown: they are the path (a user chain's rules, what a RETURN skipped).
        size_t j = i;
        while (j < steps.size() && steps[j].outcome.starts_with("no match"))
            ++j;
        if (j - i > kShownRun) {
            fmt::print(out, "  {} rules do not match ({} .. {})\n", j - i, steps[i].rule->location.str(),
                       steps[j - 1].rule->location.str());
            i = j;
            continue;
        }
        for (; i < std::max(j, i + 1) && i < steps.size(); ++i) {
            fmt::print(out, "  {:<28} {:<40} {}\n", steps[i].rule->name, steps[i].rule->location.str(),
                       steps[i].outcome);
        }
    }
}

// Walks the policy for one packet, the same way evaluate() does.
void trace(std::ostream& out, const Policy& policy, const Packet& p, const Context& context) {
    fmt::print(out, "{} policy {} ({} rules, {}):\n", to_string(policy.direction), policy.name,
               policy.rules.size(),
               policy.combine == Combine::first_match ? "first match" : "block rules win");
    FlowSpace one =
        FlowSpace::of(AddressSet::host(p.src), AddressSet::host(p.dst), ProtocolSet::single(p.proto),
                      PortSet::single(p.dport), PortSet::single(p.sport));
    Evaluation ev = evaluate(policy, one, context);
    std::vector<Step> steps;
    for (const auto& rule : policy.rules) {
        auto decided = std::find_if(ev.decisions.begin(), ev.decisions.end(),
                                    [&](const Decision& d) { return d.rule == &rule; });
        if (decided == ev.decisions.end()) {
            std::string beaten = overridden(policy, rule, one, context);
            steps.push_back({&rule, beaten.empty() ? "no match: " + why_not(rule, p) : beaten});
            continue;
        }
        std::string outcome = decided->conditional
                                  ? fmt::format("may match, then {} (if {})", to_string(rule.action),
                                                fmt::join(rule.conditions, "; "))
                                  : fmt::format("MATCHES: {}", to_string(rule.action));
        steps.push_back({&rule, outcome});
        if (!decided->conditional && policy.combine == Combine::first_match) break;
    }
    print_steps(out, steps);
    for (const auto& d : ev.decisions) {
        if (d.is_default) {
            fmt::print(out, "  {:<28} {:<40} {}{}\n", d.rule->name, d.rule->location.str(),
                       d.conditional ? "may decide: " : "decides: ", to_string(d.rule->action));
        }
    }
    fmt::print(out, "  verdict: {}\n",
               !ev.allowed.empty()   ? "allowed"
               : !ev.blocked.empty() ? "blocked"
                                     : "conditional");
}

}  // namespace

void write_explain(std::ostream& out, const FirewallSpec& spec, const Firewall& fw, const Packet& p,
                   const std::string& program) {
    fmt::print(out, "packet {} through {} ({}, {})\n", p.str(), spec.name, fw.format, spec.config_text());
    FlowSpace one =
        FlowSpace::of(AddressSet::host(p.src), AddressSet::host(p.dst), ProtocolSet::single(p.proto),
                      PortSet::single(p.dport), PortSet::single(p.sport));
    auto parts = shares(spec, fw, one, program, program);
    if (parts.empty()) {
        fmt::print(out,
                   "  this firewall does not filter this packet (not to or from its host, or it never "
                   "crosses it)\n");
        return;
    }
    for (const auto& share : parts) {
        bool any = false;
        for (const auto& policy : fw.policies) {
            if (policy.direction != share.direction) continue;
            any = true;
            trace(out, policy, p, share.context);
        }
        if (!any) fmt::print(out, "no rules filter {} traffic: allowed\n", to_string(share.direction));
    }
}

}  // namespace flowgap::cli
