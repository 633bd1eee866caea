// Remediation in netsh syntax: `netsh advfirewall firewall add rule ...`.
#pragma once

#include "analysis/checks.hpp"
#include "analysis/remediation.hpp"

namespace flowgap::parsers::netsh {

// The commands that let `fix.packets` of `flow` through Windows Defender Firewall: block rules win, so a
// blocking rule is narrowed (deleted and re-created for what it matched less the packets); a blocking default
// gets an allow rule.
analysis::Remedy fix(const analysis::Fix& fix, const analysis::Flow& flow);

}  // namespace flowgap::parsers::netsh
