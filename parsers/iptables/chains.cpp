// Inlining: each built-in chain becomes a flat first-match list.
//
// Walking a chain carries a guard: the packets that certainly reach the current rule, and those
// that possibly do (disjoint). A jump walks the callee under the jump's packets; RETURN removes
// the returning packets from the rest of the chain (certainly returning ones entirely, possibly
// returning ones become possible-only); a goto is a walk of the target followed by a RETURN,
// since falling off the target resumes in the caller's caller. When no caller is left (a
// built-in chain, or a chain reached from one by gotos only), returning means the built-in's
// policy, which becomes a rule at the RETURN (or goto) line.
#include "parsers/iptables/chains.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace flowgap::parsers::iptables {

using analysis::Action;
using analysis::FlowSpace;
using analysis::Rule;

namespace {

// Nested jumps followed; the kernel has no such limit (only no cycles), so deeper calls are not
// an error: like calls past the rule budget, they get an unknown outcome.
constexpr size_t kMaxDepth = 256;

struct Guard {
    FlowSpace certain;
    FlowSpace maybe;
    bool everything = false;  // a built-in chain's own rules: no restriction at all
    // Why packets are only possible here: the conditions of the jumps and returns that may or may
    // not have taken them, which a rule inlined under this guard must name in reports.
    std::vector<std::string> conditions;
    bool empty() const { return !everything && certain.empty() && maybe.empty(); }
};

template <typename To, typename From>
void add_conditions(To& to, const From& from) {
    for (const auto& c : from)
        if (std::find(to.begin(), to.end(), c) == to.end()) to.push_back(c);
}

// The packets of `rule` among those the guard lets through, split into certain and possible.
Guard narrow(const Guard& g, const Rule& rule) {
    Guard out;
    if (g.everything) {
        out.certain = rule.match;
        out.maybe = rule.may_match;
    } else {
        out.certain = rule.match & g.certain;
        out.maybe = rule.may_match & g.certain;
        if (!g.maybe.empty()) out.maybe |= (rule.may_match | rule.match) & g.maybe;
        if (!g.maybe.empty()) out.conditions = g.conditions;
    }
    if (!rule.may_match.empty()) add_conditions(out.conditions, rule.conditions);
    return out;
}

// The guard for the rules after a RETURN (or goto) matching `rule`.
void leave(Guard& g, const Rule& rule) {
    if (g.everything) g = {FlowSpace::all(), {}, false, {}};
    if (!rule.may_match.empty()) add_conditions(g.conditions, rule.conditions);
    FlowSpace maybe = g.maybe - rule.match;
    if (!rule.may_match.empty()) maybe |= g.certain & rule.may_match;
    g.certain -= rule.match;
    g.certain -= rule.may_match;
    g.maybe = std::move(maybe);
}

// Whether a nat target rewrites the destination: DNAT and REDIRECT do; NETMAP does where the
// destination is translated (before routing, or for locally generated packets).
bool rewrites_destination(const RuleSpec& spec, const Hook& hook) {
    if (hook.table != "nat" || spec.target != TargetKind::nat) return false;
    if (spec.target_name == "DNAT" || spec.target_name == "REDIRECT") return true;
    return spec.target_name == "NETMAP" && (hook.chain == "PREROUTING" || hook.chain == "OUTPUT");
}

// What a terminating target does with the packets at this hook; nullopt for targets that go on
// to the next rule. In the nat table a translation ends the chain like ACCEPT: the packet goes
// on to the next table (a destination rewrite is handled apart, see Rewrites). Elsewhere the
// kernel refuses nat targets, so their outcome is unknown.
std::optional<Action> terminal_action(const RuleSpec& spec, const Hook& hook) {
    switch (spec.target) {
        case TargetKind::accept: return Action::allow;
        case TargetKind::drop:
        case TargetKind::reject: return Action::block;
        case TargetKind::nat: return hook.table == "nat" ? Action::allow : Action::unknown;
        case TargetKind::opaque:
        case TargetKind::unknown: return Action::unknown;
        default: return std::nullopt;
    }
}

class Inliner {
  public:
    Inliner(const Context& ctx, std::vector<Chain>& chains, size_t budget, const Hook& hook,
            Rewrites& rewrites)
        : ctx_(ctx), chains_(chains), budget_(budget), hook_(hook), rewrites_(rewrites) {}

