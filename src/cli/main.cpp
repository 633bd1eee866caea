// flowgap: audits firewall configurations against the Tanium port matrix.
#include <iostream>

#include <CLI/CLI.hpp>

#include "analysis/rule.hpp"
#include "src/cli/audit_outputs.hpp"
#include "src/cli/commands.hpp"
#include "src/cli/diff_command.hpp"
#include "src/cli/explain.hpp"
#include "src/serve/serve.hpp"

namespace {

void add_output_options(CLI::App* cmd, flowgap::cli::OutputOptions& out) {
    cmd->add_option("--format", out.format, "Output format")->check(CLI::IsMember({"text", "json"}));
    cmd->add_option("-o,--output", out.output, "Write the report to this file instead of standard output");
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"flowgap: checks firewall configurations against the Tanium port matrix"};
    app.set_version_flag("--version", "flowgap 0.1.0");
    app.require_subcommand(1);

    std::string deployment;
    flowgap::cli::OutputOptions flows_out;
    flowgap::cli::AuditOptions audit_options;
    auto* flows = app.add_subcommand("flows", "Print the Tanium flows that apply to a deployment");
    flows->add_option("deployment", deployment, "Deployment file (YAML)")->required();
    add_output_options(flows, flows_out);
    auto* audit =
        app.add_subcommand("audit", "Evaluate every Tanium flow against the deployment's firewalls");
    audit->add_option("deployment", deployment, "Deployment file (YAML)")->required();
    flowgap::cli::add_audit_options(audit, audit_options);

    flowgap::cli::ExplainOptions explain_options;
    auto* explain = flowgap::cli::add_explain_command(app, explain_options);

    flowgap::cli::DiffOptions diff_options;
    auto* diff = flowgap::cli::add_diff_command(app, diff_options);
    flowgap::serve::ServeOptions serve_options;
    auto* serve = flowgap::serve::add_serve_command(app, serve_options);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int code = app.exit(e);
        return code == 0 ? 0 : 2;
    }
    try {
        if (flows->parsed()) return flowgap::cli::run_flows(deployment, flows_out);
        if (explain->parsed()) return flowgap::cli::run_explain(explain_options);
        if (diff->parsed()) return flowgap::cli::run_diff(diff_options);
        if (serve->parsed()) return flowgap::serve::run_serve(serve_options);
        return flowgap::cli::run_audit(deployment, audit_options);
    } catch (const flowgap::analysis::InputError& e) {
        std::cerr << "flowgap: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "flowgap: internal error: " << e.what() << "\n";
        return 3;
    }
}
