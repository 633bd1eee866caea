#include "src/commands.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

#include "analysis/audit.hpp"
#include "parsers/parse.hpp"
#include "src/report.hpp"

namespace flowgap::cli {

using namespace flowgap::analysis;

namespace {

parsers::ParseOptions options_for(const FirewallSpec& spec) {
    parsers::ParseOptions o;
    o.interfaces = spec.interfaces;
    o.zones = spec.zones;
    o.device_group = spec.device_group;
    o.vsys = spec.vsys;
    o.profile = spec.profile;
    return o;
}

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

int run_audit(const std::string& deployment, const OutputOptions& out) {
    Deployment d = load_deployment(deployment);
    std::vector<Firewall> firewalls;
    for (const auto& spec : d.firewalls) {
        firewalls.push_back(
            parsers::parse_file(spec.config_path, spec.config_path, spec.format, options_for(spec)));
    }
    Audit audit = run_audit(d, firewalls);
    std::vector<Finding> findings = run_checks(d, firewalls, audit);
    Report report{d, firewalls, audit, findings};
    emit(out, [&](std::ostream& s) {
        if (out.format == "json") {
            write_audit_json(s, report);
        } else {
            write_audit_text(s, report);
        }
    });
    return audit.required_flows_allowed() ? 0 : 1;
}

}  // namespace flowgap::cli
