#include "src/cli/init_command.hpp"

#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>

#include "analysis/diagnostic.hpp"
#include "src/init/init.hpp"
#include "src/report/files.hpp"

namespace flowgap::cli {

namespace fs = std::filesystem;

CLI::App* add_init_command(CLI::App& app, InitOptions& o) {
    auto* cmd =
        app.add_subcommand("init", "Draft a deployment file from firewall exports, with the evidence");
    cmd->add_option("configs", o.configs,
                    "Exports (any format flowgap reads); several exports of one firewall as a.txt+b.txt")
        ->type_name("FILE");
    cmd->add_option("-o,--output", o.output, "Write the deployment file here instead of standard output")
        ->type_name("FILE");
    cmd->add_flag("--example", o.example, "Write a commented template of every key instead");
    return cmd;
}

namespace {

// "a.txt+b.txt" is two exports of one firewall unless a file has that whole name.
std::vector<std::string> files_of(const std::string& arg) {
    std::error_code ec;
    if (fs::exists(arg, ec) || arg.find('+') == std::string::npos) return {arg};
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= arg.size()) {
        size_t plus = arg.find('+', start);
        if (plus == std::string::npos) plus = arg.size();
        if (plus > start) out.push_back(arg.substr(start, plus - start));
        start = plus + 1;
    }
    return out;
}

}  // namespace

int run_init(const InitOptions& o) {
    std::string text;
    if (o.example) {
        if (!o.configs.empty()) analysis::InputError::raise_at("command line", "--example takes no exports");
        text = init::example();
    } else {
        if (o.configs.empty())
            analysis::InputError::raise_at("command line",
                                           "name the firewall exports to draft from (or --example)");
        std::vector<std::vector<std::string>> firewalls;
        for (const auto& c : o.configs)
            firewalls.push_back(files_of(c));
        text = init::draft_files(firewalls, o.output.empty() ? "deployment.yaml" : o.output);
    }
    std::vector<report::ReportTarget> targets = report::report_targets(
        {"yaml"}, o.output.empty() ? std::vector<std::string>{} : std::vector<std::string>{o.output});
    targets.front().rendered = text;
    report::write_report_targets(targets);
    return 0;
}

}  // namespace flowgap::cli
