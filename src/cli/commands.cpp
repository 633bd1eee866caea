#include "src/cli/commands.hpp"

#include <sstream>
#include <vector>

#include <CLI/CLI.hpp>

#include "analysis/audit.hpp"
#include "parsers/parse.hpp"
#include "src/report/files.hpp"
#include "src/report/report.hpp"
#include "src/report/utf8.hpp"

namespace flowgap::cli {

using namespace flowgap::analysis;
using namespace flowgap::report;

CLI::App* add_flows_command(CLI::App& app, FlowsOptions& o) {
    auto* flows = app.add_subcommand("flows", "Print the Tanium flows that apply to a deployment");
    flows->add_option("deployment", o.deployment, "Deployment file (YAML)")->required()->type_name("FILE");
    flows->add_option("--format", o.format, "Output format")->check(CLI::IsMember({"text", "json"}));
    flows->add_option("-o,--output", o.output, "Write the report to this file instead of standard output")
        ->type_name("FILE");
    return flows;
}

int run_flows(const FlowsOptions& o) {
    Deployment d = load_deployment(o.deployment);
    parsers::check_formats(d);
    std::vector<Flow> flows = expand(d);
    // Through the same report targets as every other command: rendered in full, then written.
    std::ostringstream s;
    if (o.format == "json") {
        write_flows_json(s, d, flows);
    } else {
        write_flows_text(s, d, flows);
    }
    std::vector<ReportTarget> targets = report_targets(
        {o.format}, o.output.empty() ? std::vector<std::string>{} : std::vector<std::string>{o.output});
    targets.front().rendered = valid_utf8(s.str());
    write_report_targets(targets);
    return 0;
}

std::string one_line(std::string message) {
    for (char& c : message)
        if (c == '\n' || c == '\r') c = ' ';
    return message;
}

}  // namespace flowgap::cli
