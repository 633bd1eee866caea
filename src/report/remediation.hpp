// Remediation in each firewall's own language: the commands that let a blocked flow through,
// and the service-based replacement for an App-ID rule. Writers only format: what to allow and
// where comes from analysis/remediation.hpp and the findings.
#pragma once

#include <string>
#include <vector>

#include "analysis/checks.hpp"
#include "analysis/remediation.hpp"
#include "src/report/report.hpp"

namespace flowgap::report {

struct Remedy {
    std::string summary;                // one line: what the commands do
    std::vector<std::string> commands;  // iptables / PAN-OS set / netsh lines, in order
    std::string xml;                    // PAN-OS XML snippet, when there is one
};

// `format` is the firewall's format ("iptables", "paloalto", "netsh").
Remedy remedy_for(const analysis::Fix& fix, const analysis::Flow& flow, const std::string& format);
Remedy remedy_for(const analysis::Finding& finding, const std::string& format);

// The remedies for one flow at one firewall (every certain block of it), and for a finding.
std::vector<Remedy> remedies(const Report& r, const analysis::FlowAtFirewall& res);
std::vector<Remedy> remedies(const Report& r, const analysis::Finding& f);
// The same as text: each remedy's summary, then its commands, one per line.
std::string flow_remedy(const Report& r, const analysis::FlowAtFirewall& res);
std::string finding_remedy(const Report& r, const analysis::Finding& f);

}  // namespace flowgap::report
