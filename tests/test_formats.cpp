// The report-format table (src/report/formats.hpp) and the diff writers keyed by its names
// (src/diff/formats.hpp): the two must name the same formats, since serve renders both from
// them and serves each by the report table's extension and media type.
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "src/diff/formats.hpp"
#include "src/report/formats.hpp"
#include "src/report/pipeline.hpp"

using namespace flowgap;

TEST_CASE("report formats: every diff format is a report format and the other way round", "[report]") {
    std::set<std::string> audit, diff;
    for (const auto& f : report::report_formats()) {
        INFO(f.name);
        CHECK(audit.insert(std::string(f.name)).second);
        CHECK(f.write_audit != nullptr);
        CHECK(report::report_format(f.extension, true) == &f);
        CHECK(report::report_format(f.name) == &f);
    }
    for (const auto& f : diff::diff_formats()) {
        INFO(f.name);
        CHECK(diff.insert(std::string(f.name)).second);
        CHECK(f.write != nullptr);
    }
    CHECK(audit == diff);
}

TEST_CASE("report formats: --format lists them in the order the help always had", "[report]") {
    CHECK(report::report_format_names() ==
          std::vector<std::string>{"text", "json", "html", "sarif", "junit", "markdown"});
    CHECK(diff::diff_format_names() ==
          std::vector<std::string>{"text", "json", "markdown", "html", "sarif", "junit"});
}

TEST_CASE("report pipeline: today() takes --today first and locates a bad day", "[report]") {
    CHECK(report::today("2026-02-28").str() == "2026-02-28");
    try {
        report::today("2026-02-30");
        FAIL("no error");
    } catch (const analysis::InputError& e) {
        CHECK(e.location().str() == "--today");
        CHECK(e.message() == "'2026-02-30' is not a date YYYY-MM-DD");
    }
}
