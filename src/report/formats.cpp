#include "src/report/formats.hpp"

#include <sstream>

#include "src/report/utf8.hpp"

namespace flowgap::report {

namespace {

constexpr ReportFormat formats[] = {
    {"text", "txt", "text/plain; charset=utf-8", write_audit_text},
    {"json", "json", "application/json", write_audit_json},
    {"html", "html", "text/html; charset=utf-8", write_audit_html},
    {"sarif", "sarif", "application/sarif+json", write_audit_sarif},
    {"junit", "xml", "application/xml", write_audit_junit},
    {"markdown", "md", "text/markdown; charset=utf-8", write_audit_markdown},
};

}  // namespace

std::span<const ReportFormat> report_formats() {
    return formats;
}

const ReportFormat* report_format(std::string_view name, bool by_extension) {
    for (const auto& f : formats)
        if ((by_extension ? f.extension : f.name) == name) return &f;
    return nullptr;
}

std::vector<std::string> report_format_names() {
    std::vector<std::string> out;
    for (const auto& f : formats)
        out.emplace_back(f.name);
    return out;
}

std::string render_audit(std::string_view format, const Report& r) {
    const ReportFormat* f = report_format(format);
    std::ostringstream s;
    (f ? f->write_audit : write_audit_text)(s, r);
    return valid_utf8(s.str());
}

}  // namespace flowgap::report
