// What every report format says about one gate item (a failing required flow, a finding, a
// waiver problem), worded once so that HTML, SARIF, JUnit, Markdown and the quiet text view
// agree word for word. Only formatting: every fact comes from the audit and the gate.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "src/report/report.hpp"

namespace flowgap::report {

struct ItemView {
    std::string check;
    std::string severity;
    std::string firewall;               // empty for a waiver naming no audited firewall
    std::string subject;                // the rule's name, the flow id, or "waiver"
    analysis::SourceLocation location;  // where to fix it: the rule, or the waiver entry
    std::string message;                // one line
    std::string text;                   // the rule as written ("" when none)
    std::string example;                // an example packet ("" when none)
    std::string remediation;            // what to change: a summary line, then commands ("" when none)
    std::string waiver;                 // waived: "reason (waived until YYYY-MM-DD, file:line)"
};

ItemView view(const Report& r, const analysis::GateItem& item);

// Gate items not waived, by severity (index: analysis::Severity), and the waived ones.
struct SeverityCounts {
    std::array<size_t, 5> open{};
    size_t waived = 0;
};
SeverityCounts count(const analysis::Gate& g);

// critical first: the order reports list severities in.
const std::array<analysis::Severity, 5>& severities_descending();

// The first decision that is not a certain allow: what blocks a flow, or makes it conditional.
const analysis::Decision* deciding(const analysis::FlowAtFirewall& r);

// The translations of firewall `firewall` that the packets of `space` went through.
std::vector<const analysis::Translation*> translations_of(const Report& r, size_t firewall,
                                                          const analysis::FlowSpace& space);
// An example packet as the client sends it, with the destination NAT it went through, for the
// reports people read: "tcp 10.20.0.1:49152 -> 198.51.100.10:17472 (DNAT nat:PREROUTING#1 ->
// 10.10.1.10)"; a packet no translation carries is written as it is.
std::string packet_as_sent(const Report& r, size_t firewall, const analysis::Packet& p);
// The same for the example of `space` ("" when it is empty).
std::string example_as_sent(const Report& r, size_t firewall, const analysis::FlowSpace& space);

std::string flow_id(const Report& r, const analysis::FlowAtFirewall& res);
std::string firewall_name(const Report& r, size_t firewall);
std::string verdict_color_class(analysis::Verdict v);  // "allowed", "blocked", ... for CSS

// Text for HTML and XML content and attributes: the five markup characters escaped, and the
// control characters XML 1.0 forbids dropped (config text is copied into reports verbatim).
std::string escape_markup(std::string_view s);

// Text for Markdown (a table cell, a list item): visible() first, then pipes (they would split
// cells) escaped, backticks (they would open a code span) as quotes, and `<` `>` as entities so no
// HTML tag reaches the page.
std::string markdown_cell(std::string_view s);
// The same for inside a code span, where `<` and `>` are shown as written.
std::string markdown_code(std::string_view s);

}  // namespace flowgap::report
