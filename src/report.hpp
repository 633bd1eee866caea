// Report writers: each turns the same audit into one output format. Writers only format; every
// fact they print comes from analysis::Audit.
#pragma once

#include <ostream>
#include <vector>

#include "analysis/audit.hpp"
#include "analysis/checks.hpp"

namespace flowgap::cli {

struct Report {
    const analysis::Deployment& deployment;
    const std::vector<analysis::Firewall>& firewalls;
    const analysis::Audit& audit;
    const std::vector<analysis::Finding>& findings;
};

void write_audit_text(std::ostream& out, const Report& r);
void write_audit_json(std::ostream& out, const Report& r);

void write_flows_text(std::ostream& out, const analysis::Deployment& d,
                      const std::vector<analysis::Flow>& flows);
void write_flows_json(std::ostream& out, const analysis::Deployment& d,
                      const std::vector<analysis::Flow>& flows);

}  // namespace flowgap::cli
