#include "src/cli/audit_outputs.hpp"

#include <unistd.h>

#include <cstdlib>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "analysis/gate.hpp"
#include "parsers/parse.hpp"
#include "src/report/files.hpp"
#include "src/report/formats.hpp"
#include "src/report/pipeline.hpp"

namespace flowgap::cli {

using namespace flowgap::analysis;
using namespace flowgap::report;

namespace {

// NO_COLOR (no-color.org) wins over everything: a user who set it never wants escapes.
bool use_color(const AuditOptions& o, const ReportTarget& t) {
    const char* no_color = std::getenv("NO_COLOR");
    if (no_color && *no_color) return false;
    if (o.color == "always") return true;
    if (o.color == "never" || t.format != "text") return false;
    return t.path.empty() && isatty(STDOUT_FILENO);
}

void render(ReportTarget& t, const Report& base, const AuditOptions& o) {
    Report r = base;
    r.options.color = use_color(o, t);
    t.rendered = render_audit(t.format, r);
}

}  // namespace

CLI::App* add_audit_command(CLI::App& app, AuditOptions& o) {
    auto* audit =
        app.add_subcommand("audit", "Evaluate every Tanium flow against the deployment's firewalls");
    audit->add_option("deployment", o.deployment, "Deployment file (YAML)")->required()->type_name("FILE");
    add_audit_options(audit, o);
    return audit;
}

void add_audit_options(CLI::App* audit, AuditOptions& o) {
    add_format_options(audit, o.formats, o.outputs, report_format_names());
    audit
        ->add_option("--fail-on", o.fail_on,
                     "Exit 1 when anything at or above this severity remains (default high)")
        ->check(CLI::IsMember({"info", "low", "medium", "high", "critical"}));
    audit
        ->add_option("--waivers", o.waivers,
                     "Waiver file (default: flowgap-waivers.yaml beside the deployment)")
        ->type_name("FILE");
    audit->add_flag("-q,--quiet", o.quiet, "Text: print only what fails the gate");
    audit->add_option("--color", o.color, "auto (a terminal without NO_COLOR), always or never")
        ->check(CLI::IsMember({"auto", "always", "never"}));
    audit->add_flag("--timestamp", o.timestamp, "Stamp the reports with the time they were made (UTC)");
    // Hidden: tests pin the day that decides which waivers have expired.
    audit->add_option("--today", o.today, "")->group("");
}

int run_audit(const AuditOptions& o) {
    Deployment d = load_deployment(o.deployment);
    parsers::check_formats(d);
    std::vector<Firewall> firewalls;
    for (const auto& spec : d.firewalls)
        firewalls.push_back(parsers::parse_firewall(spec));
    std::vector<ReportTarget> all = report_targets(o.formats, o.outputs);
    auto fail_on = parse_severity(o.fail_on);
    if (!fail_on)
        InputError::raise_at(
            "--fail-on",
            fmt::format("'{}' is not a severity (info, low, medium, high, critical)", o.fail_on));
    std::vector<Waiver> waivers = waivers_for(d, o.waivers);
    AuditResult result = run_pipeline(d, firewalls, waivers, *fail_on, today(o.today));
    ReportOptions options;
    options.quiet = o.quiet;
    if (o.timestamp) options.timestamp = utc_now();
    Report report = report_of(d, firewalls, result, options);
    for (auto& t : all)
        render(t, report, o);
    write_report_targets(all);
    return result.gate.passed() ? 0 : 1;
}

}  // namespace flowgap::cli
