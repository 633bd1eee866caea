// What the diff's SARIF, JUnit and HTML say about one new problem (a required flow that got
// worse, a finding the change adds or raises), worded once so that they agree word for word.
// Only formatting: every fact comes from the Diff.
#pragma once

#include <string>

#include "analysis/checks.hpp"
#include "analysis/rule.hpp"
#include "src/diff/diff.hpp"

namespace flowgap::diff {

struct ProblemView {
    std::string check;  // required-flow, or the finding's check
    analysis::Severity severity = analysis::Severity::high;
    std::string firewall;  // empty: end to end
    std::string subject;   // the flow id, or the finding's rule
    std::string location;  // where it is now decided, in the candidate: "file:line:column"
    std::string message;   // one line
    std::string text;      // the deciding rule as written ("" when none)
    std::string example;   // an example packet ("" when none)
};

// `f` is a got_worse() flow of `d` (per firewall or end to end).
ProblemView problem_of(const Diff& d, const FlowDiff& f);
// `f` is an is_new_problem() finding.
ProblemView problem_of(const FindingDiff& f);

// The rule that decides what is lost of a flow: the first certain block, else the first rule
// that blocks or makes it conditional; nullptr when none does.
const DiffDecision* deciding_rule(const VerdictState& v);

// "1 flow", "2 flows".
std::string count(size_t n, const char* noun);

// The gate's verdict in one line, after "PASS: " or "FAIL: ": what got worse, or that nothing did.
std::string gate_summary(const Diff& d, const DiffGate& g);

// "file:line:column", "file:line" or "file" (as reports print locations) read back.
analysis::SourceLocation parse_location(const std::string& s);

}  // namespace flowgap::diff