    analysis::Policy build(const Chain* builtin);

  private:
    void walk(uint32_t chain, Guard guard, bool returns_to_policy, size_t depth);
    void step(RuleSpec& spec, Guard& guard, bool returns_to_policy, size_t depth);
    void call(const RuleSpec& spec, Guard& guard, bool returns_to_policy, size_t depth);
    void emit(RuleSpec& spec, const Guard& g, Action action, std::string suffix = {});
    void emit_rewrite(const RuleSpec& spec, const Guard& g);

    const Context& ctx_;
    std::vector<Chain>& chains_;
    size_t budget_;
    const Hook& hook_;
    Rewrites& rewrites_;
    analysis::Policy* policy_ = nullptr;
    const Chain* base_ = nullptr;  // the built-in chain being built
    bool warned_budget_ = false;
    bool warned_depth_ = false;
};

analysis::Policy Inliner::build(const Chain* builtin) {
    const std::string& name = hook_.name;
    analysis::Policy policy;
    policy.name = name;
    policy.combine = analysis::Combine::first_match;
    Rule& def = policy.default_rule;
    def.action = builtin ? builtin->policy : Action::allow;
    def.name = fmt::format("{} policy {}", name, builtin ? builtin->policy_name : "ACCEPT");
    def.match = FlowSpace::all();
    def.location = ctx_.at(builtin ? builtin->decl_line : 0, builtin && builtin->decl_line ? 1 : 0);
    if (builtin) def.text = builtin->decl_text;
    def.container = name;  // position 0: the chain's end, where the policy applies
    if (!builtin) return policy;
    policy_ = &policy;
    base_ = builtin;
    Guard all;
    all.everything = true;
    auto index = static_cast<uint32_t>(builtin - chains_.data());
    walk(index, std::move(all), true, 0);
    std::deque<RuleSpec>().swap(chains_[index].rules);  // moved out; free the husks early
    return policy;
}

void Inliner::walk(uint32_t index, Guard guard, bool returns_to_policy, size_t depth) {
    Chain& chain = chains_[index];
    // A built-in chain is walked once and nothing jumps to it, so each of its rules is freed as
    // soon as it is emitted: the parsed and the built rules never both fill memory.
    const bool consume = depth == 0 && chain.builtin;
    for (size_t i = 0; i < chain.rules.size();) {
        if (guard.empty()) return;
        step(chain.rules[i], guard, returns_to_policy, depth);
        if (consume) {
            chain.rules.pop_front();
        } else {
            ++i;
        }
    }
}

void Inliner::step(RuleSpec& spec, Guard& guard, bool returns_to_policy, size_t depth) {
    if (rewrites_destination(spec, hook_)) {
        emit_rewrite(spec, guard);
    } else if (auto action = terminal_action(spec, hook_)) {
        emit(spec, guard, *action);
    } else if (spec.target == TargetKind::return_) {
        if (returns_to_policy) {
            emit(spec, guard, base_->policy,
                 fmt::format(" [RETURN: {} policy {}]", base_->name, base_->policy_name));
        } else {
            leave(guard, spec.rule);
        }
    } else if (spec.target == TargetKind::chain) {
        call(spec, guard, returns_to_policy, depth);
    }
    // No target and non-terminating targets (LOG, MARK, ...) leave the packet where it is.
}

void Inliner::call(const RuleSpec& spec, Guard& guard, bool returns_to_policy, size_t depth) {
    const Chain& callee = chains_[spec.target_chain];
    Guard inner = narrow(guard, spec.rule);
    if (inner.empty()) return;
    bool too_deep = depth >= kMaxDepth;
    if (too_deep || policy_->rules.size() >= budget_) {
        // Inlining a chain called from many places multiplies its rules; past the budget the
        // call's packets get an unknown outcome instead, so nothing is silently decided.
        bool& warned = too_deep ? warned_depth_ : warned_budget_;
        if (!warned) {
            ctx_.warn(spec.rule.location.line, spec.target_column,
                      too_deep ? fmt::format("chains nest more than {} deep; chain '{}' is not expanded "
                                             "there (its packets get an unknown outcome)",
                                             kMaxDepth, callee.name)
                               : fmt::format("inlining user chains would exceed {} rules; chain '{}' and "
                                             "later calls are not expanded (their packets get an unknown "
                                             "outcome)",
                                             budget_, callee.name));
            warned = true;
        }
        RuleSpec copy = spec;
        copy.rule.conditions.push_back(fmt::format("chain {} not expanded", callee.name));
        emit(copy, guard, Action::unknown, fmt::format(" [chain {} not expanded]", callee.name));
        if (spec.is_goto && !returns_to_policy) leave(guard, spec.rule);
        return;
    }
    // Falling off a goto target returns to where the caller would return: for a built-in's
    // goto that is the policy.
    walk(spec.target_chain, std::move(inner), spec.is_goto && returns_to_policy, depth + 1);
    if (!spec.is_goto) return;
    if (returns_to_policy) {
        RuleSpec copy = spec;
        emit(copy, guard, base_->policy,
             fmt::format(" [after goto {}: {} policy {}]", callee.name, base_->name, base_->policy_name));
    } else {
        leave(guard, spec.rule);
    }
}

// Appends the rule to the policy with the guard applied. A built-in chain's own rules are used
// once, so they are moved; inlined user-chain rules are copies restricted to the guard.
void Inliner::emit(RuleSpec& spec, const Guard& g, Action action, std::string suffix) {
    Rule out;
    if (g.everything && suffix.empty()) {
        out = std::move(spec.rule);
    } else {
        Guard n = narrow(g, spec.rule);
        if (n.empty()) return;
        out.name = spec.rule.name + suffix;
        out.match = std::move(n.certain);
        out.may_match = std::move(n.maybe);
        out.conditions = spec.rule.conditions;
        if (!out.may_match.empty()) add_conditions(out.conditions, g.conditions);
        out.location = spec.rule.location;
        out.text = spec.rule.text;
        out.container = spec.rule.container;
        out.position = spec.rule.position;
        out.name_key = spec.rule.name_key;
    }
    out.action = action;
    policy_->rules.push_back(std::move(out));
    if (spec.dnat_test && (g.everything || g.maybe.empty()))
        rewrites_.dnat_tests.emplace_back(policy_->rules.size() - 1, spec.dnat_test);
}

// A destination rewrite ends the nat chain like ACCEPT, but the tables after it see another
// destination than the flow's: its packets get an unknown outcome here, and the caller makes
// them conditional in the later tables too (Rewrites).
void Inliner::emit_rewrite(const RuleSpec& spec, const Guard& g) {
    RuleSpec copy = spec;
    std::string_view target =
        spec.rule.text.substr(std::min<size_t>(spec.target_column - 1, spec.rule.text.size()));
    copy.rule.conditions.push_back(fmt::format("{} {} ({}) changes the destination later tables see",
                                               hook_.name, target, spec.rule.location.str()));
    // Possible rather than certain: the report then names the condition, and the later tables'
    // rules still show what they would do with the packets were the destination kept.
    copy.rule.may_match |= copy.rule.match;
    copy.rule.match = {};
    size_t before = policy_->rules.size();
    emit(copy, g, Action::unknown);
    if (policy_->rules.size() == before) return;
    rewrites_.rules.push_back(policy_->rules.back());
    Guard n = narrow(g, spec.rule);
    if (spec.rule.conditions.empty() && n.maybe.empty() && !n.certain.empty())
        rewrites_.certain.push_back({before, std::move(n.certain), target});
}

}  // namespace

