// The JSON form of a diff, schema "flowgap-diff/1" (docs/change-windows.md). Key order is fixed
// (ordered_json) so that the same inputs give byte-identical output.
#include <nlohmann/json.hpp>

#include "src/diff/diff.hpp"
#include "src/report/utf8.hpp"

namespace flowgap::diff {

using nlohmann::ordered_json;

namespace {

ordered_json text_or_null(const std::string& s) {
    return s.empty() ? ordered_json(nullptr) : ordered_json(s);
}

ordered_json side_json(const Side& s) {
    ordered_json fws = ordered_json::array();
    for (const auto& f : s.firewalls)
        fws.push_back({{"name", f.name}, {"format", f.format}, {"config", f.config}, {"rules", f.rules}});
    return {{"source", s.source},
            {"deployment", s.deployment},
            {"firewalls", fws},
            {"required_flows", s.required_flows},
            {"required_flows_not_allowed", s.required_flows_not_allowed}};
}

ordered_json verdict_json(const VerdictState& v, bool per_firewall) {
    ordered_json j;
    j["verdict"] = v.verdict;
    if (per_firewall) {
        ordered_json decided = ordered_json::array();
        for (const auto& d : v.decided_by) {
            decided.push_back({{"rule", d.rule},
                               {"action", d.action},
                               {"location", d.location},
                               {"policy", d.policy},
                               {"conditional", d.conditional},
                               {"example", text_or_null(d.example)},
                               {"text", d.text}});
        }
        j["decided_by"] = decided;
    }
    j["example_blocked"] = text_or_null(v.example_blocked);
    j["example_conditional"] = text_or_null(v.example_conditional);
    return j;
}

ordered_json deciders_json(const std::vector<const DiffDecision*>& list) {
    ordered_json out = ordered_json::array();
    for (const DiffDecision* d : list)
        out.push_back({{"rule", d->rule}, {"action", d->action}, {"location", d->location}});
    return out;
}

ordered_json flow_json(const FlowDiff& f) {
    bool per_firewall = !f.firewall.empty();
    ordered_json j;
    j["flow"] = f.flow;
    j["level"] = f.level;
    if (per_firewall) j["firewall"] = f.firewall;
    j["change"] = to_string(f.change);
    j["before"] = verdict_json(f.before, per_firewall);
    j["after"] = verdict_json(f.after, per_firewall);
    if (per_firewall) {
        j["no_longer_deciding"] = deciders_json(only_in(f.before, f.after));
        j["newly_deciding"] = deciders_json(only_in(f.after, f.before));
    }
    return j;
}

ordered_json finding_state_json(const std::optional<FindingState>& s) {
    if (!s) return nullptr;
    return {{"severity", analysis::to_string(s->severity)},
            {"rule", s->rule},
            {"location", s->location},
            {"policy", s->policy},
            {"conditional", s->conditional},
            {"waived", s->waived},
            {"message", s->message},
            {"example", text_or_null(s->example)},
            {"text", s->text}};
}

ordered_json gate_json(const DiffGate& g) {
    return {{"fail_on", g.fail_on ? ordered_json(analysis::to_string(*g.fail_on)) : ordered_json("none")},
            {"failed", g.failed()},
            {"broken_flows", g.broken_flows},
            {"new_findings", g.new_findings}};
}

}  // namespace

void write_diff_json(std::ostream& out, const Diff& d, const DiffGate& g) {
    ordered_json j;
    j["schema"] = "flowgap-diff/1";
    j["before"] = side_json(d.before);
    j["after"] = side_json(d.after);
    j["flows"] = ordered_json::array();
    for (const auto& f : d.flows)
        j["flows"].push_back(flow_json(f));
    j["end_to_end"] = ordered_json::array();
    for (const auto& f : d.end_to_end)
        j["end_to_end"].push_back(flow_json(f));
    j["findings"] = ordered_json::array();
    for (const auto& f : d.findings) {
        j["findings"].push_back({{"change", to_string(f.change)},
                                 {"check", f.check},
                                 {"firewall", f.firewall},
                                 {"before", finding_state_json(f.before)},
                                 {"after", finding_state_json(f.after)}});
    }
    j["unchanged"] = {{"flows", d.unchanged_flows},
                      {"end_to_end", d.unchanged_end_to_end},
                      {"findings", d.unchanged_findings}};
    j["verdicts_unchanged"] = d.verdicts_unchanged();
    j["gate"] = gate_json(g);
    out << report::dump_json(j) << "\n";
}

}  // namespace flowgap::diff
