// The HTML gap report for a change board: one self-contained file (inline CSS, SVG and script,
// nothing fetched), readable on screen, filterable without a server, printable on A4.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include "src/redact.hpp"
#include "src/report_html.hpp"
#include "src/report_items.hpp"

namespace flowgap::cli {

using namespace flowgap::analysis;

namespace {

// clang-format off
constexpr std::string_view kStyle = R"css(
:root{--allowed:#1a7f37;--blocked:#c62828;--partial:#d97706;--conditional:#7c3aed;--not-applicable:#8c959f;
--critical:#7f1d1d;--high:#c62828;--medium:#d97706;--low:#0e7490;--info:#57606a;--ink:#1f2328;--muted:#57606a;--line:#d0d7de}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1100px;padding:24px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--ink)}
h1{font-size:20px;margin:0}h2{font-size:17px;margin:28px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}
code,pre{font:12px/1.4 ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace}
.banner{display:flex;flex-wrap:wrap;gap:20px;align-items:center;padding:16px 20px;border-radius:10px;color:#fff}
.banner.fail{background:#b42318}.banner.pass{background:#1a7f37}
.banner .verdict{font-size:30px;font-weight:800;letter-spacing:1px;padding-right:20px;border-right:2px solid rgba(255,255,255,.5)}
.banner p{margin:4px 0 0;opacity:.92}.banner .meta{flex:1}
.counts{display:flex;gap:8px;list-style:none;margin:0;padding:0}
.counts li{background:rgba(255,255,255,.16);border-radius:8px;padding:6px 10px;text-align:center;min-width:64px;font-size:12px}
.counts b{display:block;font-size:20px}
.filter{display:flex;flex-wrap:wrap;gap:16px;align-items:center;margin:16px 0;padding:10px 14px;background:#f6f8fa;border:1px solid var(--line);border-radius:8px}
.filter label{white-space:nowrap}.filter select{font:inherit}
.diagram{width:100%;height:auto;border:1px solid var(--line);border-radius:8px;background:#fbfcfd}
.node rect{fill:#fff;stroke:#24292f;stroke-width:1.5}.node-name{font-weight:700;font-size:15px;text-anchor:middle}
.node-addr{font-size:12px;fill:var(--muted);text-anchor:middle}
.flow{fill:none;stroke-width:3}.flow-label{font-size:12px;font-weight:600;text-anchor:middle;paint-order:stroke;stroke:#fbfcfd;stroke-width:5px}
.badge text{font-size:10px;fill:#fff;text-anchor:middle;font-weight:600}
.e-allowed{stroke:var(--allowed)}.e-blocked{stroke:var(--blocked)}.e-partial{stroke:var(--partial)}
.e-conditional{stroke:var(--conditional)}.e-not-applicable{stroke:var(--not-applicable);stroke-dasharray:6 5}
.v-allowed{fill:var(--allowed)}.v-blocked{fill:var(--blocked)}.v-partial{fill:var(--partial)}
.v-conditional{fill:var(--conditional)}.v-not-applicable{fill:var(--not-applicable)}
.legend{display:flex;flex-wrap:wrap;gap:14px;margin:8px 0 0;padding:0;list-style:none;font-size:12px;color:var(--muted)}
.legend i{display:inline-block;width:18px;height:4px;border-radius:2px;vertical-align:middle;margin-right:5px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa;font-weight:600}
.pill{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;font-weight:600;white-space:nowrap}
.pill.allowed{background:var(--allowed)}.pill.blocked{background:var(--blocked)}.pill.partial{background:var(--partial)}
.pill.conditional{background:var(--conditional)}.pill.not-applicable{background:var(--not-applicable)}
.pill.critical{background:var(--critical)}.pill.high{background:var(--high)}.pill.medium{background:var(--medium)}
.pill.low{background:var(--low)}.pill.info{background:var(--info)}.none{color:var(--muted)}
.item{border:1px solid var(--line);border-left:5px solid var(--info);border-radius:8px;padding:10px 14px;margin:10px 0;break-inside:avoid}
.item.critical{border-left-color:var(--critical)}.item.high{border-left-color:var(--high)}.item.medium{border-left-color:var(--medium)}
.item.low{border-left-color:var(--low)}.item.waived{opacity:.8;border-left-style:dashed}
.item h3{font-size:14px;margin:0 0 4px;display:flex;flex-wrap:wrap;gap:8px;align-items:center}
.status{margin-left:auto;font-size:12px;font-weight:600}.status.fails{color:var(--blocked)}.status.passes,.status.waived{color:var(--muted)}
.item p{margin:4px 0}.item dl{display:grid;grid-template-columns:130px 1fr;gap:3px 10px;margin:8px 0 0}
.item dt{color:var(--muted)}.item dd{margin:0}.item dd.fix{white-space:pre-wrap}pre{margin:0;white-space:pre-wrap;word-break:break-all;background:#f6f8fa;padding:4px 6px;border-radius:4px}
footer{margin-top:30px;color:var(--muted);font-size:12px}
@page{size:A4;margin:12mm}
@media print{body{max-width:none;padding:0;font-size:10pt}.filter{display:none}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}h2{break-after:avoid}tr,.diagram{break-inside:avoid}
table{font-size:9pt}.counts li{min-width:44px;padding:4px 6px}}
)css";

// The filter: severity checkboxes and a firewall choice hide findings, matrix columns and
// diagram badges. Plain DOM script, so the file works from disk with no server.
constexpr std::string_view kScript = R"js(
(function(){
  var form=document.getElementById('filter');
  function apply(){
    var sev={};form.querySelectorAll('input[name=severity]').forEach(function(b){sev[b.value]=b.checked;});
    var fw=form.querySelector('select[name=firewall]').value;
    var shown=0,items=document.querySelectorAll('.item');
    items.forEach(function(el){
      var f=el.getAttribute('data-firewall');
      var hide=!sev[el.getAttribute('data-severity')]||(fw!=='*'&&f!==fw);
      el.hidden=hide;if(!hide)shown++;});
    document.querySelectorAll('.fw-scoped').forEach(function(el){
      el.style.display=(fw==='*'||el.getAttribute('data-firewall')===fw)?'':'none';});
    document.getElementById('shown').textContent=shown+' of '+items.length+' shown';
  }
  form.addEventListener('change',apply);apply();
})();
)js";
// clang-format on

std::string e(std::string_view s) {
    return escape_markup(s);
}

void write_banner(std::ostream& out, const Report& r) {
    const Gate& g = *r.gate;
    SeverityCounts c = count(g);
    fmt::print(out, "<header class=\"banner {}\">\n<div class=\"verdict\">{}</div>\n<div class=\"meta\">",
               g.passed() ? "pass" : "fail", g.passed() ? "PASS" : "FAIL");
    fmt::print(out,
               "<h1>Tanium firewall gap report</h1>\n<p><code>{}</code>: {} firewalls, {} Tanium flows</p>\n",
               e(r.deployment.path), r.firewalls.size(), r.audit.flows.size());
    std::string gate = g.passed() ? "nothing at or above " + std::string(to_string(g.fail_on)) + " remains"
                                  : fmt::format("{} item{} at or above {}", g.failing(),
                                                g.failing() == 1 ? "" : "s", to_string(g.fail_on));
    fmt::print(out, "<p>Gate (<code>--fail-on {}</code>): {}</p></div>\n<ul class=\"counts\">",
               to_string(g.fail_on), gate);
    for (Severity s : severities_descending())
        fmt::print(out, "<li><b>{}</b>{}</li>", c.open[static_cast<size_t>(s)], to_string(s));
    fmt::print(out, "<li><b>{}</b>waived</li></ul>\n</header>\n", c.waived);
}

void write_filter(std::ostream& out, const Report& r) {
    fmt::print(out, "<form id=\"filter\" class=\"filter\" onsubmit=\"return false\"><strong>Filter</strong>");
    for (Severity s : severities_descending()) {
        fmt::print(out,
                   "<label><input type=\"checkbox\" name=\"severity\" value=\"{0}\" checked> {0}</label>",
                   to_string(s));
    }
    fmt::print(out, "<label>Firewall <select name=\"firewall\"><option value=\"*\">all firewalls</option>");
    for (const auto& spec : r.deployment.firewalls)
        fmt::print(out, "<option value=\"{0}\">{0}</option>", e(spec.name));
    fmt::print(out, "</select></label><span id=\"shown\"></span></form>\n");
}

void write_legend(std::ostream& out) {
    fmt::print(out, "<ul class=\"legend\">");
    for (auto v : {"allowed", "blocked", "partial", "conditional", "not-applicable"})
        fmt::print(out, "<li><i style=\"background:var(--{0})\"></i>{0}</li>", v);
    fmt::print(
        out, "<li>Arrow: the flow end to end. Badges: its verdict at each firewall it crosses.</li></ul>\n");
}

std::string pill(std::string_view cls, std::string_view text) {
    return fmt::format("<span class=\"pill {}\">{}</span>", cls, e(text));
}

void write_matrix(std::ostream& out, const Report& r) {
    fmt::print(out, "<table class=\"matrix\">\n<thead><tr><th>flow</th><th>level</th><th>service</th>");
    for (const auto& spec : r.deployment.firewalls)
        fmt::print(out, "<th class=\"fw-scoped\" data-firewall=\"{0}\">{0}</th>", e(spec.name));
    fmt::print(out, "<th>end to end</th></tr></thead>\n<tbody>\n");
    for (const auto& end : r.audit.end_to_end) {
        const Flow& f = r.audit.flows[end.flow];
        fmt::print(out, "<tr><td><code>{}</code></td><td>{}</td><td>{}</td>", e(f.entry->id),
                   to_string(f.entry->level), e(f.service));
        for (size_t fi = 0; fi < r.deployment.firewalls.size(); ++fi) {
            std::string cell = "<span class=\"none\">not crossed</span>";
            for (const auto& res : r.audit.results) {
                if (res.flow == end.flow && res.firewall == fi) {
                    cell = pill(verdict_color_class(res.verdict), to_string(res.verdict));
                }
            }
            fmt::print(out, "<td class=\"fw-scoped\" data-firewall=\"{}\">{}</td>", e(firewall_name(r, fi)),
                       cell);
        }
        fmt::print(out, "<td>{}</td></tr>\n", pill(verdict_color_class(end.verdict), to_string(end.verdict)));
    }
    fmt::print(out, "</tbody></table>\n");
}

void write_item(std::ostream& out, const Report& r, const GateItem& item) {
    ItemView v = view(r, item);
    std::string status = item.waived ? "waived" : item.fails ? "fails the gate" : "below the gate";
    std::string status_class = item.waived ? "waived" : item.fails ? "fails" : "passes";
    fmt::print(out, "<article class=\"item {}{}\" data-severity=\"{}\" data-firewall=\"{}\">\n", v.severity,
               item.waived ? " waived" : "", v.severity, e(v.firewall));
    fmt::print(out, "<h3>{} <code>{}</code> {} <span class=\"status {}\">{}</span></h3>\n",
               pill(v.severity, v.severity), e(v.check),
               e(v.firewall.empty() ? v.subject : v.firewall + ": " + v.subject), status_class, status);
    fmt::print(out, "<p>{}</p>\n<dl>\n<dt>location</dt><dd><code>{}</code></dd>\n", e(v.message),
               e(v.location.str()));
    if (!v.text.empty()) fmt::print(out, "<dt>rule as written</dt><dd><pre>{}</pre></dd>\n", e(v.text));
    if (!v.example.empty())
        fmt::print(out, "<dt>example packet</dt><dd><code>{}</code></dd>\n", e(v.example));
    // Remediation slot: filled once the model carries remediation text (report_items.hpp).
    if (!v.remediation.empty())
        fmt::print(out, "<dt>remediation</dt><dd class=\"fix\">{}</dd>\n", e(v.remediation));
    if (item.waived) fmt::print(out, "<dt>waiver</dt><dd>{}</dd>\n", e(v.waiver));
    fmt::print(out, "</dl>\n</article>\n");
}

void write_items(std::ostream& out, const Report& r) {
    if (r.gate->items.empty()) {
        fmt::print(out,
                   "<p>No findings: every required flow is allowed and no check found an exposure.</p>\n");
        return;
    }
    for (Severity s : severities_descending()) {
        for (const auto& item : r.gate->items) {
            if (item.severity == s) write_item(out, r, item);
        }
    }
}

void write_firewalls(std::ostream& out, const Report& r) {
    fmt::print(out,
               "<table>\n<thead><tr><th>firewall</th><th>format</th><th>configuration</th><th>rules</th>"
               "<th>filters</th><th>parser warnings</th></tr></thead>\n<tbody>\n");
    for (size_t fi = 0; fi < r.firewalls.size(); ++fi) {
        const FirewallSpec& spec = r.deployment.firewalls[fi];
        const Firewall& fw = r.firewalls[fi];
        std::string warnings;
        for (const auto& w : fw.warnings)
            warnings +=
                fmt::format("<div><code>{}</code> {}</div>", e(w.location.str()), e(mask_secrets(w.message)));
        fmt::print(
            out, "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            e(spec.name), e(fw.format), e(spec.config_path), fw.rule_count,
            spec.host ? "host " + e(spec.host->str()) : std::string("network"),
            warnings.empty() ? "<span class=\"none\">none</span>" : warnings);
    }
    fmt::print(out, "</tbody></table>\n");
}

}  // namespace

void write_audit_html(std::ostream& out, const Report& r) {
    fmt::print(out,
               "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    fmt::print(out, "<title>flowgap gap report: {}</title>\n<style>{}</style>\n</head>\n<body>\n",
               e(r.deployment.path), kStyle);
    write_banner(out, r);
    write_filter(out, r);
    fmt::print(out, "<section id=\"deployment\">\n<h2>Deployment and required flows</h2>\n");
    write_html_diagram(out, r);
    write_legend(out);
    fmt::print(out, "</section>\n<section id=\"matrix\">\n<h2>Flow matrix</h2>\n");
    write_matrix(out, r);
    fmt::print(out, "</section>\n<section id=\"findings\">\n<h2>Findings</h2>\n");
    write_items(out, r);
    fmt::print(out, "</section>\n<section id=\"firewalls\">\n<h2>Firewalls audited</h2>\n");
    write_firewalls(out, r);
    std::string stamp = r.options.timestamp ? ", generated " + e(*r.options.timestamp) : "";
    fmt::print(out,
               "</section>\n<footer>flowgap 0.1.0{}. Verdicts are about the first packet of new connections; "
               "see docs/checks.md.</footer>\n<script>{}</script>\n</body>\n</html>\n",
               stamp, kScript);
}

}  // namespace flowgap::cli
