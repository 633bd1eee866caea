// JUnit XML for a diff, for CI pipelines: a test case per changed required verdict (at each
// firewall and end to end) and per new finding at or above --fail-on, failed exactly where the
// diff's gate fails, skipped where a waiver covers the finding. The verdicts and findings that
// did not change are one passing case, so a diff that changes nothing is still a report.
#include <algorithm>

#include <fmt/format.h>

#include "src/diff/diff.hpp"
#include "src/diff/items.hpp"
#include "src/report/junit.hpp"

namespace flowgap::diff {

using namespace flowgap::report;

namespace {

std::string details_of(const ProblemView& v) {
    std::string out = fmt::format("{}\nat {}", v.message, v.location);
    if (!v.example.empty()) out += "\nexample: " + v.example;
    if (!v.text.empty()) out += "\nrule: " + v.text;
    return out;
}

std::string deciders(const char* label, const std::vector<const DiffDecision*>& list) {
    std::string out;
    for (const DiffDecision* d : list)
        out += fmt::format("\n{}: {} {} ({})", label, d->action, d->rule, d->location);
    return out;
}

JunitCase flow_case(const Diff& d, const FlowDiff& f) {
    std::string where = f.firewall.empty() ? "end-to-end" : f.firewall;
    JunitCase c{"flowgap.diff.flows." + where, f.flow, "", "", "", ""};
    if (got_worse(f)) {
        ProblemView v = problem_of(d, f);
        c.failure_type = v.check;
        c.failure_message = fmt::format("{} {}: {}", analysis::to_string(v.severity), v.check, v.message);
        c.details = details_of(v);
        return c;
    }
    c.details = fmt::format("{} ({}) {}: {} -> {}", f.flow, f.level, to_string(f.change), f.before.verdict,
                            f.after.verdict);
    c.details += deciders("no longer decides", only_in(f.before, f.after));
    c.details += deciders("newly decides", only_in(f.after, f.before));
    return c;
}

// A new finding at or above --fail-on: it fails the gate unless a waiver covers it.
JunitCase finding_case(const FindingDiff& f) {
    ProblemView v = problem_of(f);
    JunitCase c{"flowgap.diff.findings." + f.firewall,
                fmt::format("{} {} ({})", f.check, v.subject, v.location),
                "",
                "",
                details_of(v),
                ""};
    if (f.after->waived) {
        c.skipped = "waived";
    } else {
        c.failure_type = f.check;
        c.failure_message = fmt::format("{} {}: {}", analysis::to_string(v.severity), f.check, v.message);
    }
    return c;
}

// One suite per firewall in the order the report lists them, then end to end.
std::vector<JunitSuite> flow_suites(const Diff& d) {
    std::vector<JunitSuite> out;
    for (const auto& f : d.flows) {
        if (!f.required()) continue;
        std::string name = "flows at " + f.firewall;
        auto it = std::find_if(out.begin(), out.end(), [&](const JunitSuite& s) { return s.name == name; });
        if (it == out.end()) it = out.insert(out.end(), JunitSuite{name, {}});
        it->cases.push_back(flow_case(d, f));
    }
    JunitSuite end{"flows end to end", {}};
    for (const auto& f : d.end_to_end) {
        if (f.required()) end.cases.push_back(flow_case(d, f));
    }
    if (!end.cases.empty()) out.push_back(std::move(end));
    return out;
}

}  // namespace

void write_diff_junit(std::ostream& out, const Diff& d, const DiffGate& g, const DiffReportOptions& o) {
    std::vector<JunitSuite> all = flow_suites(d);
    JunitSuite findings{"new findings", {}};
    for (const auto& f : d.findings) {
        bool appears = f.change == FindingChange::added || f.change == FindingChange::raised;
        if (appears && g.fail_on && f.after->severity >= *g.fail_on)
            findings.cases.push_back(finding_case(f));
    }
    if (!findings.cases.empty()) all.push_back(std::move(findings));
    JunitCase same{"flowgap.diff", "unchanged", "", "", "", ""};
    same.details = fmt::format("{} verdicts at firewalls, {} end to end and {} findings did not change",
                               d.unchanged_flows, d.unchanged_end_to_end, d.unchanged_findings);
    all.push_back(JunitSuite{"unchanged", {same}});
    write_junit(out, fmt::format("flowgap diff {} -> {}", d.before.source, d.after.source), all, o.timestamp);
}

}  // namespace flowgap::diff
