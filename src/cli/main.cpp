// flowgap: audits firewall configurations against the Tanium port matrix. Registers the commands
// and dispatches to the one that was parsed; each command's options live beside it.
#include <csignal>
#include <iostream>

#include <CLI/CLI.hpp>

#include "analysis/rule.hpp"
#include "flowgap/build_commit.hpp"
#include "flowgap/version.hpp"
#include "src/cli/audit_outputs.hpp"
#include "src/cli/cli_docs.hpp"
#include "src/cli/commands.hpp"
#include "src/cli/diff_command.hpp"
#include "src/cli/explain.hpp"
#include "src/cli/init_command.hpp"
#include "src/serve/serve.hpp"

int main(int argc, char** argv) {
    // A reader that goes away (`flowgap audit ... | head`) must not kill flowgap with SIGPIPE:
    // the write then fails with EPIPE, and the report writers say so and exit 2 like any failed
    // write. Set before anything writes, and inherited by nothing: flowgap starts no programs.
    std::signal(SIGPIPE, SIG_IGN);
    CLI::App app{"Checks firewall configurations against the Tanium port matrix", "flowgap"};
    app.set_version_flag("--version", "flowgap " FLOWGAP_VERSION " (commit " FLOWGAP_COMMIT ")");
    app.require_subcommand(1);

    flowgap::cli::InitOptions init_options;
    auto* init = flowgap::cli::add_init_command(app, init_options);
    flowgap::cli::FlowsOptions flows_options;
    auto* flows = flowgap::cli::add_flows_command(app, flows_options);
    flowgap::cli::AuditOptions audit_options;
    flowgap::cli::add_audit_command(app, audit_options);

    flowgap::cli::ExplainOptions explain_options;
    auto* explain = flowgap::cli::add_explain_command(app, explain_options);

    flowgap::cli::DiffOptions diff_options;
    auto* diff = flowgap::cli::add_diff_command(app, diff_options);
    flowgap::serve::ServeOptions serve_options;
    auto* serve = flowgap::serve::add_serve_command(app, serve_options);
    // Hidden: the build writes the man pages and shell completions from the definitions above.
    flowgap::cli::add_write_docs_option(app, FLOWGAP_VERSION);

    try {
        try {
            app.parse(argc, argv);
        } catch (const CLI::ParseError& e) {
            int code = app.exit(e);
            return code == 0 ? 0 : 2;
        }
        if (init->parsed()) return flowgap::cli::run_init(init_options);
        if (flows->parsed()) return flowgap::cli::run_flows(flows_options);
        if (explain->parsed()) return flowgap::cli::run_explain(explain_options);
        if (diff->parsed()) return flowgap::cli::run_diff(diff_options);
        if (serve->parsed()) return flowgap::serve::run_serve(serve_options);
        return flowgap::cli::run_audit(audit_options);
    } catch (const flowgap::analysis::InputError& e) {
        // "file:line:col: error: message" on one line, as compilers print it, so editors jump to it.
        std::cerr << flowgap::cli::one_line(e.what()) << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "flowgap: internal error: " << flowgap::cli::one_line(e.what()) << "\n";
        return 3;
    }
}
