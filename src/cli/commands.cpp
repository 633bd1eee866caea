#include "src/cli/commands.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

#include "analysis/audit.hpp"
#include "parsers/parse.hpp"
#include "src/cli/audit_outputs.hpp"
#include "src/report/report.hpp"

namespace flowgap::cli {

using namespace flowgap::analysis;
using namespace flowgap::report;

namespace {

// Writes the whole report to a string first, so that a failure never leaves a partial report.
template <typename Writer>
void emit(const OutputOptions& out, Writer write) {
    std::ostringstream buffer;
    write(buffer);
    if (out.output.empty()) {
        std::cout << buffer.str() << std::flush;
        return;
    }
    std::ofstream file(out.output, std::ios::binary | std::ios::trunc);
    if (!file)
        throw InputError(SourceLocation{std::make_shared<const std::string>(out.output)},
                         "cannot write the report");
    file << buffer.str();
}

}  // namespace

int run_flows(const std::string& deployment, const OutputOptions& out) {
    Deployment d = load_deployment(deployment);
    std::vector<Flow> flows = expand(d);
    emit(out, [&](std::ostream& s) {
        if (out.format == "json") {
            write_flows_json(s, d, flows);
        } else {
            write_flows_text(s, d, flows);
        }
    });
    return 0;
}

int run_audit(const std::string& deployment, const AuditOptions& options) {
    Deployment d = load_deployment(deployment);
    std::vector<Firewall> firewalls;
    for (const auto& spec : d.firewalls) {
        firewalls.push_back(parsers::parse_firewall(spec));
    }
    Audit audit = run_audit(d, firewalls);
    std::vector<Finding> findings = run_checks(d, firewalls, audit);
    return write_audit_reports(d, firewalls, audit, findings, options);
}

}  // namespace flowgap::cli
