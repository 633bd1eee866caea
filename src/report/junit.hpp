// JUnit XML shared by the audit's and the diff's writers: test cases grouped in suites, written
// with the counts CI dashboards read.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace flowgap::report {

struct JunitCase {
    std::string classname;
    std::string name;
    std::string failure_type;     // set: failed
    std::string failure_message;  // one line
    std::string details;          // failure body or system-out
    std::string skipped;          // set: skipped (waived)
};

struct JunitSuite {
    std::string name;
    std::vector<JunitCase> cases;
    size_t failures() const;
    size_t skipped() const;
};

// `name` names the whole run (<testsuites name=...>); `timestamp` stamps each suite.
void write_junit(std::ostream& out, const std::string& name, const std::vector<JunitSuite>& suites,
                 const std::optional<std::string>& timestamp);

}  // namespace flowgap::report
