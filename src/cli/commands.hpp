// The flowgap command `flows` (`explain`: explain.hpp; `audit`: audit_outputs.hpp; `diff`:
// diff_command.hpp; `serve`: src/serve/serve.hpp). Each returns the process exit code: 0 pass,
// 1 the audit's gate fails (a required flow not allowed, a finding at or above --fail-on), 2 bad
// input (thrown as analysis::InputError and turned into 2 by main).
#pragma once

#include <cstdint>
#include <string>

namespace CLI {
class App;
}

namespace flowgap::cli {

// `flowgap flows`: the Tanium flows that apply to a deployment.
struct FlowsOptions {
    std::string deployment;
    std::string format = "text";  // text | json
    std::string output;           // file; empty: standard output
};

// Adds the `flows` subcommand to `app`, filling `options` when it is parsed.
CLI::App* add_flows_command(CLI::App& app, FlowsOptions& options);

int run_flows(const FlowsOptions& options);

// An error message as main prints it: one line, its line breaks turned into spaces, so that
// "file:line:col: error: message" stays what compilers print and editors jump to.
std::string one_line(std::string message);

}  // namespace flowgap::cli
