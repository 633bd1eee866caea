// SARIF 2.1.0 for a diff: only what the change made worse, so that code scanning on a pull
// request annotates the candidate where it broke a required flow or opened an exposure, and
// nothing that was already there (the audit's SARIF reports that), fixed, lowered or waived.
#include <nlohmann/json.hpp>

#include "src/diff/diff.hpp"
#include "src/diff/items.hpp"
#include "src/report/sarif.hpp"
#include "src/report/utf8.hpp"

namespace flowgap::diff {

using namespace flowgap::report;

using nlohmann::ordered_json;

namespace {

ordered_json result_json(const ProblemView& v, const std::string& change, bool fails) {
    // The fingerprint is the audit's for the same item, so the two logs speak of one alert.
    ordered_json j = sarif_result(v.check, v.severity, v.message, parse_location(v.location),
                                  v.check + "|" + v.firewall + "|" + v.subject);
    ordered_json props;
    props["severity"] = analysis::to_string(v.severity);
    props["firewall"] = v.firewall;
    props["change"] = change;
    props["failsGate"] = fails;
    if (!v.example.empty()) props["example"] = v.example;
    if (!v.text.empty()) props["ruleText"] = v.text;
    j["properties"] = props;
    return j;
}

// An end-to-end flow that also got worse at a firewall is reported there, where the rule is.
bool reported_at_a_firewall(const Diff& d, const FlowDiff& end) {
    for (const auto& f : d.flows) {
        if (f.flow == end.flow && got_worse(f)) return true;
    }
    return false;
}

}  // namespace

void write_diff_sarif(std::ostream& out, const Diff& d, const DiffGate& g, const DiffReportOptions& o) {
    ordered_json results = ordered_json::array();
    for (const auto& f : d.flows) {
        if (got_worse(f))
            results.push_back(result_json(problem_of(d, f), std::string(to_string(f.change)), true));
    }
    for (const auto& f : d.end_to_end) {
        if (got_worse(f) && !reported_at_a_firewall(d, f))
            results.push_back(result_json(problem_of(d, f), std::string(to_string(f.change)), true));
    }
    for (const auto& f : d.findings) {
        if (!is_new_problem(f)) continue;
        results.push_back(
            result_json(problem_of(f), std::string(to_string(f.change)), fails_gate(f, g.fail_on)));
    }
    out << report::dump_json(sarif_log(std::move(results), g.failed() ? 1 : 0, o.timestamp)) << "\n";
}

}  // namespace flowgap::diff
