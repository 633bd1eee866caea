#include "src/report/remediation.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "src/report/redact.hpp"

namespace flowgap::report {

using namespace flowgap::analysis;

namespace {

Family family_of(const Box& b) {
    return Address{b.src.intervals().min()}.family();
}

// The CIDR blocks of `s`, or nothing when `s` is the whole family ("any" needs no option).
std::vector<std::string> blocks(const AddressSet& s, Family f) {
    AddressSet universe = f == Family::v4 ? AddressSet::all_v4() : AddressSet::all_v6();
    if (s.contains(universe)) return {};
    return s.cidrs();
}

std::vector<uint32_t> protocols_of(const Box& b) {
    std::vector<uint32_t> out;
    if (b.proto == ProtocolSet::all()) return out;
    for (const auto& iv : b.proto.intervals().intervals()) {
        for (uint32_t p = iv.lo; p <= iv.hi; ++p)
            out.push_back(p);
    }
    return out;
}

std::string service_name(uint32_t proto, const PortSet& ports) {
    std::string p = ports.str();
    std::replace(p.begin(), p.end(), ',', '_');
    return fmt::format("{}-{}", protocol::name(proto), p);
}

// --- iptables -------------------------------------------------------------------------------

std::string iptables_ports(const PortSet& ports, const char* single, const char* multi) {
    if (ports.is_all()) return "";
    std::string p = ports.str();
    std::replace(p.begin(), p.end(), '-', ':');
    return fmt::format(" {} {}", ports.intervals().intervals().size() == 1 ? single : multi, p);
}

std::string iptables_match(const Box& b, uint32_t proto) {
    Family f = family_of(b);
    std::string out;
    if (auto s = blocks(b.src, f); !s.empty()) out += fmt::format(" -s {}", fmt::join(s, ","));
    if (auto d = blocks(b.dst, f); !d.empty()) out += fmt::format(" -d {}", fmt::join(d, ","));
    if (proto == 256) return out;
    out += fmt::format(" -p {}", protocol::name(proto));
    if (protocol::has_ports(proto)) {
        std::string dport = iptables_ports(b.dport, "--dport", "--dports");
        std::string sport = iptables_ports(b.sport, "--sport", "--sports");
        bool multi =
            dport.find("--dports") != std::string::npos || sport.find("--sports") != std::string::npos;
        if (!dport.empty() || !sport.empty()) {
            out += fmt::format(" -m {}", multi ? "multiport" : protocol::name(proto));
            out += sport + dport;
        }
    }
    return out;
}

Remedy iptables_fix(const Fix& fix, const Flow& flow) {
    Remedy r;
    const Rule& at = *fix.blocking;
    std::string where = fix.blocking_is_default || at.position == 0
                            ? fmt::format("-A {}", at.container)
                            : fmt::format("-I {} {}", at.container, at.position);
    r.summary = fix.blocking_is_default
                    ? fmt::format("append to {} an allow rule for what its policy drops", at.container)
                    : fmt::format("insert before {} ({}) an allow rule for what it blocks", at.name,
                                  at.location.str());
    for (const auto& b : fix.packets.boxes()) {
        std::vector<uint32_t> protos = protocols_of(b);
        if (protos.empty()) protos.push_back(256);  // every protocol: no -p
        const char* tool = family_of(b) == Family::v6 ? "ip6tables" : "iptables";
        for (uint32_t p : protos) {
            r.commands.push_back(fmt::format("{} {}{} -m comment --comment \"flowgap: {}\" -j ACCEPT", tool,
                                             where, iptables_match(b, p), flow.entry->id));
        }
    }
    return r;
}

// --- PAN-OS -----------------------------------------------------------------------------------

std::string pan_list(const std::vector<std::string>& items) {
    if (items.empty()) return "any";
    if (items.size() == 1) return items[0];
    return fmt::format("[ {} ]", fmt::join(items, " "));
}

// Service objects for the packets' protocols and ports, named for them (tcp-17472).
std::map<std::string, std::string> pan_services(const FlowSpace& packets) {
    std::map<std::string, std::string> out;  // name -> set command
    for (const auto& b : packets.boxes()) {
        for (uint32_t p : protocols_of(b)) {
            if (!protocol::has_ports(p)) continue;
            std::string name = service_name(p, b.dport);
            out[name] =
                fmt::format("set service {} protocol {} port {}", name, protocol::name(p), b.dport.str());
        }
    }
    return out;
}

std::string pan_service_xml(const std::map<std::string, std::string>& services) {
    std::string xml;
    for (const auto& [name, cmd] : services) {
        auto proto = name.substr(0, name.find('-'));
        auto ports = cmd.substr(cmd.rfind(' ') + 1);
        xml += fmt::format("<entry name=\"{}\"><protocol><{}><port>{}</port></{}></protocol></entry>\n", name,
                           proto, ports, proto);
    }
    return xml;
}

// One allow rule per box of the packets: a rule is a product of sources, destinations and
// services, so one rule for a union of boxes (peers of many LANs) would allow more than needed.
void pan_rule(const Box& b, const std::string& base, const std::string& name, const Rule& at, bool move,
              Remedy& r) {
    auto services = pan_services(FlowSpace::of(b));
    std::vector<std::string> names;
    for (const auto& [svc, cmd] : services) {
        r.commands.push_back(cmd);
        names.push_back(svc);
    }
    Family f = family_of(b);
    // One leaf per line, as `show config` prints set commands.
    std::pair<const char*, std::string> leaves[] = {
        {"from", "any"},
        {"to", "any"},
        {"source", pan_list(blocks(b.src, f))},
        {"destination", pan_list(blocks(b.dst, f))},
        {"application", "any"},
        {"service", names.empty() ? "any" : pan_list(names)},
        {"action", "allow"},
    };
    for (const auto& [leaf, value] : leaves) {
        r.commands.push_back(fmt::format("set {} security rules {} {} {}", base, name, leaf, value));
    }
    if (move)
        r.commands.push_back(fmt::format("move {} security rules {} before \"{}\"", base, name, at.name));
    r.xml += pan_service_xml(services);
}

Remedy pan_fix(const Fix& fix, const Flow& flow) {
    Remedy r;
    const Rule& at = *fix.blocking;
    std::string base = at.container.empty() ? "rulebase" : at.container;
    const auto& boxes = fix.packets.boxes();
    for (size_t i = 0; i < boxes.size(); ++i) {
        // Unique per blocking rule and box, so fixes for one flow never merge into one rule.
        std::string name = fmt::format("flowgap-{}-{}", flow.entry->id, at.position);
        if (boxes.size() > 1) name += fmt::format("-{}", i + 1);
        pan_rule(boxes[i], base, name, at, !fix.blocking_is_default, r);
    }
    if (at.container.empty()) {
        r.summary = fmt::format("{} is pushed from Panorama: add the allow rules there, before it", at.name);
    } else {
        r.summary = fmt::format("add {} service-based allow rule{} before {} ({})", boxes.size(),
                                boxes.size() == 1 ? "" : "s", at.name, at.location.str());
    }
    return r;
}

// --- Windows netsh ----------------------------------------------------------------------------

std::string netsh_rule(const Box& b, uint32_t proto, const std::string& name, const char* action,
                       bool inbound, const std::string& program) {
    Family f = family_of(b);
    const AddressSet& remote = inbound ? b.src : b.dst;
    const AddressSet& local = inbound ? b.dst : b.src;
    std::string out = fmt::format("netsh advfirewall firewall add rule name=\"{}\" dir={} action={}", name,
                                  inbound ? "in" : "out", action);
    out += proto == 256 ? " protocol=any" : fmt::format(" protocol={}", protocol::name(proto));
    if (protocol::has_ports(proto) && !b.dport.is_all()) {
        out += fmt::format(" {}={}", inbound ? "localport" : "remoteport", b.dport.str());
    }
    if (auto r = blocks(remote, f); !r.empty()) out += fmt::format(" remoteip={}", fmt::join(r, ","));
    if (auto l = blocks(local, f); !l.empty()) out += fmt::format(" localip={}", fmt::join(l, ","));
    if (!program.empty()) out += fmt::format(" program=\"{}\"", program);
    return out;
}

void netsh_rules(const FlowSpace& space, const std::string& name, const char* action, bool inbound,
                 const std::string& program, std::vector<std::string>& out) {
    for (const auto& b : space.boxes()) {
        std::vector<uint32_t> protos = protocols_of(b);
        if (protos.empty()) protos.push_back(256);
        for (uint32_t p : protos)
            out.push_back(netsh_rule(b, p, name, action, inbound, program));
    }
}

Remedy netsh_fix(const Fix& fix, const Flow& flow) {
    Remedy r;
    bool inbound = fix.policy->direction == Direction::inbound;
    if (!fix.narrow) {
        r.summary = "add an allow rule: no block rule matches these packets, only the profile's default";
        netsh_rules(fix.packets, fmt::format("flowgap {}", flow.entry->id), "allow", inbound, "", r.commands);
        return r;
    }
    // Block rules win over every allow rule, so the block rule itself must stop matching.
    const Rule& at = *fix.blocking;
    r.summary = fmt::format(
        "block rules win in Windows Defender Firewall: narrow {} ({}) so it no longer matches these packets "
        "(re-created below from what it matched; check its profiles and interfaces afterwards)",
        at.name, at.location.str());
    r.commands.push_back(fmt::format("netsh advfirewall firewall delete rule name=\"{}\"", at.name));
    std::string program = at.programs.empty() ? "" : at.programs.front();
    netsh_rules(fix.narrowed, at.name, "block", inbound, program, r.commands);
    return r;
}

}  // namespace

Remedy remedy_for(const Fix& fix, const Flow& flow, const std::string& format) {
    if (format == "iptables") return iptables_fix(fix, flow);
    if (format == "paloalto") return pan_fix(fix, flow);
    if (format == "netsh") return netsh_fix(fix, flow);
    return Remedy{fmt::format("allow these packets before {}", fix.blocking->name), {}, {}};
}

Remedy remedy_for(const Finding& finding, const std::string& format) {
    Remedy r;
    if (finding.check != "app-id-rule" || format != "paloalto" || finding.needed.empty()) return r;
    const Rule& rule = *finding.rule;
    std::string base = rule.container.empty() ? "rulebase" : rule.container;
    auto services = pan_services(finding.needed);
    std::vector<std::string> names;
    for (const auto& [svc, cmd] : services) {
        r.commands.push_back(cmd);
        names.push_back(svc);
    }
    r.summary = fmt::format("match {} on TCP service objects instead of App-ID", rule.name);
    // `set` on a member list adds to it: delete the lists first, then set them.
    for (const char* field : {"application", "service"}) {
        r.commands.push_back(fmt::format("delete {} security rules \"{}\" {}", base, rule.name, field));
    }
    r.commands.push_back(fmt::format("set {} security rules \"{}\" application any", base, rule.name));
    r.commands.push_back(
        fmt::format("set {} security rules \"{}\" service {}", base, rule.name, pan_list(names)));
    std::string members;
    for (const auto& n : names)
        members += fmt::format("<member>{}</member>", n);
    r.xml = pan_service_xml(services) +
            fmt::format(
                "<entry name=\"{}\"> ... <application><member>any</member></application>"
                "<service>{}</service> ... </entry>\n",
                rule.name, members);
    return r;
}

namespace {

// Remedies name rules, and a rule named after its comment may quote a secret: reports mask it,
// like the rule text (src/redact.hpp), at the price of a command to edit by hand.
Remedy masked(Remedy r) {
    r.summary = mask_secrets(r.summary);
    for (auto& c : r.commands)
        c = mask_secrets(c);
    r.xml = mask_secrets(r.xml);
    return r;
}

}  // namespace

std::vector<Remedy> remedies(const Report& r, const FlowAtFirewall& res) {
    std::vector<Remedy> out;
    for (const auto& fix : plan_fixes(r.audit)) {
        if (fix.flow != res.flow || fix.firewall != res.firewall) continue;
        out.push_back(masked(remedy_for(fix, r.audit.flows[fix.flow], r.firewalls[fix.firewall].format)));
    }
    return out;
}

std::vector<Remedy> remedies(const Report& r, const Finding& f) {
    Remedy one = remedy_for(f, r.firewalls[f.firewall].format);
    if (one.commands.empty()) return {};
    return {masked(std::move(one))};
}

namespace {

std::string as_text(const std::vector<Remedy>& list) {
    std::string out;
    for (const auto& rem : list) {
        if (!out.empty()) out += "\n";
        out += rem.summary;
        for (const auto& c : rem.commands)
            out += "\n" + c;
    }
    return out;
}

}  // namespace

std::string flow_remedy(const Report& r, const FlowAtFirewall& res) {
    return as_text(remedies(r, res));
}
std::string finding_remedy(const Report& r, const Finding& f) {
    return as_text(remedies(r, f));
}

}  // namespace flowgap::report
