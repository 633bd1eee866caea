#include "parsers/paloalto/fix.hpp"

#include <map>

#include <fmt/format.h>

namespace flowgap::parsers::paloalto {

using namespace flowgap::analysis;

namespace {

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

}  // namespace

Remedy fix(const Fix& fix, const Flow& flow) {
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

Remedy replace_app_rule(const Finding& finding) {
    Remedy r;
    if (finding.needed.empty()) return r;
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

}  // namespace flowgap::parsers::paloalto
