// The shared page of flowgap's HTML reports (html_page.hpp).
#include "src/report/html_page.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "flowgap/version.hpp"
#include "src/report/items.hpp"

namespace flowgap::report {

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
// clang-format on

}  // namespace

void write_html_head(std::ostream& out, std::string_view title, std::string_view extra_style) {
    fmt::print(out,
               "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    fmt::print(out, "<title>{}</title>\n<style>{}{}</style>\n</head>\n<body>\n", escape_markup(title), kStyle,
               extra_style);
}

void write_html_banner(std::ostream& out, const HtmlBanner& b) {
    fmt::print(out, "<header class=\"banner {}\">\n<div class=\"verdict\">{}</div>\n<div class=\"meta\">",
               b.pass ? "pass" : "fail", b.pass ? "PASS" : "FAIL");
    fmt::print(out, "<h1>{}</h1>\n", escape_markup(b.title));
    for (size_t i = 0; i < b.lines.size(); ++i)
        fmt::print(out, "{}<p>{}</p>", i ? "\n" : "", b.lines[i]);
    fmt::print(out, "</div>\n<ul class=\"counts\">");
    for (const auto& [n, label] : b.counts)
        fmt::print(out, "<li><b>{}</b>{}</li>", n, escape_markup(label));
    fmt::print(out, "</ul>\n</header>\n");
}

void write_html_foot(std::ostream& out, const std::optional<std::string>& timestamp, std::string_view script,
                     std::string_view nonce) {
    std::string stamp = timestamp ? ", generated " + escape_markup(*timestamp) : "";
    fmt::print(out,
               "<footer>flowgap " FLOWGAP_VERSION
               "{}. Verdicts are about the first packet of new connections; "
               "see docs/checks.md.</footer>\n",
               stamp);
    // The nonce comes from the server (hex digits); escaped all the same, as every attribute is.
    if (!script.empty() && nonce.empty()) fmt::print(out, "<script>{}</script>\n", script);
    if (!script.empty() && !nonce.empty())
        fmt::print(out, "<script nonce=\"{}\">{}</script>\n", escape_markup(nonce), script);
    fmt::print(out, "</body>\n</html>\n");
}

std::string html_pill(std::string_view cls, std::string_view text) {
    // The class may come from a report read back (flowgap diff), so it is escaped like the text.
    return fmt::format("<span class=\"pill {}\">{}</span>", escape_markup(cls), escape_markup(text));
}

}  // namespace flowgap::report
