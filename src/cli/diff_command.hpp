// `flowgap diff`: a candidate configuration against the deployment as it is, or two saved
// reports against each other. Kept apart from commands.hpp so that main.cpp only registers it.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace flowgap::cli {

struct DiffOptions {
    std::vector<std::string> inputs;      // DEPLOYMENT, or BEFORE.json AFTER.json
    std::vector<std::string> candidates;  // FIREWALL=FILE
    // text | json | markdown | html | sarif | junit (diff::diff_formats()), paired in order with
    // `outputs` as for `flowgap audit`; one format may go to standard output (no --output).
    std::vector<std::string> formats;
    std::vector<std::string> outputs;
    std::string fail_on = "high";  // a severity, or "none"
    std::string waivers;           // config form only; empty: the audit's default file
    bool timestamp = false;
};

// Adds the `diff` subcommand to `app`, filling `options` when it is parsed.
CLI::App* add_diff_command(CLI::App& app, DiffOptions& options);

// Exit code: 0 nothing got worse, 1 a required flow got worse or a finding at or above
// --fail-on appeared, 2 bad input (analysis::InputError, turned into 2 by main).
int run_diff(const DiffOptions& options);

}  // namespace flowgap::cli
