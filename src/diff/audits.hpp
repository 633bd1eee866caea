// The config form of `flowgap diff` for a caller that parsed both sides itself: each side is
// audited by the one audit pipeline (src/report/pipeline.hpp), written as `flowgap audit
// --format json` writes it, and the two reports are compared (compare_reports), so the config
// form compares exactly what the saved-report form would read.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/deployment.hpp"
#include "analysis/waivers.hpp"
#include "src/diff/diff.hpp"

namespace flowgap::diff {

// One side: the audit at --fail-on high, as `flowgap audit --format json` writes it, read back.
nlohmann::json audit_json(const analysis::Deployment& d, const std::vector<analysis::Firewall>& firewalls,
                          const std::vector<analysis::Waiver>& waivers, analysis::Date today);

// `after` is `before` with some firewalls' configs replaced. Both sides get the same waivers
// and the same day (which decides the waivers that have expired).
Diff diff_audits(const analysis::Deployment& before, const std::vector<analysis::Firewall>& before_firewalls,
                 const analysis::Deployment& after, const std::vector<analysis::Firewall>& after_firewalls,
                 const std::vector<analysis::Waiver>& waivers, analysis::Date today);

}  // namespace flowgap::diff
