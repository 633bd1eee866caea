// The flowgap commands. Each returns the process exit code: 0 pass, 1 the audit's gate fails (a
// required flow not allowed, a finding at or above --fail-on), 2 bad input (thrown as
// analysis::InputError and turned into 2 by main).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace flowgap::cli {

struct OutputOptions {
    std::string format = "text";  // text | json
    std::string output;           // file; empty: standard output
};

// `flowgap audit`: the report formats and the gate (docs/usage.md).
struct AuditOptions {
    // text | json | html | sarif | junit | markdown, paired in order with `outputs`; one format
    // may go to standard output (no --output).
    std::vector<std::string> formats;
    std::vector<std::string> outputs;
    std::string fail_on = "high";
    std::string waivers;         // empty: flowgap-waivers.yaml beside the deployment file, if any
    std::string today;           // YYYY-MM-DD; empty: $FLOWGAP_TODAY, else today's UTC date
    std::string color = "auto";  // auto (a TTY without NO_COLOR) | always | never; NO_COLOR wins
    bool quiet = false;
    bool timestamp = false;
};

int run_flows(const std::string& deployment, const OutputOptions& out);
int run_audit(const std::string& deployment, const AuditOptions& options);

}  // namespace flowgap::cli
