// The page every flowgap HTML report is built on (the audit's gap report, the diff's change
// report): one look, one stylesheet, the pass/fail banner and the footer, all inline so that
// each report stays one self-contained file that prints on A4.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flowgap::report {

struct HtmlBanner {
    bool pass = false;
    std::string title;                                   // plain text
    std::vector<std::string> lines;                      // markup, escaped by the caller
    std::vector<std::pair<size_t, std::string>> counts;  // the boxes on the right: number, label
};

// <!DOCTYPE html> up to <body>: the shared style, then `extra_style` (a report's own rules).
void write_html_head(std::ostream& out, std::string_view title, std::string_view extra_style = {});
void write_html_banner(std::ostream& out, const HtmlBanner& b);
// The footer (with --timestamp's time), `script` when there is one, and the end of the page.
void write_html_foot(std::ostream& out, const std::optional<std::string>& timestamp,
                     std::string_view script = {}, std::string_view nonce = {});

// A colored label: `cls` is a verdict, a severity or a report's own class.
std::string html_pill(std::string_view cls, std::string_view text);

}  // namespace flowgap::report
