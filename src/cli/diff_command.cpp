// `flowgap diff`: both forms end in compare_reports() over two flowgap-report/1 documents.
#include "src/cli/diff_command.hpp"

#include <algorithm>
#include <map>
#include <memory>

#include "analysis/gate.hpp"
#include "analysis/input_file.hpp"
#include "parsers/parse.hpp"
#include "src/diff/audits.hpp"
#include "src/diff/diff.hpp"
#include "src/diff/formats.hpp"
#include "src/diff/validate.hpp"
#include "src/report/files.hpp"
#include "src/report/pipeline.hpp"

namespace flowgap::cli {

using namespace flowgap::analysis;
using namespace flowgap::report;
using namespace flowgap::diff;
using nlohmann::json;

namespace {

Firewall parse(const FirewallSpec& spec) {
    return parsers::parse_firewall(spec);
}

// FIREWALL=FILE pairs by firewall: naming a firewall again adds a file to its candidate configs
// (a Windows host's profile settings and rule listing, a host's IPv4 and IPv6 dumps).
std::map<size_t, std::vector<std::string>> candidates_of(const Deployment& d,
                                                         const std::vector<std::string>& args) {
    std::map<size_t, std::vector<std::string>> out;
    for (const auto& arg : args) {
        size_t eq = arg.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == arg.size())
            InputError::raise_at("command line", "--candidate '" + arg + "' must be FIREWALL=FILE");
        std::string name = arg.substr(0, eq);
        size_t i = 0;
        while (i < d.firewalls.size() && d.firewalls[i].name != name)
            ++i;
        if (i == d.firewalls.size())
            InputError::raise_at("command line",
                                 "--candidate names '" + name + "', which is not a firewall of " + d.path);
        std::vector<std::string>& files = out[i];
        std::string file = arg.substr(eq + 1);
        if (std::find(files.begin(), files.end(), file) != files.end())
            InputError::raise_at("command line", "--candidate names " + file + " for '" + name + "' twice");
        files.push_back(file);
    }
    return out;
}

Diff diff_candidates(const std::string& deployment, const DiffOptions& o) {
    Deployment d = load_deployment(deployment);
    parsers::check_formats(d);
    auto candidates = candidates_of(d, o.candidates);
    // The waivers `flowgap audit` would apply. Both sides get the same ones, so a waiver added
    // with the change counts.
    std::vector<Waiver> waivers = waivers_for(d, o.waivers);
    std::vector<Firewall> firewalls;
    for (const auto& spec : d.firewalls)
        firewalls.push_back(parse(spec));
    Date day = today();
    json before = audit_json(d, firewalls, waivers, day);
    // Only the named firewalls are read again; the rest keep their parsed model.
    for (const auto& [i, files] : candidates) {
        d.firewalls[i].configs = files;
        d.firewalls[i].config_paths = files;
        firewalls[i] = parse(d.firewalls[i]);
    }
    json after = audit_json(d, firewalls, waivers, day);
    return compare_reports(before, deployment, after, deployment + " with the candidates");
}

json read_report(const std::string& path) {
    return parse_report(read_input_file(path, std::make_shared<const std::string>(path), "report"), path);
}

std::optional<Severity> fail_on_of(const std::string& s) {
    if (s == "none") return std::nullopt;
    if (auto v = parse_severity(s)) return v;
    InputError::raise_at("command line",
                         "--fail-on '" + s + "' must be info, low, medium, high, critical or none");
}

}  // namespace

CLI::App* add_diff_command(CLI::App& app, DiffOptions& o) {
    auto* cmd = app.add_subcommand(
        "diff",
        "What a candidate configuration changes for Tanium: DEPLOYMENT --candidate FIREWALL=FILE, "
        "or BEFORE.json AFTER.json (two saved audit reports)");
    cmd->add_option("inputs", o.inputs, "DEPLOYMENT, or BEFORE.json AFTER.json")
        ->required()
        ->expected(1, 2)
        ->type_name("FILE");
    cmd->add_option("--candidate", o.candidates,
                    "FIREWALL=FILE: audit with this firewall's config replaced (repeat it for a firewall "
                    "read from several files)");
    add_format_options(cmd, o.formats, o.outputs, diff_format_names());
    cmd->add_option(
        "--fail-on", o.fail_on,
        "Exit 1 when a finding at or above this severity appears (info|low|medium|high|critical|none; "
        "default high)");
    cmd->add_option("--waivers", o.waivers,
                    "Waiver file for both sides (default: flowgap-waivers.yaml beside the deployment)")
        ->type_name("FILE");
    cmd->add_flag("--timestamp", o.timestamp, "Stamp the reports with the time they were made (UTC)");
    return cmd;
}

int run_diff(const DiffOptions& o) {
    std::optional<Severity> fail_on = fail_on_of(o.fail_on);
    std::vector<ReportTarget> targets = report_targets(o.formats, o.outputs);
    Diff d;
    if (o.inputs.size() == 2) {
        if (!o.candidates.empty())
            InputError::raise_at("command line",
                                 "--candidate goes with a deployment file, not with two reports");
        d = compare_reports(read_report(o.inputs[0]), o.inputs[0], read_report(o.inputs[1]), o.inputs[1]);
    } else {
        if (o.candidates.empty())
            InputError::raise_at("command line",
                                 "give --candidate FIREWALL=FILE, or two saved reports to compare");
        d = diff_candidates(o.inputs[0], o);
    }
    DiffGate g = gate_of(d, fail_on);
    DiffReportOptions options;
    if (o.timestamp) options.timestamp = utc_now();
    for (auto& t : targets)
        t.rendered = render_diff(t.format, d, g, options);
    write_report_targets(targets);
    return g.failed() ? 1 : 0;
}

}  // namespace flowgap::cli
