// The HTML change report for a change board: the audit HTML's look (html_page.hpp), the gate
// and its counts first, then every changed verdict with its before and after side by side and
// the deciding rules as written, the removed and the new ones marked. Unchanged verdicts and
// findings are counted, not listed. One self-contained file, no script; it prints on A4.
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "src/diff/diff.hpp"
#include "src/diff/items.hpp"
#include "src/report/html_page.hpp"
#include "src/report/items.hpp"

namespace flowgap::diff {

using namespace flowgap::report;

namespace {

// clang-format off
constexpr std::string_view kDiffStyle = R"css(
.pill.broken,.pill.worse,.pill.new,.pill.raised{background:var(--blocked)}
.pill.fixed,.pill.better,.pill.resolved,.pill.lowered{background:var(--allowed)}
.pill.rules,.pill.scope,.pill.changed{background:var(--info)}
.item.broken,.item.worse,.item.new,.item.raised{border-left-color:var(--blocked)}
.item.fixed,.item.better,.item.resolved,.item.lowered{border-left-color:var(--allowed)}
.sides{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:10px;margin-top:8px}
.side{border:1px solid var(--line);border-radius:6px;padding:8px 10px;min-width:0}
.side h4{margin:0 0 6px;font-size:13px;display:flex;flex-wrap:wrap;gap:8px;align-items:center}
.rules{list-style:none;margin:6px 0 0;padding:0}
.rules li{margin:6px 0;padding:4px 6px;border-left:4px solid transparent;border-radius:4px;overflow-wrap:anywhere}
.rules li.removed{background:#ffebe9;border-left-color:var(--blocked)}
.rules li.added{background:#dafbe1;border-left-color:var(--allowed)}
.mark{font-size:11px;font-weight:700;text-transform:uppercase;letter-spacing:.3px;margin-right:4px}
.removed .mark{color:var(--blocked)}.added .mark{color:var(--allowed)}
.side p{overflow-wrap:anywhere}.loc{color:var(--muted)}.unchanged{color:var(--muted)}
@media print{.sides{gap:6px}.side{padding:4px 6px}.rules li{break-inside:avoid}}
)css";
// clang-format on

// Long decision lists (a flow split over hundreds of rules) stay readable: the marked rules
// are always shown, the others up to this many. The JSON has them all.
constexpr size_t kMaxDecisions = 8;

// How the banner counts a verdict change, and the order changes are listed in: what broke
// first, then what was fixed, then what only moved between rules or in or out of scope.
enum Kind : size_t { kBroken, kFixed, kChanged };
Kind kind_of(FlowChange c) {
    switch (c) {
        case FlowChange::broken:
        case FlowChange::worse: return kBroken;
        case FlowChange::fixed:
        case FlowChange::better: return kFixed;
        case FlowChange::rules:
        case FlowChange::scope: return kChanged;
    }
    return kChanged;
}

std::vector<const FlowDiff*> ranked(const std::vector<FlowDiff>& list) {
    std::vector<const FlowDiff*> out;
    for (const auto& f : list)
        out.push_back(&f);
    std::stable_sort(out.begin(), out.end(), [](const FlowDiff* a, const FlowDiff* b) {
        return kind_of(a->change) < kind_of(b->change);
    });
    return out;
}

HtmlBanner banner_of(const Diff& d, const DiffGate& g) {
    HtmlBanner b{!g.failed(), "Tanium change report", {}, {}};
    b.lines.push_back(fmt::format("<code>{}</code> &rarr; <code>{}</code>", escape_markup(d.before.source),
                                  escape_markup(d.after.source)));
    std::string fail_on = g.fail_on ? std::string(analysis::to_string(*g.fail_on)) : "none";
    b.lines.push_back(
        fmt::format("Gate (<code>--fail-on {}</code>): {}", fail_on, escape_markup(gate_summary(d, g))));
    size_t counts[3] = {0, 0, 0};  // by Kind
    for (const auto* list : {&d.flows, &d.end_to_end}) {
        for (const auto& f : *list)
            ++counts[kind_of(f.change)];
    }
    size_t added = 0, resolved = 0;
    for (const auto& f : d.findings) {
        added += f.change == FindingChange::added || f.change == FindingChange::raised;
        resolved += f.change == FindingChange::resolved || f.change == FindingChange::lowered;
    }
    b.counts = {{counts[kBroken], "broken"},
                {counts[kFixed], "fixed"},
                {counts[kChanged], "changed"},
                {added, "new findings"},
                {resolved, "resolved"}};
    return b;
}

const FirewallSide* firewall_in(const Side& s, const std::string& name) {
    for (const auto& fw : s.firewalls) {
        if (fw.name == name) return &fw;
    }
    return nullptr;
}

void write_configs(std::ostream& out, const Diff& d) {
    fmt::print(out,
               "<table>\n<thead><tr><th>firewall</th><th>format</th><th>before</th><th>after</th>"
               "<th>rules</th></tr></thead>\n<tbody>\n");
    std::vector<std::string> names;
    for (const auto* side : {&d.before, &d.after}) {
        for (const auto& fw : side->firewalls) {
            if (std::find(names.begin(), names.end(), fw.name) == names.end()) names.push_back(fw.name);
        }
    }
    for (const auto& name : names) {
        const FirewallSide *b = firewall_in(d.before, name), *a = firewall_in(d.after, name);
        const FirewallSide* any = b ? b : a;
        auto config = [](const FirewallSide* f) {
            return f ? "<code>" + escape_markup(f->config) + "</code>"
                     : std::string("<span class=\"none\">none</span>");
        };
        auto rules = [](const FirewallSide* f) { return f ? std::to_string(f->rules) : std::string("-"); };
        bool same = b && a && b->config == a->config && b->rules == a->rules;
        fmt::print(out, "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                   escape_markup(name), escape_markup(any->format), config(b),
                   same ? "<span class=\"none\">unchanged</span>" : config(a),
                   same ? rules(b) : rules(b) + " &rarr; " + rules(a));
    }
    fmt::print(out, "</tbody></table>\n");
}

void write_decision(std::ostream& out, const DiffDecision& d, const char* mark_class, const char* mark) {
    fmt::print(out, "<li{}>", *mark_class ? fmt::format(" class=\"{}\"", mark_class) : "");
    if (*mark) fmt::print(out, "<span class=\"mark\">{}</span>", mark);
    fmt::print(out, "<b>{}{}</b> <code>{}</code><div class=\"loc\"><code>{}</code></div>",
               d.conditional ? "may " : "", escape_markup(d.action), escape_markup(d.rule),
               escape_markup(d.location));
    if (!d.text.empty()) fmt::print(out, "<pre>{}</pre>", escape_markup(d.text));
    if (!d.example.empty()) fmt::print(out, "<div>e.g. <code>{}</code></div>", escape_markup(d.example));
    fmt::print(out, "</li>\n");
}

// One side's verdict, what it loses, and the rules that decide it; `marked` are the rules the
// other side does not have.
void write_side(std::ostream& out, const char* label, const VerdictState& v, const VerdictState& other,
                const char* mark_class, const char* mark) {
    fmt::print(out, "<div class=\"side {}\"><h4>{} {}</h4>\n", label, label, html_pill(v.verdict, v.verdict));
    if (!v.example_blocked.empty())
        fmt::print(out, "<p>blocked, e.g. <code>{}</code></p>\n", escape_markup(v.example_blocked));
    if (!v.example_conditional.empty())
        fmt::print(out, "<p>conditional, e.g. <code>{}</code></p>\n", escape_markup(v.example_conditional));
    if (v.verdict == "allowed") fmt::print(out, "<p>every packet of the flow gets through</p>\n");
    if (v.verdict == "not-applicable")
        fmt::print(out, "<p class=\"none\">the flow does not cross here</p>\n");
    if (!v.decided_by.empty()) {
        auto marked = only_in(v, other);
        size_t shown = 0, hidden = 0;
        fmt::print(out, "<ol class=\"rules\">\n");
        for (const auto& d : v.decided_by) {
            bool is_marked = std::find(marked.begin(), marked.end(), &d) != marked.end();
            if (!is_marked && shown >= kMaxDecisions) {
                ++hidden;
                continue;
            }
            shown += !is_marked;
            write_decision(out, d, is_marked ? mark_class : "", is_marked ? mark : "");
        }
        if (hidden)
            fmt::print(out, "<li class=\"none\">{} more (the JSON report lists them all)</li>\n", hidden);
        fmt::print(out, "</ol>\n");
    }
    fmt::print(out, "</div>\n");
}

void write_flow(std::ostream& out, const FlowDiff& f) {
    std::string change(to_string(f.change));
    fmt::print(out, "<article class=\"item {}\" data-change=\"{}\" data-firewall=\"{}\">\n",
               escape_markup(change), escape_markup(change), escape_markup(f.firewall));
    fmt::print(out, "<h3>{} <code>{}</code> {} {}{}</h3>\n", html_pill(change, change), escape_markup(f.flow),
               escape_markup(f.level), f.firewall.empty() ? "end to end" : "at " + escape_markup(f.firewall),
               got_worse(f) ? " <span class=\"status fails\">fails the gate</span>" : "");
    fmt::print(out, "<div class=\"sides\">\n");
    write_side(out, "before", f.before, f.after, "removed", "no longer decides");
    write_side(out, "after", f.after, f.before, "added", "newly decides");
    fmt::print(out, "</div>\n</article>\n");
}

void write_flows(std::ostream& out, const std::vector<FlowDiff>& list, size_t unchanged, const char* what) {
    if (list.empty()) {
        fmt::print(out, "<p class=\"unchanged\">No {} changed ({} compared).</p>\n", what, unchanged);
        return;
    }
    for (const FlowDiff* f : ranked(list))
        write_flow(out, *f);
    fmt::print(out, "<p class=\"unchanged\">{} unchanged.</p>\n", count(unchanged, "other verdict"));
}

void write_finding_side(std::ostream& out, const char* label, const std::optional<FindingState>& s) {
    fmt::print(out, "<div class=\"side {}\"><h4>{} {}</h4>\n", label, label,
               s ? html_pill(analysis::to_string(s->severity), analysis::to_string(s->severity)) : "");
    if (!s) {
        fmt::print(out, "<p class=\"none\">no such finding</p>\n</div>\n");
        return;
    }
    fmt::print(out, "<p>{}</p>\n<p><code>{}</code> at <code>{}</code>{}</p>\n", escape_markup(s->message),
               escape_markup(s->rule), escape_markup(s->location),
               s->waived ? " <span class=\"status waived\">waived</span>" : "");
    if (!s->text.empty()) fmt::print(out, "<pre>{}</pre>\n", escape_markup(s->text));
    if (!s->example.empty()) fmt::print(out, "<p>e.g. <code>{}</code></p>\n", escape_markup(s->example));
    fmt::print(out, "</div>\n");
}

void write_findings(std::ostream& out, const Diff& d, const DiffGate& g) {
    if (d.findings.empty()) {
        fmt::print(out, "<p class=\"unchanged\">No finding changed ({} compared).</p>\n",
                   d.unchanged_findings);
        return;
    }
    for (const auto& f : d.findings) {
        std::string change(to_string(f.change));
        const FindingState& s = f.after ? *f.after : *f.before;
        fmt::print(out, "<article class=\"item {}\" data-change=\"{}\" data-firewall=\"{}\">\n",
                   escape_markup(change), escape_markup(change), escape_markup(f.firewall));
        fmt::print(out, "<h3>{} <code>{}</code> {}: {}{}</h3>\n", html_pill(change, change),
                   escape_markup(f.check), escape_markup(f.firewall), escape_markup(s.rule),
                   fails_gate(f, g.fail_on) ? " <span class=\"status fails\">fails the gate</span>" : "");
        fmt::print(out, "<div class=\"sides\">\n");
        write_finding_side(out, "before", f.before);
        write_finding_side(out, "after", f.after);
        fmt::print(out, "</div>\n</article>\n");
    }
    fmt::print(out, "<p class=\"unchanged\">{} unchanged.</p>\n",
               count(d.unchanged_findings, "other finding"));
}

}  // namespace

void write_diff_html(std::ostream& out, const Diff& d, const DiffGate& g, const DiffReportOptions& o) {
    write_html_head(out, "flowgap change report: " + d.after.source, kDiffStyle);
    write_html_banner(out, banner_of(d, g));
    fmt::print(out, "<section id=\"configs\">\n<h2>Configurations compared</h2>\n");
    write_configs(out, d);
    fmt::print(out, "</section>\n<section id=\"flows\">\n<h2>Tanium flows at each firewall</h2>\n");
    write_flows(out, d.flows, d.unchanged_flows, "verdict at a firewall");
    fmt::print(out, "</section>\n<section id=\"end-to-end\">\n<h2>Tanium flows end to end</h2>\n");
    write_flows(out, d.end_to_end, d.unchanged_end_to_end, "end-to-end verdict");
    fmt::print(out, "</section>\n<section id=\"findings\">\n<h2>Findings</h2>\n");
    write_findings(out, d, g);
    fmt::print(out, "</section>\n");
    write_html_foot(out, o.timestamp);
}

}  // namespace flowgap::diff