void check_cycles(const Context& ctx, const std::vector<Chain>& chains) {
    // Iterative depth-first search: 0 unvisited, 1 on the current path, 2 done.
    std::vector<char> state(chains.size(), 0);
    struct Frame {
        uint32_t chain;
        size_t next;
    };
    std::vector<Frame> stack;
    for (uint32_t root = 0; root < chains.size(); ++root) {
        if (state[root]) continue;
        stack.push_back({root, 0});
        state[root] = 1;
        while (!stack.empty()) {
            Frame& f = stack.back();
            const Chain& chain = chains[f.chain];
            if (f.next == chain.calls.size()) {
                state[f.chain] = 2;
                stack.pop_back();
                continue;
            }
            const RuleSpec& spec = chain.rules[chain.calls[f.next++]];
            if (state[spec.target_chain] == 1) {
                ctx.fail(
                    spec.rule.location.line, spec.target_column,
                    fmt::format("jump cycle: chain '{}' reaches itself", chains[spec.target_chain].name));
            }
            if (state[spec.target_chain] == 0) {
                state[spec.target_chain] = 1;
                stack.push_back({spec.target_chain, 0});
            }
        }
    }
}

analysis::Policy build_policy(const Context& ctx, std::vector<Chain>& chains, const Chain* builtin,
                              const Hook& hook, size_t budget, Rewrites& rewrites) {
    Inliner inliner(ctx, chains, budget, hook, rewrites);
    return inliner.build(builtin);
}

