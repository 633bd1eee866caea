// The JSON report, schema "flowgap-report/1". Key order is fixed (ordered_json) so that the same
// inputs give byte-identical output.
#include <nlohmann/json.hpp>

#include "src/report/items.hpp"
#include "src/report/redact.hpp"
#include "src/report/remedies.hpp"
#include "src/report/report.hpp"
#include "src/report/utf8.hpp"

namespace flowgap::report {

using nlohmann::ordered_json;
using namespace flowgap::analysis;

namespace {

ordered_json example(const FlowSpace& s) {
    auto p = s.example();
    return p ? ordered_json(p->str()) : ordered_json(nullptr);
}

ordered_json waiver_ref(const GateItem* item) {
    if (!item || !item->waived) return nullptr;
    const Waiver& w = *item->waiver;
    return {{"reason", w.reason}, {"expires", w.expires.str()}, {"location", w.location.str()}};
}

// What the gate says of one flow result or finding: whether it fails it, and the waiver.
void gate_fields(ordered_json& j, const Report& r, const GateItem* item) {
    if (!r.gate) return;
    j["fails_gate"] = item && item->fails;
    j["waived"] = waiver_ref(item);
}

ordered_json decision_json(const Decision& d, const Policy& policy) {
    ordered_json j;
    j["rule"] = mask_secrets(d.rule->name);
    j["action"] = to_string(d.rule->action);
    j["location"] = d.rule->location.str();
    j["policy"] = policy.name;
    j["conditional"] = d.conditional;
    j["example"] = example(d.space);
    j["text"] = mask_secrets(d.rule->text);
    if (d.conditional) j["conditions"] = conditions_for(*d.rule, d.space);
    return j;
}

ordered_json remedies_json(const std::vector<Remedy>& list) {
    ordered_json out = ordered_json::array();
    for (const auto& rem : list) {
        ordered_json j{{"summary", rem.summary}, {"commands", rem.commands}};
        if (!rem.xml.empty()) j["xml"] = rem.xml;
        out.push_back(j);
    }
    return out;
}

// Destination translations as `{rule, location, original, translated}`: the public address the
// packets are sent to, and the real one they reach.
ordered_json nat_json(const std::vector<const Translation*>& list) {
    ordered_json nat = ordered_json::array();
    for (const Translation* t : list) {
        nat.push_back({{"rule", mask_secrets(t->rule)},
                       {"location", t->location.str()},
                       {"original", t->original.str()},
                       {"translated", t->translated.str()}});
    }
    return nat;
}

ordered_json result_json(const Report& r, const FlowAtFirewall& res) {
    const Flow& flow = r.audit.flows[res.flow];
    ordered_json j;
    j["flow"] = flow.entry->id;
    j["level"] = to_string(flow.entry->level);
    j["firewall"] = r.deployment.firewalls[res.firewall].name;
    j["verdict"] = to_string(res.verdict);
    j["from"] = res.crossing.sources().cidrs();
    j["to"] = res.crossing.destinations().cidrs();
    j["protocol"] = res.crossing.protocols().str();
    j["ports"] = res.crossing.dports().str();
    j["service"] = flow.service;
    // The destination NATs this flow's packets went through: sent to `original`, reaching
    // `translated` (the address the flow names).
    j["nat"] = nat_json(translations_of(r, res.firewall, res.crossing));
    ordered_json decided = ordered_json::array();
    std::vector<std::string> conditions;
    for (const auto& part : res.parts) {
        for (const auto& d : part.evaluation.decisions) {
            decided.push_back(decision_json(d, *part.policy));
            if (!d.conditional) continue;
            for (const auto& c : conditions_for(*d.rule, d.space)) {
                if (std::find(conditions.begin(), conditions.end(), c) == conditions.end())
                    conditions.push_back(c);
            }
        }
    }
    j["decided_by"] = decided;
    j["conditions"] = conditions;
    j["notes"] = res.notes;
    j["remediation"] = remedies_json(remedies(r, res));
    j["example_allowed"] = example(res.allowed);
    j["example_blocked"] = example(res.blocked);
    j["example_conditional"] = example(res.conditional);
    gate_fields(j, r, r.gate ? r.gate->item_for(res) : nullptr);
    return j;
}

ordered_json space_json(const FlowSpace& s) {
    if (s.empty()) return nullptr;
    return {{"from", s.sources().cidrs()},
            {"to", s.destinations().cidrs()},
            {"protocol", s.protocols().str()},
            {"ports", s.dports().str()}};
}

ordered_json finding_json(const Report& r, const Finding& f) {
    ordered_json j;
    j["check"] = f.check;
    j["severity"] = to_string(f.severity);
    j["firewall"] = r.deployment.firewalls[f.firewall].name;
    j["rule"] = mask_secrets(f.rule->name);
    j["location"] = f.rule->location.str();
    j["policy"] = f.policy->name;
    j["conditional"] = f.conditional;
    j["message"] = f.message;
    j["excess"] = space_json(f.excess);
    j["needed"] = space_json(f.needed);
    j["example"] = example(f.excess.empty() ? f.needed : f.excess);
    j["flows"] = f.flows;
    j["published"] = nat_json(f.published);
    j["remediation"] = remedies_json(remedies(r, f));
    j["text"] = mask_secrets(f.rule->text);
    gate_fields(j, r, r.gate ? r.gate->item_for(f) : nullptr);
    return j;
}

ordered_json waivers_json(const Gate& g) {
    ordered_json out = ordered_json::array();
    for (const auto& s : g.waivers) {
        const Waiver& w = *s.waiver;
        ordered_json j;
        j["check"] = w.check;
        j["firewall"] = w.firewall;
        j["rule"] = w.rule.empty() ? ordered_json(nullptr) : ordered_json(w.rule);
        j["flow"] = w.flow.empty() ? ordered_json(nullptr) : ordered_json(w.flow);
        j["reason"] = w.reason;
        j["expires"] = w.expires.str();
        j["location"] = w.location.str();
        j["status"] = to_string(s.state);
        j["matched"] = s.matched;
        out.push_back(j);
    }
    return out;
}

ordered_json gate_json(const Report& r) {
    const Gate& g = *r.gate;
    ordered_json j;
    j["fail_on"] = to_string(g.fail_on);
    j["passed"] = g.passed();
    j["failing"] = g.failing();
    j["waived"] = g.waived();
    SeverityCounts c = count(g);
    ordered_json counts;
    for (Severity s : severities_descending())
        counts[std::string(to_string(s))] = c.open[static_cast<size_t>(s)];
    j["open_by_severity"] = counts;
    j["items"] = ordered_json::array();
    for (const auto& item : g.items) {
        ItemView v = view(r, item);
        ordered_json x;
        x["check"] = v.check;
        x["severity"] = v.severity;
        x["kind"] = item.kind == GateItem::Kind::flow      ? "flow"
                    : item.kind == GateItem::Kind::finding ? "finding"
                                                           : "waiver";
        x["firewall"] = v.firewall.empty() ? ordered_json(nullptr) : ordered_json(v.firewall);
        x["subject"] = v.subject;
        x["location"] = v.location.str();
        x["message"] = v.message;
        x["fails"] = item.fails;
        x["waived"] = waiver_ref(&item);
        j["items"].push_back(x);
    }
    return j;
}

ordered_json firewall_json(const FirewallSpec& spec, const Firewall& fw) {
    ordered_json j;
    j["name"] = spec.name;
    j["format"] = fw.format;
    j["config"] = spec.config_paths.front();  // the first: a string, as before several were allowed
    j["configs"] = spec.config_paths;
    j["host"] = spec.host ? ordered_json(spec.host->cidrs()) : ordered_json(nullptr);
    j["rules"] = fw.rule_count;
    ordered_json warnings = ordered_json::array();
    for (const auto& w : fw.warnings)
        warnings.push_back({{"location", w.location.str()}, {"message", mask_secrets(w.message)}});
    j["warnings"] = warnings;
    return j;
}

ordered_json flow_json(const Flow& f) {
    ordered_json j;
    j["flow"] = f.entry->id;
    j["level"] = to_string(f.entry->level);
    j["summary"] = f.entry->summary;
    j["from"] = f.from.cidrs();
    j["to"] = f.to.cidrs();
    j["both_ways"] = f.entry->both_ways;
    j["service"] = f.service;
    j["setting"] = f.entry->setting;
    j["seed"] = f.entry->seed;
    return j;
}

}  // namespace

void write_audit_json(std::ostream& out, const Report& r) {
    ordered_json j;
    j["schema"] = "flowgap-report/1";
    j["deployment"] = r.deployment.path;
    if (r.options.timestamp) j["generated"] = *r.options.timestamp;
    j["firewalls"] = ordered_json::array();
    for (size_t i = 0; i < r.firewalls.size(); ++i) {
        j["firewalls"].push_back(firewall_json(r.deployment.firewalls[i], r.firewalls[i]));
    }
    j["flows"] = ordered_json::array();
    for (const auto& res : r.audit.results)
        j["flows"].push_back(result_json(r, res));
    j["end_to_end"] = ordered_json::array();
    size_t required = 0, failing = 0;
    for (const auto& e : r.audit.end_to_end) {
        const Flow& f = r.audit.flows[e.flow];
        ordered_json x;
        x["flow"] = f.entry->id;
        x["level"] = to_string(f.entry->level);
        x["verdict"] = to_string(e.verdict);
        ordered_json names = ordered_json::array();
        for (size_t fi : e.firewalls)
            names.push_back(r.deployment.firewalls[fi].name);
        x["firewalls"] = names;
        x["example_blocked"] = example(e.blocked);
        x["example_conditional"] = example(e.conditional);
        j["end_to_end"].push_back(x);
        if (f.entry->level != Level::required) continue;
        ++required;
        if (e.verdict != Verdict::allowed && e.verdict != Verdict::not_applicable) ++failing;
    }
    j["findings"] = ordered_json::array();
    for (const auto& f : r.findings)
        j["findings"].push_back(finding_json(r, f));
    j["summary"] = {{"required_flows", required},
                    {"required_flows_not_allowed", failing},
                    {"passed", r.audit.required_flows_allowed()}};
    if (r.gate) {
        j["waivers"] = waivers_json(*r.gate);
        j["gate"] = gate_json(r);
    }
    out << dump_json(j) << "\n";
}

void write_flows_json(std::ostream& out, const Deployment& d, const std::vector<Flow>& flows) {
    ordered_json j;
    j["schema"] = "flowgap-flows/1";
    j["deployment"] = d.path;
    j["flows"] = ordered_json::array();
    for (const auto& f : flows)
        j["flows"].push_back(flow_json(f));
    out << dump_json(j) << "\n";
}

}  // namespace flowgap::report
