// Exposure checks: what allow rules admit toward Tanium hosts beyond what Tanium needs.
//
// Each check is a question over the rule model: evaluate a probe (every packet that could reach
// one Tanium port) against a firewall, take what each allow rule decides, subtract the packets
// the deployment's catalog flows need, and report the rest. Checks know nothing of vendors.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analysis/audit.hpp"

namespace flowgap::analysis {

enum class Severity { info, low, medium, high, critical };
std::string_view to_string(Severity s);

struct Finding {
    std::string check;  // a stable id: exposed-server-port, app-id-rule, ...
    Severity severity = Severity::medium;
    size_t firewall = 0;
    const Policy* policy = nullptr;
    const Rule* rule = nullptr;
    bool conditional = false;  // the rule only may admit the excess (it depends on a condition)
    FlowSpace excess;          // what the rule admits beyond the need
    FlowSpace needed;          // the part of what it admits that Tanium flows need
    std::string message;
    std::vector<std::string> flows;  // app-id-rule: the flows the rule decides part of
    // Exposure checks: the firewall's destination translations that the excess goes through, so
    // that a finding on a real address also names the public one it is reached on.
    std::vector<const Translation*> published;
};

// Every check's description, for docs and SARIF: id, default severity, one line.
struct CheckInfo {
    std::string_view id;
    Severity severity;
    std::string_view summary;
};
const std::vector<CheckInfo>& check_catalog();

// Runs every exposure check and the App-ID check on every firewall. Findings come in a stable
// order: by firewall, then check, then rule position.
std::vector<Finding> run_checks(const Deployment& d, const std::vector<Firewall>& firewalls,
                                const Audit& audit);

}  // namespace flowgap::analysis
