// `flowgap explain`: reads the deployment and the one firewall, traces the packet
// (analysis::trace) and hands the trace to a report writer.
#include "src/cli/explain.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>
#include <vector>

#include "analysis/deployment.hpp"
#include "analysis/trace.hpp"
#include "parsers/parse.hpp"
#include "src/report/explain.hpp"
#include "src/report/files.hpp"
#include "src/report/utf8.hpp"

namespace flowgap::cli {

using namespace flowgap::analysis;

namespace {

std::string rendered(const ExplainOptions& o, const FirewallSpec& spec, const Firewall& fw, const Trace& t) {
    std::ostringstream s;
    if (o.format == "json") {
        report::write_explain_json(s, spec, fw, t);
    } else {
        report::write_explain_text(s, spec, fw, t);
    }
    return report::valid_utf8(s.str());
}

}  // namespace

Packet packet_of(const ExplainOptions& o) {
    Packet p;
    auto src = Address::parse(o.from), dst = Address::parse(o.to);
    if (!src) InputError::raise_at("command line", "--from '" + o.from + "' is not an address");
    if (!dst) InputError::raise_at("command line", "--to '" + o.to + "' is not an address");
    if (src->family() != dst->family())
        InputError::raise_at("command line", "--from and --to must be of the same address family");
    size_t slash = o.port.find('/');
    auto proto = protocol::parse(o.port.substr(0, slash));
    auto port = slash == std::string::npos ? std::optional<PortSet>(PortSet::single(0))
                                           : PortSet::parse(o.port.substr(slash + 1));
    if (!proto || !port || port->intervals().min() != port->intervals().max()) {
        InputError::raise_at("command line", "--port '" + o.port + "' must be PROTOCOL/PORT, e.g. tcp/17472");
    }
    p.src = *src;
    p.dst = *dst;
    p.proto = *proto;
    p.dport = port->intervals().min();
    p.sport = protocol::has_ports(p.proto) ? o.sport : 0;
    return p;
}

CLI::App* add_explain_command(CLI::App& app, ExplainOptions& o) {
    auto* cmd = app.add_subcommand("explain", "Trace one packet through one firewall, rule by rule");
    cmd->add_option("deployment", o.deployment, "Deployment file (YAML)")->required();
    cmd->add_option("--firewall", o.firewall, "The firewall's name in the deployment")->required();
    cmd->add_option("--from", o.from, "Source address")->required();
    cmd->add_option("--to", o.to, "Destination address")->required();
    cmd->add_option("--port", o.port, "PROTOCOL/PORT (default tcp/17472)");
    cmd->add_option("--sport", o.sport, "Source port (default 49152)");
    cmd->add_option("--program", o.program, "Local program on a host firewall, e.g. taniumclient.exe");
    cmd->add_option("--format", o.format, "Output format")->check(CLI::IsMember({"text", "json"}));
    cmd->add_option("-o,--output", o.output, "Write the trace to this file instead of standard output");
    return cmd;
}

int run_explain(const ExplainOptions& o) {
    Deployment d = load_deployment(o.deployment);
    parsers::check_formats(d);
    Packet p = packet_of(o);
    auto spec = std::find_if(d.firewalls.begin(), d.firewalls.end(),
                             [&](const FirewallSpec& s) { return s.name == o.firewall; });
    if (spec == d.firewalls.end())
        InputError::raise_at("command line",
                             "--firewall '" + o.firewall + "' is not a firewall of " + o.deployment);
    Firewall fw = parsers::parse_firewall(*spec);
    std::string program = o.program;  // programs compare as lowercase file names
    std::transform(program.begin(), program.end(), program.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    Trace t = trace(*spec, fw, p, program);
    // Rendered in full before anything is written, so a failure never leaves a partial trace.
    std::vector<std::string> outputs;
    if (!o.output.empty()) outputs.push_back(o.output);
    std::vector<report::ReportTarget> targets = report::report_targets({o.format}, outputs);
    targets.front().rendered = rendered(o, *spec, fw, t);
    report::write_report_targets(targets);
    return 0;
}

}  // namespace flowgap::cli
