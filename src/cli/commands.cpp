#include "src/cli/commands.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "analysis/audit.hpp"
#include "parsers/parse.hpp"
#include "src/report/report.hpp"

namespace flowgap::cli {

using namespace flowgap::analysis;
using namespace flowgap::report;

namespace {

// Writes the whole report to a string first, so that a failure never leaves a partial report.
template <typename Writer>
void emit(const FlowsOptions& out, Writer write) {
    std::ostringstream buffer;
    write(buffer);
    if (out.output.empty()) {
        std::cout << buffer.str() << std::flush;
        return;
    }
    std::ofstream file(out.output, std::ios::binary | std::ios::trunc);
    if (!file) InputError::raise_at(out.output, "cannot write the report");
    file << buffer.str();
}

}  // namespace

CLI::App* add_flows_command(CLI::App& app, FlowsOptions& o) {
    auto* flows = app.add_subcommand("flows", "Print the Tanium flows that apply to a deployment");
    flows->add_option("deployment", o.deployment, "Deployment file (YAML)")->required();
    flows->add_option("--format", o.format, "Output format")->check(CLI::IsMember({"text", "json"}));
    flows->add_option("-o,--output", o.output, "Write the report to this file instead of standard output");
    return flows;
}

int run_flows(const FlowsOptions& o) {
    Deployment d = load_deployment(o.deployment);
    parsers::check_formats(d);
    std::vector<Flow> flows = expand(d);
    emit(o, [&](std::ostream& s) {
        if (o.format == "json") {
            write_flows_json(s, d, flows);
        } else {
            write_flows_text(s, d, flows);
        }
    });
    return 0;
}

}  // namespace flowgap::cli
