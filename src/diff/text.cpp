// The terminal view of a diff: what moved, the rules behind each move, then the gate.
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "src/diff/diff.hpp"
#include "src/diff/items.hpp"
#include "src/report/visible.hpp"

namespace flowgap::diff {


namespace {

// Long decision lists (a flow split over hundreds of rules) stay readable; the JSON has them all.
constexpr size_t kMaxDecisions = 8;

void write_firewalls(std::ostream& out, const Diff& d) {
    for (const auto& b : d.before.firewalls) {
        auto a = std::find_if(d.after.firewalls.begin(), d.after.firewalls.end(),
                              [&](const FirewallSide& f) { return f.name == b.name; });
        if (a == d.after.firewalls.end()) {
            fmt::print(out, "  {}: {} (only before)\n", report::visible(b.name), report::visible(b.config));
        } else if (a->config != b.config || a->rules != b.rules) {
            fmt::print(out, "  {}: {} ({} rules) -> {} ({} rules)\n", report::visible(b.name),
                       report::visible(b.config), b.rules, report::visible(a->config), a->rules);
        }
    }
    for (const auto& a : d.after.firewalls) {
        bool known = std::any_of(d.before.firewalls.begin(), d.before.firewalls.end(),
                                 [&](const FirewallSide& f) { return f.name == a.name; });
        if (!known) fmt::print(out, "  {}: {} (only after)\n", report::visible(a.name), report::visible(a.config));
    }
}

void write_decisions(std::ostream& out, const char* side, const VerdictState& v, const VerdictState& other,
                     const char* mark) {
    auto gone = only_in(v, other);
    size_t n = 0;
    for (const auto& d : v.decided_by) {
        if (++n > kMaxDecisions) {
            fmt::print(out, "      {:<6} ... {} more\n", side, v.decided_by.size() - kMaxDecisions);
            break;
        }
        bool changed = std::find(gone.begin(), gone.end(), &d) != gone.end();
        fmt::print(out, "      {:<6} {}{:<6} {} ({}){}{}\n", side, d.conditional ? "may " : "", report::visible(d.action),
                   report::visible(d.rule), report::visible(d.location), d.example.empty() ? "" : " e.g. " + d.example, changed ? mark : "");
    }
}

void write_flow(std::ostream& out, const FlowDiff& f) {
    std::string where = f.firewall.empty() ? "end to end" : "at " + report::visible(f.firewall);
    fmt::print(out, "  {:<8} {:<32} {:<24} {} -> {} ({})\n", to_string(f.change), report::visible(f.flow),
               where, report::visible(f.before.verdict), report::visible(f.after.verdict), report::visible(f.level));
    if (!f.firewall.empty()) {
        write_decisions(out, "before", f.before, f.after, "  [no longer decides]");
        write_decisions(out, "after", f.after, f.before, "  [new]");
        return;
    }
    if (!f.after.example_blocked.empty())
        fmt::print(out, "      now blocked e.g. {}\n", f.after.example_blocked);
    if (!f.after.example_conditional.empty())
        fmt::print(out, "      now conditional e.g. {}\n", f.after.example_conditional);
}

void write_flows(std::ostream& out, const Diff& d) {
    fmt::print(out, "\nTanium flows\n");
    size_t unchanged = d.unchanged_flows + d.unchanged_end_to_end;
    if (d.verdicts_unchanged()) {
        fmt::print(out, "  no change to Tanium flows ({} verdicts compared)\n", unchanged);
    } else {
        for (const auto* list : {&d.flows, &d.end_to_end}) {
            for (const auto& f : *list) {
                if (f.change != FlowChange::rules) write_flow(out, f);
            }
        }
        fmt::print(out, "  {} unchanged\n", count(unchanged, "verdict"));
    }
    bool header = false;
    for (const auto& f : d.flows) {
        if (f.change != FlowChange::rules) continue;
        if (!header) fmt::print(out, "\nsame verdicts, decided by other rules\n");
        header = true;
        write_flow(out, f);
    }
}

void write_finding(std::ostream& out, const FindingDiff& f) {
    const FindingState& s = f.after ? *f.after : *f.before;
    std::string severity(analysis::to_string(s.severity));
    if (f.before && f.after && f.before->severity != f.after->severity)
        severity = fmt::format("{} -> {}", analysis::to_string(f.before->severity), severity);
    fmt::print(out, "  {:<9} {:<8} {:<21} {} {} ({}){}\n", to_string(f.change), severity, report::visible(f.check),
               report::visible(f.firewall), report::visible(s.rule), report::visible(s.location), s.waived ? " waived" : "");
    if (f.change == FindingChange::changed || f.change == FindingChange::raised ||
        f.change == FindingChange::lowered)
        fmt::print(out, "      was: {}\n", report::visible(f.before->message));
    fmt::print(out, "      {}{}\n", f.change == FindingChange::resolved ? "was: " : "", report::visible(s.message));
    if (!s.example.empty() && f.change != FindingChange::resolved)
        fmt::print(out, "      e.g. {}\n", s.example);
}

void write_gate(std::ostream& out, const Diff& d, const DiffGate& g) {
    fmt::print(out, "\n{}: {}\n", g.failed() ? "FAIL" : "PASS", report::visible(gate_summary(d, g)));
}

}  // namespace

void write_diff_text(std::ostream& out, const Diff& d, const DiffGate& g) {
    fmt::print(out, "flowgap diff: {} -> {}\n", report::visible(d.before.source), report::visible(d.after.source));
    write_firewalls(out, d);
    write_flows(out, d);
    fmt::print(out, "\nfindings\n");
    for (const auto& f : d.findings)
        write_finding(out, f);
    if (d.findings.empty()) {
        fmt::print(out, "  no change to findings ({} compared)\n", d.unchanged_findings);
    } else {
        fmt::print(out, "  {} unchanged\n", count(d.unchanged_findings, "finding"));
    }
    write_gate(out, d, g);
}

}  // namespace flowgap::diff
