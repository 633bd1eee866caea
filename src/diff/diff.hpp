// Change windows: what a candidate configuration does to Tanium, as the difference of two audits.
//
// The comparison reads two flowgap-report/1 documents and nothing else, so `flowgap diff
// DEPLOYMENT --candidate ...` (which audits twice and serialises both audits) and `flowgap diff
// BEFORE.json AFTER.json` share one code path and give the same answer by construction.
// Schema of the result: docs/change-windows.md (flowgap-diff/1).
#pragma once

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/checks.hpp"

namespace flowgap::diff {

// One rule's share of a verdict, as a report states it.
struct DiffDecision {
    std::string rule;
    std::string action;  // allow | block | unknown
    std::string location;
    std::string policy;
    std::string text;
    std::string example;
    bool conditional = false;
    std::string identity;  // what stays the same when lines shift (see rule_identity)
};

// A verdict on one side of the comparison.
struct VerdictState {
    std::string verdict = "not-applicable";  // also when the flow does not cross the firewall
    std::vector<DiffDecision> decided_by;    // empty end to end
    std::string example_blocked;             // empty when none
    std::string example_conditional;
};

// How a verdict moved. Verdicts rank allowed < conditional < partial < blocked by how much of
// the flow may be lost; not-applicable (the flow starts or stops crossing) ranks with none.
enum class FlowChange {
    broken,  // was allowed and now is not, or is now blocked entirely
    worse,   // was not allowed, now more is lost but not all (conditional -> partial)
    fixed,   // was not allowed, now is
    better,  // less is lost but still not allowed
    rules,   // same verdict, other rules decide it
    scope,   // the flow starts or stops crossing (not-applicable on one side)
};
std::string_view to_string(FlowChange c);

struct FlowDiff {
    std::string flow;
    std::string level;     // required | recommended | optional
    std::string firewall;  // empty: the end-to-end verdict
    FlowChange change = FlowChange::rules;
    VerdictState before, after;
    bool required() const { return level == "required"; }
};

// A finding on one side, as a report states it.
struct FindingState {
    analysis::Severity severity = analysis::Severity::medium;
    std::string rule;
    std::string location;
    std::string policy;
    std::string message;
    std::string text;
    std::string example;
    bool conditional = false;
    bool waived = false;    // an active waiver covers it (reports written with a gate say so)
    nlohmann::json excess;  // compared, not printed: a finding whose excess grows is `changed`
};

enum class FindingChange { added, resolved, raised, lowered, changed };
std::string_view to_string(FindingChange c);

// Findings match across the sides by key: check, firewall and rule identity (never the line).
struct FindingDiff {
    std::string key;
    std::string check;
    std::string firewall;
    FindingChange change = FindingChange::changed;
    std::optional<FindingState> before, after;
};

struct FirewallSide {
    std::string name;
    std::string format;
    std::string config;
    size_t rules = 0;
};

// What one report says about itself.
struct Side {
    std::string source;  // the report file, or "audit of DEPLOYMENT"
    std::string deployment;
    std::vector<FirewallSide> firewalls;
    size_t required_flows = 0;
    size_t required_flows_not_allowed = 0;
};

struct Diff {
    Side before, after;
    std::vector<FlowDiff> flows;       // changed (flow, firewall) pairs, in report order
    std::vector<FlowDiff> end_to_end;  // changed end-to-end verdicts, catalog order
    std::vector<FindingDiff> findings;
    size_t unchanged_flows = 0;
    size_t unchanged_end_to_end = 0;
    size_t unchanged_findings = 0;
    // True when no verdict moved (rules-only changes do not count).
    bool verdicts_unchanged() const;
};

// A rule's identity across two exports of one firewall. Line numbers shift when rules are added
// above, so they are no part of it. Where rules carry names their administrators give them, the
// identity is the policy and the name; where names are positions (iptables `FORWARD#5`), the
// vendor's row of the table (parsers/vendors.hpp) says what stays. `format` is the report's
// firewall format; one no row names gets the policy and the name.
std::string rule_identity(const std::string& format, const std::string& policy, const std::string& rule,
                          const std::string& text);

// The rules that decide `in` but not `other` (by identity and action): what a change removed,
// or what it put in their place.
std::vector<const DiffDecision*> only_in(const VerdictState& in, const VerdictState& other);

// Compares two flowgap-report/1 documents. `before_name`/`after_name` label them in errors and
// in the output. Throws analysis::InputError when either is not such a report.
Diff compare_reports(const nlohmann::json& before, const std::string& before_name,
                     const nlohmann::json& after, const std::string& after_name);

// A required flow whose verdict got worse (broken or worse): it fails the gate, and it is what
// SARIF and JUnit report as a new problem.
bool got_worse(const FlowDiff& f);
// A finding the change adds or raises that no active waiver covers, whatever its severity.
bool is_new_problem(const FindingDiff& f);
// A new problem at or above `fail_on` (none: findings never fail).
bool fails_gate(const FindingDiff& f, std::optional<analysis::Severity> fail_on);

// What makes `flowgap diff` exit 1: a required flow that got worse somewhere, or a finding that
// appears (or rises) at or above `fail_on` and is not waived. No fail_on: findings never fail it.
struct DiffGate {
    std::optional<analysis::Severity> fail_on;
    std::vector<std::string> broken_flows;  // "client-to-server at core-router", ...
    std::vector<std::string> new_findings;  // "critical exposed-server-port at core-router", ...
    bool failed() const { return !broken_flows.empty() || !new_findings.empty(); }
};
DiffGate gate_of(const Diff& d, std::optional<analysis::Severity> fail_on);

// How a diff is presented; never what it says.
struct DiffReportOptions {
    std::optional<std::string> timestamp;  // --timestamp: when the report was made (UTC, ISO 8601)
};

// Writers: each formats the same Diff and DiffGate (docs/change-windows.md, "Output formats").
void write_diff_text(std::ostream& out, const Diff& d, const DiffGate& g);
void write_diff_json(std::ostream& out, const Diff& d, const DiffGate& g);
void write_diff_markdown(std::ostream& out, const Diff& d, const DiffGate& g);
// The before and after of every changed verdict side by side, with the deciding rules as written.
void write_diff_html(std::ostream& out, const Diff& d, const DiffGate& g, const DiffReportOptions& o);
// Only the new problems (got_worse flows, is_new_problem findings), located in the candidate.
void write_diff_sarif(std::ostream& out, const Diff& d, const DiffGate& g, const DiffReportOptions& o);
// A test case per changed required verdict and per new finding at or above --fail-on.
void write_diff_junit(std::ostream& out, const Diff& d, const DiffGate& g, const DiffReportOptions& o);

}  // namespace flowgap::diff
