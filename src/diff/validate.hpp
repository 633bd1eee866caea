// A saved report is input like any other: before the comparison reads a field, every field it
// reads has been checked here for its type and, where the report names one of a fixed set
// (verdict, level, action, severity), for its value, so that a hand-edited or hostile report
// fails with its file and the JSON pointer of the bad field (exit 2) instead of throwing inside
// nlohmann or carrying arbitrary text into a writer as if it were an enum.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace flowgap::diff {

// Throws InputError ("NAME: /flows/3/verdict: ...") at the first field that is not as
// flowgap-report/1 defines it.
void validate_report(const nlohmann::json& report, const std::string& name);

// A saved report's text as JSON: what `flowgap diff BEFORE.json AFTER.json` reads (and what
// fuzz/fuzz_report.cpp feeds). Text that is not JSON throws InputError at `name`; the fields are
// checked later, by validate_report.
nlohmann::json parse_report(const std::string& text, const std::string& name);

}  // namespace flowgap::diff
