// The gate: which facts of an audit fail a CI run at a severity threshold, after waivers.
//
// Every report format prints the same gate, so it is computed once here. A gate passes only
// what it can prove: a required flow that is blocked, partial or conditional at a firewall is a
// gate item of severity high, like a high finding.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/audit.hpp"
#include "analysis/checks.hpp"
#include "analysis/waivers.hpp"

namespace flowgap::analysis {

std::optional<Severity> parse_severity(std::string_view s);

// The check ids the gate itself reports (required flows, waiver problems), with the same
// description shape as check_catalog(), so that SARIF can list every rule.
const std::vector<CheckInfo>& gate_checks();

enum class WaiverState { active, expired, stale };
std::string_view to_string(WaiverState s);

struct GateItem {
    enum class Kind { flow, finding, waiver };
    Kind kind = Kind::finding;
    std::string check;
    Severity severity = Severity::high;
    size_t firewall = 0;                   // flow and finding items
    const FlowAtFirewall* flow = nullptr;  // Kind::flow
    const Finding* finding = nullptr;      // Kind::finding
    const Waiver* waiver = nullptr;        // Kind::waiver: the waiver reported; else: the one waiving
    bool waived = false;                   // an active waiver matches it
    bool fails = false;                    // at or above the threshold and not waived
};

struct WaiverStatus {
    const Waiver* waiver = nullptr;
    WaiverState state = WaiverState::active;
    size_t matched = 0;  // gate items it names
};

struct Gate {
    Severity fail_on = Severity::high;
    std::vector<GateItem> items;        // flows (audit order), then findings, then waiver problems
    std::vector<WaiverStatus> waivers;  // waiver file order

    bool passed() const { return failing() == 0; }
    size_t failing() const;
    size_t waived() const;
    const GateItem* item_for(const Finding& f) const;
    const GateItem* item_for(const FlowAtFirewall& r) const;
};

// `findings` and `waivers` must outlive the gate (items point into them). `today` decides which
// waivers have expired: a waiver applies through its expiry day.
Gate run_gate(const Deployment& d, const Audit& audit, const std::vector<Finding>& findings,
              const std::vector<Waiver>& waivers, Severity fail_on, Date today);

}  // namespace flowgap::analysis
