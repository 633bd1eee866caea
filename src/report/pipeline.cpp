#include "src/report/pipeline.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "src/report/remedies.hpp"

namespace flowgap::report {

using namespace flowgap::analysis;

AuditResult run_pipeline(const Deployment& d, const std::vector<Firewall>& firewalls,
                         const std::vector<Waiver>& waivers, Severity fail_on, Date today,
                         const PipelineStage& stage) {
    AuditResult r;
    if (stage) stage("evaluating the Tanium flows");
    r.audit = run_audit(d, firewalls);
    if (stage) stage("running the checks");
    r.findings = run_checks(d, firewalls, r.audit);
    r.gate = run_gate(d, r.audit, r.findings, waivers, fail_on, today);
    // What the writers print beyond the audit, findings and gate is computed here, once, and
    // handed to them as data by report_of(): no writer knows a vendor.
    r.remedies = plan_remedies(firewalls, r.audit, r.findings);
    return r;
}

Report report_of(const Deployment& d, const std::vector<Firewall>& firewalls, const AuditResult& result,
                 ReportOptions options) {
    return Report{
        d, firewalls, result.audit, result.findings, &result.gate, std::move(options), &result.remedies};
}

Date today(const std::string& given) {
    std::string where = "--today", value = given;
    if (value.empty()) {
        const char* env = std::getenv("FLOWGAP_TODAY");
        if (!env || !*env) return Date::today_utc();
        where = "FLOWGAP_TODAY";
        value = env;
    }
    auto d = Date::parse(value);
    if (!d) InputError::raise_at(where, fmt::format("'{}' is not a date YYYY-MM-DD", value));
    return *d;
}

std::vector<Waiver> waivers_for(const Deployment& d, const std::string& file) {
    return file.empty() ? default_waivers(d) : load_waivers(file);
}

}  // namespace flowgap::report
