#include "src/cli/commands.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iostream>
#include <sstream>

#include "analysis/audit.hpp"
#include "parsers/parse.hpp"
#include "src/cli/audit_outputs.hpp"
#include "src/cli/explain.hpp"
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

[[noreturn]] void bad_argument(const std::string& what) {
    throw InputError(SourceLocation{std::make_shared<const std::string>("command line")}, what);
}

Packet packet_of(const ExplainOptions& o) {
    Packet p;
    auto src = Address::parse(o.from), dst = Address::parse(o.to);
    if (!src) bad_argument("--from '" + o.from + "' is not an address");
    if (!dst) bad_argument("--to '" + o.to + "' is not an address");
    if (src->family() != dst->family()) bad_argument("--from and --to must be of the same address family");
    size_t slash = o.port.find('/');
    auto proto = protocol::parse(o.port.substr(0, slash));
    auto port = slash == std::string::npos ? std::optional<PortSet>(PortSet::single(0))
                                           : PortSet::parse(o.port.substr(slash + 1));
    if (!proto || !port || port->intervals().min() != port->intervals().max()) {
        bad_argument("--port '" + o.port + "' must be PROTOCOL/PORT, e.g. tcp/17472");
    }
    p.src = *src;
    p.dst = *dst;
    p.proto = *proto;
    p.dport = port->intervals().min();
    p.sport = protocol::has_ports(p.proto) ? o.sport : 0;
    return p;
}

}  // namespace

int run_explain(const std::string& deployment, const ExplainOptions& o) {
    Deployment d = load_deployment(deployment);
    Packet p = packet_of(o);
    for (const auto& spec : d.firewalls) {
        if (spec.name != o.firewall) continue;
        Firewall fw = parsers::parse_firewall(spec);
        std::ostringstream buffer;
        std::string program = o.program;  // programs compare as lowercase file names
        std::transform(program.begin(), program.end(), program.begin(),
                       [](unsigned char c) { return std::tolower(c); });
        write_explain(buffer, spec, fw, p, program);
        std::cout << buffer.str() << std::flush;
        return 0;
    }
    bad_argument("--firewall '" + o.firewall + "' is not a firewall of " + deployment);
}

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
