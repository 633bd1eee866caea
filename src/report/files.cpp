#include "src/report/files.hpp"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "analysis/diagnostic.hpp"

namespace flowgap::report {

namespace {

namespace fs = std::filesystem;

}  // namespace

void add_format_options(CLI::App* cmd, std::vector<std::string>& formats, std::vector<std::string>& outputs,
                        const std::vector<std::string>& allowed) {
    cmd->add_option("--format", formats, "Output format, repeatable with one --output each")
        ->check(CLI::IsMember(allowed))
        ->take_all()
        ->allow_extra_args(false);
    cmd->add_option("-o,--output", outputs, "Write the report of the matching --format to this file")
        ->take_all()
        ->allow_extra_args(false);
}

std::vector<ReportTarget> report_targets(const std::vector<std::string>& formats_given,
                                         const std::vector<std::string>& outputs) {
    std::vector<std::string> formats =
        formats_given.empty() ? std::vector<std::string>{"text"} : formats_given;
    std::vector<ReportTarget> out;
    if (outputs.empty() && formats.size() == 1) return {ReportTarget{formats[0], "", ""}};
    if (outputs.size() != formats.size()) {
        analysis::InputError::raise_at(
            "command line", fmt::format("give each --format its own --output ({} formats, {} outputs); "
                                        "only a single format may go to standard output",
                                        formats.size(), outputs.size()));
    }
    std::set<std::string> seen;
    for (size_t i = 0; i < formats.size(); ++i) {
        if (!seen.insert(outputs[i]).second)
            analysis::InputError::raise_at("command line", "--output '" + outputs[i] + "' given twice");
        // "-" is standard output, so that one format can go to the terminal beside report files.
        out.push_back(ReportTarget{formats[i], outputs[i] == "-" ? "" : outputs[i], ""});
    }
    return out;
}

void write_report_targets(const std::vector<ReportTarget>& all) {
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
            analysis::InputError::raise_at(t.path, "cannot write the report");
        }
    }
    for (const auto& [tmp, path] : staged) {
        std::error_code ec;
        fs::rename(tmp, path, ec);
        if (ec) {
            discard();
            analysis::InputError::raise_at(path, "cannot write the report: " + ec.message());
        }
    }
    for (const auto& t : all) {
        if (t.path.empty()) std::cout << t.rendered << std::flush;
    }
}

std::string utc_now() {
    std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    gmtime_r(&now, &utc);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return buf;
}

}  // namespace flowgap::report