analysis::Box retargeted(analysis::Box box, std::string_view to) {
    box.dst = analysis::AddressSet::all();
    std::string_view addr = to, port;
    if (!to.empty() && to.front() == ':') {
        addr = {};
        port = to.substr(1);
    } else if (!to.empty() && to.front() == '[') {  // IPv6 with a port: [2001:db8::1]:80
        size_t close = to.find(']');
        addr = to.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1);
        if (close != std::string_view::npos && close + 1 < to.size() && to[close + 1] == ':')
            port = to.substr(close + 2);
    } else if (std::count(to.begin(), to.end(), ':') == 1) {
        addr = to.substr(0, to.find(':'));
        port = to.substr(to.find(':') + 1);
    }
    if (auto a = analysis::AddressSet::parse(addr); a && !addr.empty()) box.dst = *a;
    if (auto p = analysis::PortSet::parse(port); p && !port.empty()) box.dport = *p;
    return box;
}

bool stops_packets(const analysis::Policy& p) {
    if (p.default_rule.action != Action::allow) return true;
    return std::any_of(p.rules.begin(), p.rules.end(),
                       [](const Rule& r) { return r.action != Action::allow; });
}

std::vector<Rule> guards_before(const Rewrites& rewrites, const FlowSpace& followed,
                                std::string (*to_of)(const Rule&)) {
    std::vector<Rule> guards;
    for (const Rule& r : rewrites.rules) {
        FlowSpace produced;
        const FlowSpace rewritten = r.match | r.may_match;
        const std::string to = to_of(r);
        for (const auto& box : rewritten.boxes())
            produced |= FlowSpace::of(retargeted(box, to));
        produced -= followed;
        if (produced.empty()) continue;
        Rule g;
        g.name = r.name + " (its packets were sent to another address)";
        g.name_key = r.name_key;
        g.action = Action::unknown;
        g.may_match = std::move(produced);
        g.conditions.push_back(
            fmt::format("{} ({}) sent these packets to another destination, which this table saw", r.name,
                        r.location.str()));
        g.location = r.location;
        g.text = r.text;
        g.container = r.container;
        g.position = r.position;
        guards.push_back(std::move(g));
    }
    return guards;
}

}  // namespace flowgap::parsers::iptables
