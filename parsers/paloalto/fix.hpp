// Remediation in PAN-OS syntax: `set` commands and XML snippets.
#pragma once

#include "analysis/checks.hpp"
#include "analysis/remediation.hpp"

namespace flowgap::parsers::paloalto {

// The commands that let `fix.packets` of `flow` through the rulebase that blocks them: service-based allow
// rules moved before the blocking rule, as `set` commands and XML.
analysis::Remedy fix(const analysis::Fix& fix, const analysis::Flow& flow);

// An app-id-rule finding's replacement: the rule matched on TCP service objects for the ports
// it must carry, with application `any`. No commands when the finding needs no ports.
analysis::Remedy replace_app_rule(const analysis::Finding& finding);

}  // namespace flowgap::parsers::paloalto
