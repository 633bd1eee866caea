// A short Markdown summary for a pull-request comment: the gate, counts by severity, what
// fails with where to fix it, and the flow matrix folded away.
#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "src/report/report.hpp"
#include "src/report/items.hpp"
#include "src/report/visible.hpp"

namespace flowgap::report {

using namespace flowgap::analysis;

namespace {

// The remedy's summary as a sub-item, its commands (one per line after it) in a code block. The
// commands go through visible(), so none holds a newline, and the fence is longer than any run of
// backticks in them, so nothing in a command can close the block.
void write_fix(std::ostream& out, const std::string& fix) {
    if (fix.empty()) return;
    size_t nl = fix.find('\n');
    fmt::print(out, "  - fix: {}\n", markdown_cell(fix.substr(0, nl)));
    if (nl == std::string::npos) return;
    std::vector<std::string> lines;
    size_t longest = 0;
    for (size_t at = nl + 1; at < fix.size();) {
        size_t end = std::min(fix.find('\n', at), fix.size());
        lines.push_back(visible(std::string_view(fix).substr(at, end - at)));
        for (size_t run = 0, i = 0; i < lines.back().size(); ++i) {
            run = lines.back()[i] == '`' ? run + 1 : 0;
            longest = std::max(longest, run);
        }
        at = end + 1;
    }
    std::string fence(std::max<size_t>(3, longest + 1), '`');
    fmt::print(out, "\n    {}\n", fence);
    for (const auto& line : lines)
        fmt::print(out, "    {}\n", line);
    fmt::print(out, "    {}\n\n", fence);
}

void write_counts(std::ostream& out, const Gate& g) {
    SeverityCounts c = count(g);
    fmt::print(out, "| critical | high | medium | low | info | waived |\n|---:|---:|---:|---:|---:|---:|\n");
    for (Severity s : severities_descending())
        fmt::print(out, "| {} ", c.open[static_cast<size_t>(s)]);
    fmt::print(out, "| {} |\n\n", c.waived);
}

void write_failing(std::ostream& out, const Report& r) {
    const Gate& g = *r.gate;
    if (g.failing() == 0) return;
    fmt::print(out, "### Fails the gate ({})\n\n", g.failing());
    for (const auto& item : g.items) {
        if (!item.fails) continue;
        ItemView v = view(r, item);
        fmt::print(out, "- **{}** `{}` {} at `{}`: {}\n", v.severity, v.check,
                   markdown_cell(v.firewall.empty() ? "-" : v.firewall), markdown_code(v.location.str()),
                   markdown_cell(v.message));
        write_fix(out, v.remediation);
    }
    fmt::print(out, "\n");
}

void write_others(std::ostream& out, const Report& r) {
    size_t others = 0;
    for (const auto& item : r.gate->items)
        others += item.fails ? 0 : 1;
    if (others == 0) return;
    fmt::print(out, "<details><summary>Below the gate or waived ({})</summary>\n\n", others);
    for (const auto& item : r.gate->items) {
        if (item.fails) continue;
        ItemView v = view(r, item);
        std::string waived =
            item.waived ? fmt::format(" (waived: {})", markdown_cell(v.waiver)) : std::string();
        fmt::print(out, "- {} `{}` {} at `{}`: {}{}\n", v.severity, v.check,
                   markdown_cell(v.firewall.empty() ? "-" : v.firewall), markdown_code(v.location.str()),
                   markdown_cell(v.message), waived);
    }
    fmt::print(out, "\n</details>\n\n");
}

void write_matrix(std::ostream& out, const Report& r) {
    fmt::print(out, "<details><summary>Flow matrix</summary>\n\n| flow | level |");
    for (const auto& spec : r.deployment.firewalls)
        fmt::print(out, " {} |", markdown_cell(spec.name));
    fmt::print(out, " end to end |\n|---|---|");
    for (size_t i = 0; i <= r.deployment.firewalls.size(); ++i)
        fmt::print(out, "---|");
    fmt::print(out, "\n");
    for (const auto& e : r.audit.end_to_end) {
        const Flow& f = r.audit.flows[e.flow];
        fmt::print(out, "| `{}` | {} |", markdown_code(f.entry->id), to_string(f.entry->level));
        for (size_t fi = 0; fi < r.deployment.firewalls.size(); ++fi) {
            std::string verdict = "";
            for (const auto& res : r.audit.results) {
                if (res.flow == e.flow && res.firewall == fi) verdict = std::string(to_string(res.verdict));
            }
            fmt::print(out, " {} |", verdict.empty() ? "-" : verdict);
        }
        fmt::print(out, " **{}** |\n", to_string(e.verdict));
    }
    fmt::print(out, "\n</details>\n");
}

}  // namespace

void write_audit_markdown(std::ostream& out, const Report& r) {
    const Gate& g = *r.gate;
    fmt::print(out, "## flowgap: {} (`--fail-on {}`)\n\n", g.passed() ? "PASS" : "FAIL",
               to_string(g.fail_on));
    size_t required = 0, failing = 0;
    for (const auto& e : r.audit.end_to_end) {
        if (r.audit.flows[e.flow].entry->level != Level::required) continue;
        ++required;
        failing += e.verdict == Verdict::allowed || e.verdict == Verdict::not_applicable ? 0 : 1;
    }
    fmt::print(out, "`{}`: {} firewalls, {} of {} required flows allowed end to end.\n\n",
               markdown_code(r.deployment.path), r.firewalls.size(), required - failing, required);
    write_counts(out, g);
    write_failing(out, r);
    write_others(out, r);
    write_matrix(out, r);
    if (r.options.timestamp) fmt::print(out, "\n<sub>generated {}</sub>\n", *r.options.timestamp);
}

}  // namespace flowgap::report
