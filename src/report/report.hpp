// Report writers: each turns the same audit into one output format. Writers only format; every
// fact they print comes from analysis::Audit.
#pragma once

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "analysis/audit.hpp"
#include "analysis/checks.hpp"
#include "analysis/gate.hpp"
#include "analysis/remediation.hpp"

namespace flowgap::report {

// How a report is presented; never what it says.
struct ReportOptions {
    bool color = false;                    // ANSI colors in the text view (the caller decides: TTY, NO_COLOR)
    bool quiet = false;                    // text: only what fails the gate
    std::optional<std::string> timestamp;  // --timestamp: when the report was made (UTC, ISO 8601)
    // HTML: the nonce of the report's script, which `flowgap serve`'s Content-Security-Policy
    // allows instead of every inline script. Empty: no nonce (a saved file has no CSP).
    std::string script_nonce;
};

// The remedies a report prints, in each firewall's own language, planned once before any writer
// runs (plan_remedies, src/report/remedies.hpp) and masked like the rest of the report.
struct Remedies {
    // By (flow, firewall), as analysis::FlowAtFirewall names them: one per certain block.
    std::map<std::pair<size_t, size_t>, std::vector<analysis::Remedy>> flows;
    // By finding, as indices into Report::findings.
    std::map<size_t, std::vector<analysis::Remedy>> findings;
};

struct Report {
    const analysis::Deployment& deployment;
    const std::vector<analysis::Firewall>& firewalls;
    const analysis::Audit& audit;
    const std::vector<analysis::Finding>& findings;
    // The gate at --fail-on after waivers. Text and JSON print it when set; the other formats
    // need it.
    const analysis::Gate* gate = nullptr;
    ReportOptions options = {};
    // Planned by the audit pipeline (src/report/pipeline.hpp); null: the report proposes none.
    const Remedies* remedies = nullptr;
};

void write_audit_text(std::ostream& out, const Report& r);
void write_audit_json(std::ostream& out, const Report& r);
// Formats for other audiences (docs/usage.md, "Formats"): each needs Report::gate.
void write_audit_html(std::ostream& out, const Report& r);
void write_audit_sarif(std::ostream& out, const Report& r);
void write_audit_junit(std::ostream& out, const Report& r);
void write_audit_markdown(std::ostream& out, const Report& r);

void write_flows_text(std::ostream& out, const analysis::Deployment& d,
                      const std::vector<analysis::Flow>& flows);
void write_flows_json(std::ostream& out, const analysis::Deployment& d,
                      const std::vector<analysis::Flow>& flows);

}  // namespace flowgap::report
