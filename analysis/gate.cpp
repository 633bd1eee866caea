#include "analysis/gate.hpp"

#include <algorithm>

namespace flowgap::analysis {

namespace {

// clang-format off
const std::vector<CheckInfo> kGateChecks = {
    {kRequiredFlowCheck, Severity::high,
     "a required Tanium flow is blocked, partial or conditional at a firewall (a gate passes only what it can prove)"},
    {"expired-waiver", Severity::medium, "a waiver has expired: it no longer waives what it names"},
    {"stale-waiver", Severity::low, "a waiver matches nothing in the audit (the rule or flow changed, or it was fixed)"},
};
// clang-format on

bool fails_required(const Audit& audit, const FlowAtFirewall& r) {
    if (audit.flows[r.flow].entry->level != Level::required) return false;
    return r.verdict == Verdict::blocked || r.verdict == Verdict::partial ||
           r.verdict == Verdict::conditional;
}

// A waiver names a rule by its name as reports print it, or by the part that names the rule
// alone (Rule::name_key).
bool rule_matches(const std::string& wanted, const Rule& rule) {
    if (wanted == rule.name) return true;
    return rule.name_key > 0 && std::string_view(rule.name).substr(0, rule.name_key) == wanted;
}

bool matches(const Waiver& w, const GateItem& item, const Deployment& d, const Audit& audit) {
    if (item.kind == GateItem::Kind::waiver || w.check != item.check) return false;
    if (d.firewalls[item.firewall].name != w.firewall) return false;
    if (item.kind == GateItem::Kind::flow) return audit.flows[item.flow->flow].entry->id == w.flow;
    return !w.rule.empty() && rule_matches(w.rule, *item.finding->rule);
}

void apply_waivers(Gate& g, const Deployment& d, const Audit& audit, const std::vector<Waiver>& waivers,
                   Date today) {
    for (const auto& w : waivers) {
        WaiverStatus status{&w, w.expires < today ? WaiverState::expired : WaiverState::active, 0};
        for (auto& item : g.items) {
            if (!matches(w, item, d, audit)) continue;
            ++status.matched;
            // The first active waiver in file order is the one reports name.
            if (status.state == WaiverState::active && !item.waived) {
                item.waived = true;
                item.waiver = &w;
            }
        }
        if (status.state == WaiverState::active && status.matched == 0) status.state = WaiverState::stale;
        g.waivers.push_back(status);
    }
    for (const auto& s : g.waivers) {
        if (s.state == WaiverState::active) continue;
        GateItem item;
        item.kind = GateItem::Kind::waiver;
        item.check = s.state == WaiverState::expired ? "expired-waiver" : "stale-waiver";
        item.severity = s.state == WaiverState::expired ? Severity::medium : Severity::low;
        item.waiver = s.waiver;
        for (size_t fi = 0; fi < d.firewalls.size(); ++fi) {
            if (d.firewalls[fi].name == s.waiver->firewall) item.firewall = fi;
        }
        g.items.push_back(item);
    }
}

}  // namespace

std::optional<Severity> parse_severity(std::string_view s) {
    for (Severity v : {Severity::info, Severity::low, Severity::medium, Severity::high, Severity::critical}) {
        if (to_string(v) == s) return v;
    }
    return std::nullopt;
}

const std::vector<CheckInfo>& gate_checks() {
    return kGateChecks;
}

std::string_view to_string(WaiverState s) {
    switch (s) {
        case WaiverState::active: return "active";
        case WaiverState::expired: return "expired";
        case WaiverState::stale: return "stale";
    }
    return "stale";
}

size_t Gate::failing() const {
    return static_cast<size_t>(
        std::count_if(items.begin(), items.end(), [](const GateItem& i) { return i.fails; }));
}

size_t Gate::waived() const {
    return static_cast<size_t>(
        std::count_if(items.begin(), items.end(), [](const GateItem& i) { return i.waived; }));
}

const GateItem* Gate::item_for(const Finding& f) const {
    for (const auto& i : items) {
        if (i.finding == &f) return &i;
    }
    return nullptr;
}

const GateItem* Gate::item_for(const FlowAtFirewall& r) const {
    for (const auto& i : items) {
        if (i.flow == &r) return &i;
    }
    return nullptr;
}

Gate run_gate(const Deployment& d, const Audit& audit, const std::vector<Finding>& findings,
              const std::vector<Waiver>& waivers, Severity fail_on, Date today) {
    Gate g;
    g.fail_on = fail_on;
    for (const auto& r : audit.results) {
        if (!fails_required(audit, r)) continue;
        GateItem item;
        item.kind = GateItem::Kind::flow;
        item.check = std::string(kRequiredFlowCheck);
        item.severity = Severity::high;
        item.firewall = r.firewall;
        item.flow = &r;
        g.items.push_back(item);
    }
    for (const auto& f : findings) {
        GateItem item;
        item.kind = GateItem::Kind::finding;
        item.check = f.check;
        item.severity = f.severity;
        item.firewall = f.firewall;
        item.finding = &f;
        g.items.push_back(item);
    }
    apply_waivers(g, d, audit, waivers, today);
    for (auto& item : g.items)
        item.fails = !item.waived && item.severity >= fail_on;
    return g;
}

}  // namespace flowgap::analysis
