// The audit pipeline: a deployment's parsed firewalls in, the audit, findings and gate out. Every
// caller (`flowgap audit`, both sides of `flowgap diff`, `flowgap serve`) runs this one function,
// so that they cannot drift apart, and reads its day and waivers through the same two helpers.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "analysis/audit.hpp"
#include "analysis/checks.hpp"
#include "analysis/gate.hpp"
#include "analysis/waivers.hpp"
#include "src/report/report.hpp"

namespace flowgap::report {

// Movable but not copyable: the gate points into the audit and the findings (a move keeps the
// vectors' elements where they are; a copy would leave the copy's gate pointing into the
// original).
struct AuditResult {
    analysis::Audit audit;
    std::vector<analysis::Finding> findings;
    analysis::Gate gate;  // at fail_on, after the waivers (which must outlive it)
    Remedies remedies;    // the fixes in each firewall's language, planned through the vendor table

    AuditResult() = default;
    AuditResult(AuditResult&&) = default;
    AuditResult& operator=(AuditResult&&) = default;
    AuditResult(const AuditResult&) = delete;
    AuditResult& operator=(const AuditResult&) = delete;
};

// Called as each stage starts ("evaluating the Tanium flows", "running the checks"): serve's
// jobs show it.
using PipelineStage = std::function<void(const std::string& stage)>;

// `firewalls[i]` is the parsed config of `d.firewalls[i]`. Throws InputError when a firewall's
// policies cannot be placed (see analysis::run_audit).
AuditResult run_pipeline(const analysis::Deployment& d, const std::vector<analysis::Firewall>& firewalls,
                         const std::vector<analysis::Waiver>& waivers, analysis::Severity fail_on,
                         analysis::Date today, const PipelineStage& stage = nullptr);

// The report of a pipeline's result: the one place a Report's data is put together, so that
// data the writers need beyond the audit (computed in run_pipeline into AuditResult) is added
// here once for every caller. Everything passed in must outlive the Report.
Report report_of(const analysis::Deployment& d, const std::vector<analysis::Firewall>& firewalls,
                 const AuditResult& result, ReportOptions options = {});

// The day that decides which waivers have expired: `given` (a command's hidden --today), else
// $FLOWGAP_TODAY (tests and the report snapshot pin the day), else today's UTC date. Throws
// InputError, located at --today or FLOWGAP_TODAY, for a value that is not a date.
analysis::Date today(const std::string& given = "");

// The waivers `flowgap audit` applies: `file` (--waivers), else flowgap-waivers.yaml beside the
// deployment, if any.
std::vector<analysis::Waiver> waivers_for(const analysis::Deployment& d, const std::string& file);

}  // namespace flowgap::report
