// `flowgap audit`: its options, the audit pipeline over the deployment's firewalls, the gate at
// --fail-on after waivers, then every requested format rendered to memory and written only once
// all have rendered (no partial reports on error).
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace flowgap::cli {

// `flowgap audit`: the report formats and the gate (docs/usage.md).
struct AuditOptions {
    std::string deployment;
    // text | json | html | sarif | junit | markdown (report::report_formats()), paired in order
    // with `outputs`; one format may go to standard output (no --output).
    std::vector<std::string> formats;
    std::vector<std::string> outputs;
    std::string fail_on = "high";
    std::string waivers;         // empty: flowgap-waivers.yaml beside the deployment file, if any
    std::string today;           // YYYY-MM-DD; empty: $FLOWGAP_TODAY, else today's UTC date
    std::string color = "auto";  // auto (a TTY without NO_COLOR) | always | never; NO_COLOR wins
    bool quiet = false;
    bool timestamp = false;
};

// Adds the `audit` subcommand to `app`, filling `options` when it is parsed.
CLI::App* add_audit_command(CLI::App& app, AuditOptions& options);

// The audit command's options: --format/--output pairs, --fail-on, --waivers, --quiet, ...
void add_audit_options(CLI::App* audit, AuditOptions& o);

// Returns the exit code: 0 when the gate passes, 1 when it fails. Throws InputError for bad
// input: the deployment, a config, options, a waiver file, a report that cannot be written.
int run_audit(const AuditOptions& options);

}  // namespace flowgap::cli
