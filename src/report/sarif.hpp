// Pieces of a SARIF 2.1.0 log shared by the audit's and the diff's writers, so that both name
// the same reporting rules, levels and locations and code scanning treats them alike.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/checks.hpp"
#include "analysis/rule.hpp"

namespace flowgap::report {

// What code scanning shows as error (critical, high), warning (medium) or note (low, info).
std::string_view sarif_level(analysis::Severity s);

// The run's reporting rules: the gate's checks (required-flow, ...) and the catalog's, in the
// order of the log's tool.driver.rules.
const std::vector<analysis::CheckInfo>& sarif_rules();

// A result's common part: ruleId, ruleIndex (when the check is known), level, message, one
// physical location and a fingerprint that stays put when lines move. Callers add properties.
nlohmann::ordered_json sarif_result(std::string_view check, analysis::Severity severity,
                                    const std::string& message, const analysis::SourceLocation& location,
                                    const std::string& fingerprint);

// The whole log: one run of flowgap with every rule, the results and the invocation's exit code.
nlohmann::ordered_json sarif_log(nlohmann::ordered_json results, int exit_code,
                                 const std::optional<std::string>& timestamp);

}  // namespace flowgap::report
