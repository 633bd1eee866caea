// The HTML gap report for a change board: one self-contained file (inline CSS, SVG and script,
// nothing fetched), readable on screen, filterable without a server, printable on A4.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include "src/report/html.hpp"
#include "src/report/html_page.hpp"
#include "src/report/items.hpp"
#include "src/report/redact.hpp"

namespace flowgap::report {

using namespace flowgap::analysis;

namespace {

// clang-format off
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
  form.addEventListener('submit',function(e){e.preventDefault();});
  form.addEventListener('change',apply);apply();
})();
)js";
// clang-format on

void write_banner(std::ostream& out, const Report& r) {
    const Gate& g = *r.gate;
    SeverityCounts c = count(g);
    HtmlBanner b{g.passed(), "Tanium firewall gap report", {}, {}};
    b.lines.push_back(fmt::format("<code>{}</code>: {} firewalls, {} Tanium flows",
                                  escape_markup(r.deployment.path), r.firewalls.size(),
                                  r.audit.flows.size()));
    std::string gate = g.passed() ? "nothing at or above " + std::string(to_string(g.fail_on)) + " remains"
                                  : fmt::format("{} item{} at or above {}", g.failing(),
                                                g.failing() == 1 ? "" : "s", to_string(g.fail_on));
    b.lines.push_back(fmt::format("Gate (<code>--fail-on {}</code>): {}", to_string(g.fail_on), gate));
    for (Severity s : severities_descending())
        b.counts.emplace_back(c.open[static_cast<size_t>(s)], std::string(to_string(s)));
    b.counts.emplace_back(c.waived, "waived");
    write_html_banner(out, b);
}

void write_filter(std::ostream& out, const Report& r) {
    fmt::print(out, "<form id=\"filter\" class=\"filter\"><strong>Filter</strong>");
    for (Severity s : severities_descending()) {
        fmt::print(out,
                   "<label><input type=\"checkbox\" name=\"severity\" value=\"{0}\" checked> {0}</label>",
                   to_string(s));
    }
    fmt::print(out, "<label>Firewall <select name=\"firewall\"><option value=\"*\">all firewalls</option>");
    for (const auto& spec : r.deployment.firewalls)
        fmt::print(out, "<option value=\"{0}\">{0}</option>", escape_markup(spec.name));
    fmt::print(out, "</select></label><span id=\"shown\"></span></form>\n");
}

void write_legend(std::ostream& out) {
    fmt::print(out, "<ul class=\"legend\">");
    for (auto v : {"allowed", "blocked", "partial", "conditional", "not-applicable"})
        fmt::print(out, "<li><i style=\"background:var(--{0})\"></i>{0}</li>", v);
    fmt::print(
        out, "<li>Arrow: the flow end to end. Badges: its verdict at each firewall it crosses.</li></ul>\n");
}

void write_matrix(std::ostream& out, const Report& r) {
    fmt::print(out, "<table class=\"matrix\">\n<thead><tr><th>flow</th><th>level</th><th>service</th>");
    for (const auto& spec : r.deployment.firewalls)
        fmt::print(out, "<th class=\"fw-scoped\" data-firewall=\"{0}\">{0}</th>", escape_markup(spec.name));
    fmt::print(out, "<th>end to end</th></tr></thead>\n<tbody>\n");
    for (const auto& end : r.audit.end_to_end) {
        const Flow& f = r.audit.flows[end.flow];
        fmt::print(out, "<tr><td><code>{}</code></td><td>{}</td><td>{}</td>", escape_markup(f.entry->id),
                   to_string(f.entry->level), escape_markup(f.service));
        for (size_t fi = 0; fi < r.deployment.firewalls.size(); ++fi) {
            std::string cell = "<span class=\"none\">not crossed</span>";
            for (const auto& res : r.audit.results) {
                if (res.flow == end.flow && res.firewall == fi) {
                    cell = html_pill(verdict_color_class(res.verdict), to_string(res.verdict));
                }
            }
            fmt::print(out, "<td class=\"fw-scoped\" data-firewall=\"{}\">{}</td>",
                       escape_markup(firewall_name(r, fi)), cell);
        }
        fmt::print(out, "<td>{}</td></tr>\n",
                   html_pill(verdict_color_class(end.verdict), to_string(end.verdict)));
    }
    fmt::print(out, "</tbody></table>\n");
}

void write_item(std::ostream& out, const Report& r, const GateItem& item) {
    ItemView v = view(r, item);
    std::string status = item.waived ? "waived" : item.fails ? "fails the gate" : "below the gate";
    std::string status_class = item.waived ? "waived" : item.fails ? "fails" : "passes";
    fmt::print(out, "<article class=\"item {}{}\" data-severity=\"{}\" data-firewall=\"{}\">\n",
               escape_markup(v.severity), item.waived ? " waived" : "", escape_markup(v.severity),
               escape_markup(v.firewall));
    fmt::print(out, "<h3>{} <code>{}</code> {} <span class=\"status {}\">{}</span></h3>\n",
               html_pill(v.severity, v.severity), escape_markup(v.check),
               escape_markup(v.firewall.empty() ? v.subject : v.firewall + ": " + v.subject), status_class,
               status);
    fmt::print(out, "<p>{}</p>\n<dl>\n<dt>location</dt><dd><code>{}</code></dd>\n", escape_markup(v.message),
               escape_markup(v.location.str()));
    if (!v.text.empty())
        fmt::print(out, "<dt>rule as written</dt><dd><pre>{}</pre></dd>\n", escape_markup(v.text));
    if (!v.example.empty())
        fmt::print(out, "<dt>example packet</dt><dd><code>{}</code></dd>\n", escape_markup(v.example));
    // Remediation slot: filled once the model carries remediation text (report_items.hpp).
    if (!v.remediation.empty())
        fmt::print(out, "<dt>remediation</dt><dd class=\"fix\">{}</dd>\n", escape_markup(v.remediation));
    if (item.waived) fmt::print(out, "<dt>waiver</dt><dd>{}</dd>\n", escape_markup(v.waiver));
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
            warnings += fmt::format("<div><code>{}</code> {}</div>", escape_markup(w.location.str()),
                                    escape_markup(mask_secrets(w.message)));
        fmt::print(
            out, "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            escape_markup(spec.name), escape_markup(fw.format), escape_markup(spec.config_text()),
            fw.rule_count, spec.host ? "host " + escape_markup(spec.host->str()) : std::string("network"),
            warnings.empty() ? "<span class=\"none\">none</span>" : warnings);
    }
    fmt::print(out, "</tbody></table>\n");
}

}  // namespace

void write_audit_html(std::ostream& out, const Report& r) {
    write_html_head(out, "flowgap gap report: " + r.deployment.path);
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
    fmt::print(out, "</section>\n");
    write_html_foot(out, r.options.timestamp, kScript, r.options.script_nonce);
}

}  // namespace flowgap::report
