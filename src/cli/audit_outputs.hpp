// The audit's reports: the gate at --fail-on after waivers, then every requested format rendered
// to memory and written only once all have rendered (no partial reports on error).
#pragma once

#include <string>
#include <vector>

#include "analysis/audit.hpp"
#include "analysis/checks.hpp"
#include "src/cli/commands.hpp"
#include "src/report/report.hpp"

namespace CLI {
class App;
}

namespace flowgap::cli {

// The audit command's options: --format/--output pairs, --fail-on, --waivers, --quiet, ...
void add_audit_options(CLI::App* audit, AuditOptions& o);

// One report in one format (text, json, html, sarif, junit, markdown; anything else: text).
std::string render_audit(const std::string& format, const report::Report& r);

// Returns the exit code: 0 when the gate passes, 1 when it fails. Throws InputError for bad
// options, a bad waiver file, or a report that cannot be written.
int write_audit_reports(const analysis::Deployment& d, const std::vector<analysis::Firewall>& firewalls,
                        const analysis::Audit& audit, const std::vector<analysis::Finding>& findings,
                        const AuditOptions& options);

}  // namespace flowgap::cli
