// The report formats: one row each, read by every place that lists, validates, renders or
// serves a format (`flowgap audit --format`, `flowgap serve`'s reports, their file names and
// media types). A new format costs its writer and one row here, plus its row in
// src/diff/formats.cpp.
//
// The diff writers cannot be named here: src/diff sits above this room. src/diff keeps its own
// table of diff writers keyed by the same names (tests check that the two name the same formats).
// We chose that over a diff-writer column filled in by a registration from src/diff because a
// registry filled at start-up is global mutable state, and a static library's registration
// object is dropped by the linker unless something names it.
#pragma once

#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "src/report/report.hpp"

namespace flowgap::report {

struct ReportFormat {
    std::string_view name;        // --format, the API's format=: "json"
    std::string_view extension;   // a saved report's file name: "json"
    std::string_view media_type;  // as served: "application/json"
    void (*write_audit)(std::ostream&, const Report&);
};

// Every format, in the order `flowgap audit --help` lists them.
std::span<const ReportFormat> report_formats();

// The format of that name (or, by_extension, of that file extension); null when there is none.
const ReportFormat* report_format(std::string_view name, bool by_extension = false);

// The names, in table order: what --format accepts.
std::vector<std::string> report_format_names();

// One audit report in one format (a name not in the table: text).
std::string render_audit(std::string_view format, const Report& r);

}  // namespace flowgap::report
