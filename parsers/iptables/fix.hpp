// Remediation in iptables syntax: `iptables -I CHAIN N ...` before a blocking rule.
#pragma once

#include "analysis/checks.hpp"
#include "analysis/remediation.hpp"

namespace flowgap::parsers::iptables {

// The commands that let `fix.packets` of `flow` through the chain that blocks them: an allow rule inserted
// before the blocking rule (Rule::container and position, as this parser names them), or appended when the
// chain's policy drops them.
analysis::Remedy fix(const analysis::Fix& fix, const analysis::Flow& flow);

}  // namespace flowgap::parsers::iptables
