#include "src/diff/audits.hpp"

#include <sstream>

#include "src/report/pipeline.hpp"

namespace flowgap::diff {

using namespace flowgap::analysis;
using nlohmann::json;

json audit_json(const Deployment& d, const std::vector<Firewall>& firewalls,
                const std::vector<Waiver>& waivers, Date today) {
    report::AuditResult result = report::run_pipeline(d, firewalls, waivers, Severity::high, today);
    std::ostringstream s;
    report::write_audit_json(s, report::report_of(d, firewalls, result));
    return json::parse(s.str());
}

Diff diff_audits(const Deployment& before, const std::vector<Firewall>& before_firewalls,
                 const Deployment& after, const std::vector<Firewall>& after_firewalls,
                 const std::vector<Waiver>& waivers, Date today) {
    return compare_reports(audit_json(before, before_firewalls, waivers, today), before.path,
                           audit_json(after, after_firewalls, waivers, today),
                           after.path + " with the candidates");
}

}  // namespace flowgap::diff
