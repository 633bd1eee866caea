#include "src/diff/formats.hpp"

#include <sstream>

#include "src/report/utf8.hpp"

namespace flowgap::diff {

namespace {

// Text, JSON and Markdown print no timestamp, so their writers take no options.
template <void (*write)(std::ostream&, const Diff&, const DiffGate&)>
void without_options(std::ostream& out, const Diff& d, const DiffGate& g, const DiffReportOptions&) {
    write(out, d, g);
}

constexpr DiffFormat formats[] = {
    {"text", without_options<write_diff_text>},
    {"json", without_options<write_diff_json>},
    {"markdown", without_options<write_diff_markdown>},
    {"html", write_diff_html},
    {"sarif", write_diff_sarif},
    {"junit", write_diff_junit},
};

}  // namespace

std::span<const DiffFormat> diff_formats() {
    return formats;
}

std::vector<std::string> diff_format_names() {
    std::vector<std::string> out;
    for (const auto& f : formats)
        out.emplace_back(f.name);
    return out;
}

std::string render_diff(std::string_view format, const Diff& d, const DiffGate& g,
                        const DiffReportOptions& options) {
    const DiffFormat* found = &formats[0];  // text
    for (const auto& f : formats)
        if (f.name == format) found = &f;
    std::ostringstream s;
    found->write(s, d, g, options);
    return report::valid_utf8(s.str());
}

}  // namespace flowgap::diff
