// Where reports go, for every command that writes several formats at once (audit, diff):
// --format/--output pairs, each report rendered to memory, the files put in place only when all
// have rendered, so an error never leaves some reports new and others old or half written.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace flowgap::report {

struct ReportTarget {
    std::string format;
    std::string path;  // empty: standard output
    std::string rendered;
};

// Adds the repeatable --format (one of `formats`) and -o/--output options to `cmd`.
void add_format_options(CLI::App* cmd, std::vector<std::string>& formats, std::vector<std::string>& outputs,
                        const std::vector<std::string>& allowed);

// Pairs formats with outputs in order (no format: text; one format and no output: standard
// output; "-" as an output: standard output). Throws InputError when they do not pair up.
std::vector<ReportTarget> report_targets(const std::vector<std::string>& formats,
                                         const std::vector<std::string>& outputs);

// Writes every rendered target: report files are staged in exclusive temp files beside them,
// devices and FIFOs (/dev/null, /dev/stdout) are written in place, then the staged files are
// renamed into place, then standard output. A symbolic link to a regular file is refused (see
// files.cpp). Throws InputError, having removed what it staged, when a target cannot be written.
void write_report_targets(const std::vector<ReportTarget>& targets);

// The current time for --timestamp, UTC, ISO 8601 ("2026-11-27T05:18:00Z").
std::string utc_now();

}  // namespace flowgap::report
