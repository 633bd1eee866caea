// The standard Tanium deployment (fixtures/standard/deployment.yaml) as text, for the tests and
// benchmarks that write a deployment file: each appends its own `firewalls:` list.
#pragma once

#include <map>
#include <stdexcept>
#include <string>

#include "tests/support/e2e.hpp"

namespace flowgap::testing {

// The standard deployment, ending in its `roles:` block. `roles` declares some roles otherwise,
// so that a test's variation is written in the test: each entry replaces that role's line with
// `role: value`, drops it when the value is "", and adds it when the fixture has no such role.
inline std::string standard_deployment(const std::map<std::string, std::string>& roles = {}) {
    const std::string file = "fixtures/standard/deployment.yaml";
    std::string text = read_file(source_path(file));
    if (text.empty()) throw std::runtime_error("cannot read " + file);
    for (const auto& [role, value] : roles) {
        std::string line = value.empty() ? "" : "  " + role + ": " + value + "\n";
        auto at = text.find("\n  " + role + ":");
        if (at == std::string::npos) {
            text += line;
            continue;
        }
        auto end = text.find('\n', at + 1);
        text.replace(at + 1, end == std::string::npos ? std::string::npos : end - at, line);
    }
    return text;
}

}  // namespace flowgap::testing
