// The writers of `flowgap explain`: one packet's trace through one firewall (analysis/trace.hpp),
// as text for a terminal or as JSON (schema "flowgap-explain/1") for tools. Like the report
// writers they only format: every fact they print comes from the trace.
#pragma once

#include <ostream>

#include "analysis/deployment.hpp"
#include "analysis/trace.hpp"

namespace flowgap::report {

// `trace` was made for `fw`, the parsed config of `spec`.
void write_explain_text(std::ostream& out, const analysis::FirewallSpec& spec, const analysis::Firewall& fw,
                        const analysis::Trace& trace);
void write_explain_json(std::ostream& out, const analysis::FirewallSpec& spec, const analysis::Firewall& fw,
                        const analysis::Trace& trace);

}  // namespace flowgap::report
