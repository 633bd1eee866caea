// What to change so a required flow gets through: vendor-independent fixes that writers turn
// into each firewall's own commands.
#pragma once

#include <vector>

#include "analysis/audit.hpp"

namespace flowgap::analysis {

struct Fix {
    size_t flow = 0;      // index into Audit::flows
    size_t firewall = 0;  // index into the deployment's firewalls
    const Policy* policy = nullptr;
    // The rule (or policy default) that blocks `packets`. First-match policies: a new allow rule
    // for `packets` placed right before it. Block-wins policies: an allow rule cannot override a
    // block rule, so a written blocking rule must be narrowed to `narrowed` instead (its match
    // less the packets); a blocking default is overridden by a new allow rule.
    const Rule* blocking = nullptr;
    bool blocking_is_default = false;
    FlowSpace packets;
    bool narrow = false;
    FlowSpace narrowed;
};

// One fix per certain block decision of every blocked or partial required flow.
std::vector<Fix> plan_fixes(const Audit& audit);

}  // namespace flowgap::analysis
