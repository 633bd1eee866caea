#include "src/cli/commands.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "analysis/audit.hpp"
#include "parsers/parse.hpp"
#include "src/cli/explain.hpp"
#include "src/report/report.hpp"

namespace flowgap::cli {

using namespace flowgap::analysis;
using namespace flowgap::report;

namespace {

// Writes the whole report to a string first, so that a failure never leaves a partial report.
template <typename Writer>
void emit(const FlowsOptions& out, Writer write) {
    std::ostringstream buffer;
    write(buffer);
    if (out.output.empty()) {
        std::cout << buffer.str() << std::flush;
        return;
    }
    std::ofstream file(out.output, std::ios::binary | std::ios::trunc);
    if (!file) InputError::raise_at(out.output, "cannot write the report");
    file << buffer.str();
}

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

}  // namespace

int run_explain(const std::string& deployment, const ExplainOptions& o) {
    Deployment d = load_deployment(deployment);
    parsers::check_formats(d);
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
    InputError::raise_at("command line",
                         "--firewall '" + o.firewall + "' is not a firewall of " + deployment);
}

CLI::App* add_flows_command(CLI::App& app, FlowsOptions& o) {
    auto* flows = app.add_subcommand("flows", "Print the Tanium flows that apply to a deployment");
    flows->add_option("deployment", o.deployment, "Deployment file (YAML)")->required();
    flows->add_option("--format", o.format, "Output format")->check(CLI::IsMember({"text", "json"}));
    flows->add_option("-o,--output", o.output, "Write the report to this file instead of standard output");
    return flows;
}

int run_flows(const FlowsOptions& o) {
    Deployment d = load_deployment(o.deployment);
    parsers::check_formats(d);
    std::vector<Flow> flows = expand(d);
    emit(o, [&](std::ostream& s) {
        if (o.format == "json") {
            write_flows_json(s, d, flows);
        } else {
            write_flows_text(s, d, flows);
        }
    });
    return 0;
}

}  // namespace flowgap::cli
