// The diff report formats: one row each, keyed by the names of the report-format table
// (src/report/formats.hpp), which holds what the two share (extension, media type). The writers
// live here because this room sits above the report room; see formats.hpp there for why this is
// a second table and not a column filled in by registration.
#pragma once

#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "src/diff/diff.hpp"

namespace flowgap::diff {

struct DiffFormat {
    std::string_view name;  // a name of report::report_formats()
    void (*write)(std::ostream&, const Diff&, const DiffGate&, const DiffReportOptions&);
};

// Every diff format, in the order `flowgap diff --help` lists them.
std::span<const DiffFormat> diff_formats();

// The names, in table order: what `flowgap diff --format` accepts.
std::vector<std::string> diff_format_names();

// One diff report in one format (a name not in the table: text).
std::string render_diff(std::string_view format, const Diff& d, const DiffGate& g,
                        const DiffReportOptions& options);

}  // namespace flowgap::diff
