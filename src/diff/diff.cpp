// The comparison of two flowgap-report/1 documents (see diff.hpp for why it reads reports).
#include "src/diff/diff.hpp"

#include <algorithm>
#include <map>

#include "analysis/gate.hpp"
#include "analysis/rule.hpp"
#include "parsers/vendors.hpp"
#include "src/diff/validate.hpp"

namespace flowgap::diff {

using analysis::Severity;
using nlohmann::json;

namespace {

std::string str(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A firewall's config files as one text: "configs" joined with " + " (as the text report shows
// them), or "config" in reports written before a firewall could have several.
std::string config_of(const json& fw) {
    auto it = fw.find("configs");
    if (it == fw.end() || !it->is_array() || it->empty()) return str(fw, "config");
    std::string out;
    for (const auto& c : *it)
        out += (out.empty() ? "" : " + ") + (c.is_string() ? c.get<std::string>() : std::string());
    return out;
}

// How much of a flow a verdict may lose; -1 for not-applicable.
int rank(const std::string& verdict) {
    if (verdict == "allowed") return 0;
    if (verdict == "conditional") return 1;
    if (verdict == "partial") return 2;
    if (verdict == "blocked") return 3;
    return -1;
}

// Reading one report: firewalls' formats first, since rule identities depend on them.
class Reader {
  public:
    Reader(const json& report, const std::string& name) : report_(report), name_(name) {
        validate_report(report, name);
        for (const auto& fw : report["firewalls"])
            formats_[str(fw, "name")] = str(fw, "format");
    }

    Side side() const {
        Side s;
        s.source = name_;
        s.deployment = str(report_, "deployment");
        for (const auto& fw : report_["firewalls"]) {
            s.firewalls.push_back(
                {str(fw, "name"), str(fw, "format"), config_of(fw), fw.value("rules", size_t{0})});
        }
        if (auto it = report_.find("summary"); it != report_.end() && it->is_object()) {
            s.required_flows = it->value("required_flows", size_t{0});
            s.required_flows_not_allowed = it->value("required_flows_not_allowed", size_t{0});
        }
        return s;
    }

    VerdictState verdict(const json& r) const {
        VerdictState v;
        v.verdict = str(r, "verdict");
        v.example_blocked = str(r, "example_blocked");
        v.example_conditional = str(r, "example_conditional");
        const std::string& format = format_of(str(r, "firewall"));
        for (const auto& d : r.value("decided_by", json::array())) {
            DiffDecision x{str(d, "rule"),
                           str(d, "action"),
                           str(d, "location"),
                           str(d, "policy"),
                           str(d, "text"),
                           str(d, "example"),
                           d.value("conditional", false),
                           {}};
            x.identity = rule_identity(format, x.policy, x.rule, x.text);
            v.decided_by.push_back(std::move(x));
        }
        return v;
    }

    FindingState finding(const json& f) const {
        FindingState s;
        auto sev = analysis::parse_severity(str(f, "severity"));
        if (!sev)
            analysis::InputError::raise_at(name_,
                                           "a finding has an unknown severity '" + str(f, "severity") + "'");
        s.severity = *sev;
        s.rule = str(f, "rule");
        s.location = str(f, "location");
        s.policy = str(f, "policy");
        s.message = str(f, "message");
        s.text = str(f, "text");
        s.example = str(f, "example");
        s.conditional = f.value("conditional", false);
        s.excess = f.value("excess", json());
        s.waived = f.contains("waived") && !f["waived"].is_null();
        return s;
    }

    // Keys are unique: a second finding with the same check, firewall and rule identity (two
    // identical iptables lines) gets an occurrence number, in report order.
    std::map<std::string, FindingState> findings() const {
        std::map<std::string, FindingState> out;
        for (const auto& f : report_["findings"]) {
            std::string firewall = str(f, "firewall");
            std::string base =
                str(f, "check") + '\x1f' + firewall + '\x1f' +
                rule_identity(format_of(firewall), str(f, "policy"), str(f, "rule"), str(f, "text"));
            std::string key = base;
            for (int n = 2; out.count(key); ++n)
                key = base + "\x1f#" + std::to_string(n);
            out.emplace(key, finding(f));
        }
        return out;
    }

    const json& report() const { return report_; }

  private:
    const std::string& format_of(const std::string& firewall) const {
        static const std::string none;
        auto it = formats_.find(firewall);
        return it == formats_.end() ? none : it->second;
    }

    const json& report_;
    std::string name_;
    std::map<std::string, std::string> formats_;
};

// The deciding rules as a comparable multiset: identity, action and whether only possibly.
std::vector<std::string> decider_keys(const VerdictState& v) {
    std::vector<std::string> out;
    for (const auto& d : v.decided_by)
        out.push_back(d.identity + '\x1f' + d.action + (d.conditional ? "\x1fmay" : ""));
    std::sort(out.begin(), out.end());
    return out;
}

std::optional<FlowChange> classify(const VerdictState& before, const VerdictState& after) {
    int b = rank(before.verdict), a = rank(after.verdict);
    if (b < 0 || a < 0) return b == a ? std::nullopt : std::optional(FlowChange::scope);
    if ((b == 0 && a > 0) || (a == 3 && b < 3)) return FlowChange::broken;
    if (b > 0 && a == 0) return FlowChange::fixed;
    if (a > b) return FlowChange::worse;
    if (a < b) return FlowChange::better;
    if (decider_keys(before) != decider_keys(after)) return FlowChange::rules;
    return std::nullopt;
}

// One keyed list of verdicts per side, compared in the order the keys first appear (before's
// order, then what only the candidate has).
struct Keyed {
    std::vector<std::string> order;
    std::map<std::string, std::pair<const json*, const json*>> sides;
    void add(const std::string& key, const json* j, bool after) {
        auto [it, fresh] = sides.try_emplace(key, nullptr, nullptr);
        if (fresh) order.push_back(key);
        (after ? it->second.second : it->second.first) = j;
    }
};

void compare_verdicts(const Reader& before, const Reader& after, const char* list, bool per_firewall,
                      std::vector<FlowDiff>& out, size_t& unchanged) {
    Keyed keyed;
    for (const Reader* r : {&before, &after}) {
        for (const auto& j : r->report()[list]) {
            std::string key = str(j, "flow") + (per_firewall ? '\x1f' + str(j, "firewall") : std::string());
            keyed.add(key, &j, r == &after);
        }
    }
    for (const auto& key : keyed.order) {
        auto [b, a] = keyed.sides[key];
        FlowDiff d;
        const json& any = b ? *b : *a;
        d.flow = str(any, "flow");
        d.level = str(any, "level");
        d.firewall = per_firewall ? str(any, "firewall") : std::string();
        if (b) d.before = before.verdict(*b);
        if (a) d.after = after.verdict(*a);
        auto change = classify(d.before, d.after);
        if (!change) {
            ++unchanged;
            continue;
        }
        d.change = *change;
        out.push_back(std::move(d));
    }
}

void compare_findings(const Reader& before, const Reader& after, Diff& out) {
    auto b = before.findings(), a = after.findings();
    for (auto& [key, state] : b) {
        size_t cut = key.find('\x1f'), cut2 = key.find('\x1f', cut + 1);
        FindingDiff d{key,   key.substr(0, cut), key.substr(cut + 1, cut2 - cut - 1), FindingChange::resolved,
                      state, std::nullopt};
        if (auto it = a.find(key); it != a.end()) {
            const FindingState& now = it->second;
            if (now.severity > state.severity) {
                d.change = FindingChange::raised;
            } else if (now.severity < state.severity) {
                d.change = FindingChange::lowered;
            } else if (now.excess != state.excess || now.conditional != state.conditional) {
                d.change = FindingChange::changed;
            } else {
                ++out.unchanged_findings;
                continue;
            }
            d.after = now;
        }
        out.findings.push_back(std::move(d));
    }
    for (auto& [key, state] : a) {
        if (b.count(key)) continue;
        size_t cut = key.find('\x1f'), cut2 = key.find('\x1f', cut + 1);
        out.findings.push_back({key, key.substr(0, cut), key.substr(cut + 1, cut2 - cut - 1),
                                FindingChange::added, std::nullopt, state});
    }
    // Worst first, so a long list starts with what matters.
    auto worst = [](const FindingDiff& f) { return (f.after ? f.after : f.before)->severity; };
    std::stable_sort(out.findings.begin(), out.findings.end(),
                     [&](const FindingDiff& x, const FindingDiff& y) { return worst(x) > worst(y); });
}

}  // namespace

std::string_view to_string(FlowChange c) {
    switch (c) {
        case FlowChange::broken: return "broken";
        case FlowChange::worse: return "worse";
        case FlowChange::fixed: return "fixed";
        case FlowChange::better: return "better";
        case FlowChange::rules: return "rules";
        case FlowChange::scope: return "scope";
    }
    return "rules";
}

std::string_view to_string(FindingChange c) {
    switch (c) {
        case FindingChange::added: return "new";
        case FindingChange::resolved: return "resolved";
        case FindingChange::raised: return "raised";
        case FindingChange::lowered: return "lowered";
        case FindingChange::changed: return "changed";
    }
    return "changed";
}

bool Diff::verdicts_unchanged() const {
    auto moved = [](const FlowDiff& f) { return f.change != FlowChange::rules; };
    return std::none_of(flows.begin(), flows.end(), moved) &&
           std::none_of(end_to_end.begin(), end_to_end.end(), moved);
}

std::string rule_identity(const std::string& format, const std::string& policy, const std::string& rule,
                          const std::string& text) {
    const parsers::Vendor* v = parsers::vendor_named(format);
    return v ? v->identity(policy, rule, text) : parsers::named_rule_identity(policy, rule, text);
}

std::vector<const DiffDecision*> only_in(const VerdictState& in, const VerdictState& other) {
    std::vector<const DiffDecision*> out;
    for (const auto& d : in.decided_by) {
        bool kept = std::any_of(other.decided_by.begin(), other.decided_by.end(), [&](const DiffDecision& o) {
            return o.identity == d.identity && o.action == d.action;
        });
        if (!kept) out.push_back(&d);
    }
    return out;
}

Diff compare_reports(const json& before, const std::string& before_name, const json& after,
                     const std::string& after_name) {
    Reader b(before, before_name), a(after, after_name);
    Diff d;
    d.before = b.side();
    d.after = a.side();
    compare_verdicts(b, a, "flows", true, d.flows, d.unchanged_flows);
    compare_verdicts(b, a, "end_to_end", false, d.end_to_end, d.unchanged_end_to_end);
    compare_findings(b, a, d);
    return d;
}

bool got_worse(const FlowDiff& f) {
    return f.required() && (f.change == FlowChange::broken || f.change == FlowChange::worse);
}

bool is_new_problem(const FindingDiff& f) {
    bool appears = f.change == FindingChange::added || f.change == FindingChange::raised;
    return appears && !f.after->waived;
}

bool fails_gate(const FindingDiff& f, std::optional<Severity> fail_on) {
    return fail_on && is_new_problem(f) && f.after->severity >= *fail_on;
}

DiffGate gate_of(const Diff& d, std::optional<Severity> fail_on) {
    DiffGate g;
    g.fail_on = fail_on;
    for (const auto& f : d.flows) {
        if (got_worse(f)) g.broken_flows.push_back(f.flow + " at " + f.firewall);
    }
    for (const auto& f : d.end_to_end) {
        if (got_worse(f)) g.broken_flows.push_back(f.flow + " end to end");
    }
    for (const auto& f : d.findings) {
        if (!fails_gate(f, fail_on)) continue;
        g.new_findings.push_back(std::string(analysis::to_string(f.after->severity)) + " " + f.check +
                                 " at " + f.firewall);
    }
    return g;
}

}  // namespace flowgap::diff
