// `flowgap explain`: reads the deployment and the one firewall, traces the packet
// (analysis::trace) and hands the trace to a report writer.
#include "src/cli/explain.hpp"

#include <algorithm>
#include <cctype>
#include <memory>
#include <sstream>
#include <vector>

#include "analysis/deployment.hpp"
#include "analysis/input_file.hpp"
#include "analysis/trace.hpp"
#include "parsers/parse.hpp"
#include "src/report/explain.hpp"
#include "src/report/files.hpp"
#include "src/report/utf8.hpp"

namespace flowgap::cli {

using namespace flowgap::analysis;

namespace {

// One trace as the format writes it; with --packets, the traces in file order: text ones
// separated by a blank line, JSON ones as the elements of an array.
std::string rendered(const ExplainOptions& o, const FirewallSpec& spec, const Firewall& fw,
                     const std::vector<Trace>& traces) {
    const bool json = o.format == "json", many = !o.packets.empty();
    std::ostringstream s;
    if (json && many) s << "[\n";
    for (size_t i = 0; i < traces.size(); ++i) {
        if (i > 0) s << (json ? ",\n" : "\n");
        if (json) {
            std::ostringstream one;
            report::write_explain_json(one, spec, fw, traces[i]);
            std::string doc = one.str();
            s << (many ? doc.substr(0, doc.size() - 1) : doc);  // the array's comma follows it
        } else {
            report::write_explain_text(s, spec, fw, traces[i]);
        }
    }
    if (json && many) s << "\n]\n";
    return report::valid_utf8(s.str());
}

// "10.0.0.1:49152" or "[2001:db8::1]:49152" as --from/--to and a port; false when it is neither.
bool split_endpoint(const std::string& text, std::string& address, std::string& port) {
    size_t colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) return false;
    address = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (address.front() == '[' && address.back() == ']') address = address.substr(1, address.size() - 2);
    return !port.empty() &&
           std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); });
}

// One line of a --packets file, read through packet_of() so it is checked like the options.
Packet packet_of_line(const std::string& line, const std::string& where) {
    std::istringstream in(line);
    std::string proto, src, arrow, dst, rest, sport, dport;
    in >> proto >> src >> arrow >> dst;
    ExplainOptions o;
    bool ok = arrow == "->" && !(in >> rest) && split_endpoint(src, o.from, sport) &&
              split_endpoint(dst, o.to, dport) && sport.size() <= 5;
    if (ok) {
        o.port = proto + "/" + dport;
        o.sport = static_cast<uint32_t>(std::stoul(sport));
        try {
            Packet p = packet_of(o);
            if (p.sport <= 65535 && protocol::has_ports(p.proto)) return p;
        } catch (const InputError&) {  // said again below, at the line
        }
    }
    InputError::raise_at(where,
                         "'" + line + "' is not a packet like 'tcp 10.20.5.5:49152 -> 10.10.1.10:17472'");
}

}  // namespace

std::vector<Packet> packets_of_file(const std::string& path) {
    auto name = std::make_shared<const std::string>(path);
    std::istringstream in(read_input_file(path, name, "cannot open the packets file"));
    std::vector<Packet> packets;
    size_t number = 0;
    for (std::string line; std::getline(in, line);) {
        ++number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        size_t first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == '#') continue;
        packets.push_back(packet_of_line(line, path + ":" + std::to_string(number)));
    }
    if (packets.empty()) InputError::raise_at(path, "holds no packet");
    return packets;
}

Packet packet_of(const ExplainOptions& o) {
    if (o.from.empty()) InputError::raise_at("command line", "--from is required (or --packets FILE)");
    if (o.to.empty()) InputError::raise_at("command line", "--to is required (or --packets FILE)");
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
    cmd->add_option("deployment", o.deployment, "Deployment file (YAML)")->required()->type_name("FILE");
    cmd->add_option("--firewall", o.firewall, "The firewall's name in the deployment")->required();
    auto* from = cmd->add_option("--from", o.from, "Source address (required without --packets)");
    auto* to = cmd->add_option("--to", o.to, "Destination address (required without --packets)");
    auto* port = cmd->add_option("--port", o.port, "PROTOCOL/PORT (default tcp/17472)");
    auto* sport = cmd->add_option("--sport", o.sport, "Source port (default 49152)");
    // Many packets in one run: the deployment and the firewall are read once, not per packet.
    cmd->add_option("--packets", o.packets,
                    "A file of packets to trace, one a line as reports print them: "
                    "tcp 10.20.5.5:49152 -> 10.10.1.10:17472")
        ->type_name("FILE")
        ->excludes(from)
        ->excludes(to)
        ->excludes(port)
        ->excludes(sport);
    cmd->add_option("--program", o.program, "Local program on a host firewall, e.g. taniumclient.exe");
    cmd->add_option("--format", o.format, "Output format")->check(CLI::IsMember({"text", "json"}));
    cmd->add_option("-o,--output", o.output, "Write the trace to this file instead of standard output")
        ->type_name("FILE");
    return cmd;
}

int run_explain(const ExplainOptions& o) {
    std::vector<Packet> packets =
        o.packets.empty() ? std::vector<Packet>{packet_of(o)} : packets_of_file(o.packets);
    Deployment d = load_deployment(o.deployment);
    parsers::check_formats(d);
    auto spec = std::find_if(d.firewalls.begin(), d.firewalls.end(),
                             [&](const FirewallSpec& s) { return s.name == o.firewall; });
    if (spec == d.firewalls.end())
        InputError::raise_at("command line",
                             "--firewall '" + o.firewall + "' is not a firewall of " + o.deployment);
    Firewall fw = parsers::parse_firewall(*spec);
    std::string program = o.program;  // programs compare as lowercase file names
    std::transform(program.begin(), program.end(), program.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::vector<Trace> traces;
    for (const Packet& p : packets)
        traces.push_back(trace(*spec, fw, p, program));
    // Rendered in full before anything is written, so a failure never leaves a partial trace.
    std::vector<std::string> outputs;
    if (!o.output.empty()) outputs.push_back(o.output);
    std::vector<report::ReportTarget> targets = report::report_targets({o.format}, outputs);
    targets.front().rendered = rendered(o, *spec, fw, traces);
    report::write_report_targets(targets);
    return 0;
}

}  // namespace flowgap::cli
