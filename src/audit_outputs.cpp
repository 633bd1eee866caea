#include "src/audit_outputs.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "analysis/gate.hpp"
#include "src/report.hpp"

namespace flowgap::cli {

using namespace flowgap::analysis;

namespace {

namespace fs = std::filesystem;

[[noreturn]] void bad(const std::string& where, const std::string& what) {
    throw InputError(SourceLocation{std::make_shared<const std::string>(where)}, what);
}

struct Target {
    std::string format;
    std::string path;  // empty: standard output
    std::string rendered;
};

std::vector<Target> targets(const AuditOptions& o) {
    std::vector<std::string> formats = o.formats.empty() ? std::vector<std::string>{"text"} : o.formats;
    std::vector<Target> out;
    if (o.outputs.empty() && formats.size() == 1) return {Target{formats[0], "", ""}};
    if (o.outputs.size() != formats.size()) {
        bad("command line", fmt::format("give each --format its own --output ({} formats, {} outputs); "
                                        "only a single format may go to standard output",
                                        formats.size(), o.outputs.size()));
    }
    std::set<std::string> seen;
    for (size_t i = 0; i < formats.size(); ++i) {
        if (!seen.insert(o.outputs[i]).second)
            bad("command line", "--output '" + o.outputs[i] + "' given twice");
        // "-" is standard output, so that one format can go to the terminal beside report files.
        out.push_back(Target{formats[i], o.outputs[i] == "-" ? "" : o.outputs[i], ""});
    }
    return out;
}

Date today(const AuditOptions& o) {
    std::string where = "--today", value = o.today;
    if (value.empty()) {
        const char* env = std::getenv("FLOWGAP_TODAY");
        if (!env || !*env) return Date::today_utc();
        where = "FLOWGAP_TODAY";
        value = env;
    }
    auto d = Date::parse(value);
    if (!d) bad(where, fmt::format("'{}' is not a date YYYY-MM-DD", value));
    return *d;
}

std::vector<Waiver> waivers_for(const Deployment& d, const AuditOptions& o) {
    return o.waivers.empty() ? default_waivers(d) : load_waivers(o.waivers);
}

std::string utc_now() {
    std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    gmtime_r(&now, &utc);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return buf;
}

// NO_COLOR (no-color.org) wins over everything: a user who set it never wants escapes.
bool use_color(const AuditOptions& o, const Target& t) {
    const char* no_color = std::getenv("NO_COLOR");
    if (no_color && *no_color) return false;
    if (o.color == "always") return true;
    if (o.color == "never" || t.format != "text") return false;
    return t.path.empty() && isatty(STDOUT_FILENO);
}

void render(Target& t, const Report& base, const AuditOptions& o) {
    Report r = base;
    r.options.color = use_color(o, t);
    t.rendered = render_audit(t.format, r);
}

// Each file is written beside its target and renamed into place only when every file was
// written, so an error never leaves some reports new and others old or half written.
void write_all(const std::vector<Target>& all) {
    std::vector<std::pair<std::string, std::string>> staged;
    auto discard = [&] {
        std::error_code ec;
        for (const auto& [tmp, path] : staged)
            fs::remove(tmp, ec);
    };
    for (const auto& t : all) {
        if (t.path.empty()) continue;
        std::string tmp = t.path + ".flowgap-tmp";
        std::ofstream file(tmp, std::ios::binary | std::ios::trunc);
        if (file) staged.emplace_back(tmp, t.path);
        if (!file || !(file << t.rendered) || !file.flush()) {
            discard();
            bad(t.path, "cannot write the report");
        }
    }
    for (const auto& [tmp, path] : staged) {
        std::error_code ec;
        fs::rename(tmp, path, ec);
        if (ec) {
            discard();
            bad(path, "cannot write the report: " + ec.message());
        }
    }
    for (const auto& t : all) {
        if (t.path.empty()) std::cout << t.rendered << std::flush;
    }
}

}  // namespace

std::string render_audit(const std::string& format, const Report& r) {
    std::ostringstream s;
    if (format == "json") {
        write_audit_json(s, r);
    } else if (format == "html") {
        write_audit_html(s, r);
    } else if (format == "sarif") {
        write_audit_sarif(s, r);
    } else if (format == "junit") {
        write_audit_junit(s, r);
    } else if (format == "markdown") {
        write_audit_markdown(s, r);
    } else {
        write_audit_text(s, r);
    }
    return s.str();
}

void add_audit_options(CLI::App* audit, AuditOptions& o) {
    audit->add_option("--format", o.formats, "Output format, repeatable with one --output each")
        ->check(CLI::IsMember({"text", "json", "html", "sarif", "junit", "markdown"}))
        ->take_all()
        ->allow_extra_args(false);
    audit->add_option("-o,--output", o.outputs, "Write the report of the matching --format to this file")
        ->take_all()
        ->allow_extra_args(false);
    audit
        ->add_option("--fail-on", o.fail_on,
                     "Exit 1 when anything at or above this severity remains (default high)")
        ->check(CLI::IsMember({"info", "low", "medium", "high", "critical"}));
    audit->add_option("--waivers", o.waivers,
                      "Waiver file (default: flowgap-waivers.yaml beside the deployment)");
    audit->add_flag("-q,--quiet", o.quiet, "Text: print only what fails the gate");
    audit->add_option("--color", o.color, "auto (a terminal without NO_COLOR), always or never")
        ->check(CLI::IsMember({"auto", "always", "never"}));
    audit->add_flag("--timestamp", o.timestamp, "Stamp the reports with the time they were made (UTC)");
    // Hidden: tests pin the day that decides which waivers have expired.
    audit->add_option("--today", o.today, "")->group("");
}

int write_audit_reports(const Deployment& d, const std::vector<Firewall>& firewalls, const Audit& audit,
                        const std::vector<Finding>& findings, const AuditOptions& o) {
    std::vector<Target> all = targets(o);
    auto fail_on = parse_severity(o.fail_on);
    if (!fail_on)
        bad("--fail-on",
            fmt::format("'{}' is not a severity (info, low, medium, high, critical)", o.fail_on));
    std::vector<Waiver> waivers = waivers_for(d, o);
    Gate gate = run_gate(d, audit, findings, waivers, *fail_on, today(o));
    Report report{d, firewalls, audit, findings, &gate, {}};
    report.options.quiet = o.quiet;
    if (o.timestamp) report.options.timestamp = utc_now();
    for (auto& t : all)
        render(t, report, o);
    write_all(all);
    return gate.passed() ? 0 : 1;
}

}  // namespace flowgap::cli
