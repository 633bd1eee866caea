// The Markdown form of a diff, for a pull-request comment or a change-board ticket: the gate
// first, then one table per kind of change.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include "src/diff/diff.hpp"
#include "src/report/items.hpp"

namespace flowgap::diff {

using namespace flowgap::report;

namespace {

std::string deciders(const std::vector<const DiffDecision*>& list) {
    std::vector<std::string> parts;
    for (const DiffDecision* d : list)
        parts.push_back(
            fmt::format("{} `{}` ({})", markdown_cell(d->action), markdown_code(d->rule), markdown_cell(d->location)));
    return parts.empty() ? "" : fmt::format("{}", fmt::join(parts, "<br>"));
}

void write_flows(std::ostream& out, const Diff& d) {
    if (d.flows.empty() && d.end_to_end.empty()) {
        fmt::print(out, "No change to Tanium flows ({} verdicts compared).\n\n",
                   d.unchanged_flows + d.unchanged_end_to_end);
        return;
    }
    if (d.verdicts_unchanged())
        fmt::print(out, "No change to Tanium flows; some are decided by other rules.\n\n");
    fmt::print(out, "| change | flow | where | before | after | no longer deciding | newly deciding |\n");
    fmt::print(out, "|---|---|---|---|---|---|---|\n");
    for (const auto* list : {&d.flows, &d.end_to_end}) {
        for (const auto& f : *list) {
            fmt::print(out, "| {} | `{}` ({}) | {} | {} | {} | {} | {} |\n", to_string(f.change),
                       markdown_code(f.flow), markdown_cell(f.level),
                       f.firewall.empty() ? "end to end" : markdown_cell(f.firewall),
                       markdown_cell(f.before.verdict), markdown_cell(f.after.verdict), deciders(only_in(f.before, f.after)),
                       deciders(only_in(f.after, f.before)));
        }
    }
    fmt::print(out, "\n{} verdicts unchanged.\n\n", d.unchanged_flows + d.unchanged_end_to_end);
}

void write_findings(std::ostream& out, const Diff& d) {
    if (d.findings.empty()) {
        fmt::print(out, "No change to findings ({} unchanged).\n", d.unchanged_findings);
        return;
    }
    fmt::print(out, "| change | severity | check | firewall | rule | message |\n|---|---|---|---|---|---|\n");
    for (const auto& f : d.findings) {
        const FindingState& s = f.after ? *f.after : *f.before;
        std::string severity(analysis::to_string(s.severity));
        if (f.before && f.after && f.before->severity != f.after->severity)
            severity = fmt::format("{} → {}", analysis::to_string(f.before->severity), severity);
        fmt::print(out, "| {} | {} | `{}` | {} | `{}` ({}) | {} |\n", to_string(f.change), severity,
                   markdown_code(f.check), markdown_cell(f.firewall), markdown_code(s.rule), markdown_cell(s.location),
                   markdown_cell(s.message));
    }
    fmt::print(out, "\n{} findings unchanged.\n", d.unchanged_findings);
}

}  // namespace

void write_diff_markdown(std::ostream& out, const Diff& d, const DiffGate& g) {
    fmt::print(out, "## flowgap: {}\n\n", g.failed() ? "this change breaks Tanium" : "no Tanium regression");
    fmt::print(out, "Before: `{}`; after: `{}`.\n\n", markdown_code(d.before.source),
               markdown_code(d.after.source));
    for (const auto& f : g.broken_flows)
        fmt::print(out, "- **worse:** `{}`\n", markdown_code(f));
    for (const auto& f : g.new_findings)
        fmt::print(out, "- **new finding:** {}\n", markdown_cell(f));
    if (g.failed()) fmt::print(out, "\n");
    fmt::print(out, "### Tanium flows\n\n");
    write_flows(out, d);
    fmt::print(out, "### Findings\n\n");
    write_findings(out, d);
}

}  // namespace flowgap::diff
