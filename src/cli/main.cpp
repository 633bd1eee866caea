// flowgap: audits firewall configurations against the Tanium port matrix. Registers the commands
// and dispatches to the one that was parsed; each command's options live beside it.
#include <iostream>

#include <CLI/CLI.hpp>

#include "analysis/rule.hpp"
#include "flowgap/version.hpp"
#include "src/cli/audit_outputs.hpp"
#include "src/cli/commands.hpp"
#include "src/cli/diff_command.hpp"
#include "src/serve/serve.hpp"

int main(int argc, char** argv) {
    CLI::App app{"flowgap: checks firewall configurations against the Tanium port matrix"};
    app.set_version_flag("--version", "flowgap " FLOWGAP_VERSION);
    app.require_subcommand(1);

    flowgap::cli::FlowsOptions flows_options;
    auto* flows = flowgap::cli::add_flows_command(app, flows_options);
    flowgap::cli::AuditOptions audit_options;
    flowgap::cli::add_audit_command(app, audit_options);

    std::string deployment;
    flowgap::cli::ExplainOptions explain_options;
    auto* explain = app.add_subcommand("explain", "Trace one packet through one firewall, rule by rule");
    explain->add_option("deployment", deployment, "Deployment file (YAML)")->required();
    explain->add_option("--firewall", explain_options.firewall, "The firewall's name in the deployment")
        ->required();
    explain->add_option("--from", explain_options.from, "Source address")->required();
    explain->add_option("--to", explain_options.to, "Destination address")->required();
    explain->add_option("--port", explain_options.port, "PROTOCOL/PORT (default tcp/17472)");
    explain->add_option("--sport", explain_options.sport, "Source port (default 49152)");
    explain->add_option("--program", explain_options.program,
                        "Local program on a host firewall, e.g. taniumclient.exe");

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
        if (flows->parsed()) return flowgap::cli::run_flows(flows_options);
        if (explain->parsed()) return flowgap::cli::run_explain(deployment, explain_options);
        if (diff->parsed()) return flowgap::cli::run_diff(diff_options);
        if (serve->parsed()) return flowgap::serve::run_serve(serve_options);
        return flowgap::cli::run_audit(audit_options);
    } catch (const flowgap::analysis::InputError& e) {
        std::cerr << "flowgap: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "flowgap: internal error: " << e.what() << "\n";
        return 3;
    }
}
