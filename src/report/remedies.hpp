// The remedies a report proposes: planned once from the audit through the vendor table (each
// vendor's syntax lives in its parser folder), then read by every writer.
#pragma once

#include <string>
#include <vector>

#include "analysis/checks.hpp"
#include "analysis/remediation.hpp"
#include "src/report/report.hpp"

namespace flowgap::report {

// The remedies for every certain block of a blocked or partial required flow (analysis::plan_fixes)
// and for every finding its firewall's vendor can replace (app-id-rule), secrets masked.
Remedies plan_remedies(const std::vector<analysis::Firewall>& firewalls, const analysis::Audit& audit,
                       const std::vector<analysis::Finding>& findings);

// The planned remedies for one flow at one firewall, and for a finding (none: empty).
const std::vector<analysis::Remedy>& remedies(const Report& r, const analysis::FlowAtFirewall& res);
const std::vector<analysis::Remedy>& remedies(const Report& r, const analysis::Finding& f);
// The same as text: each remedy's summary, then its commands, one per line.
std::string flow_remedy(const Report& r, const analysis::FlowAtFirewall& res);
std::string finding_remedy(const Report& r, const analysis::Finding& f);

}  // namespace flowgap::report
