#include "parsers/paloalto/fix.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>

#include <fmt/format.h>

namespace flowgap::parsers::paloalto {

using namespace flowgap::analysis;

namespace {

// A name as one word of the PAN-OS CLI: bare when plainly safe (letters, digits, `_ . -`), else in
// double quotes (`always`: in double quotes in any case). Nothing when no quoting carries it: a
// double quote, a backslash or a control character (a newline would end the command).
std::optional<std::string> pan_word(std::string_view name, bool always = false) {
    if (has_control(name) || name.find_first_of("\"\\") != std::string_view::npos) return std::nullopt;
    bool plain = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
               c == '_' || c == '.';
    });
    if (plain && !always) return std::string(name);
    return fmt::format("\"{}\"", name);
}

// The `set` path of a rule's rulebase ("rulebase", "device-group NAME pre-rulebase", "vsys NAME
// rulebase", "shared post-rulebase"; Rule::container, empty when pushed from Panorama) with the
// device group's or vsys's name quoted; nothing when it cannot be. `name` gets that name.
std::optional<std::string> pan_base(const std::string& container, std::string& name) {
    if (container.empty()) return std::string("rulebase");
    size_t first = container.find(' '), last = container.rfind(' ');
    std::string_view kind = std::string_view(container).substr(0, first);
    if (first == std::string::npos || first == last || (kind != "device-group" && kind != "vsys"))
        return container;
    name = container.substr(first + 1, last - first - 1);
    auto word = pan_word(name);
    if (!word) return std::nullopt;
    return fmt::format("{} {}{}", kind, *word, std::string_view(container).substr(last));
}

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
        xml += fmt::format("<entry name=\"{}\"><protocol><{}><port>{}</port></{}></protocol></entry>\n",
                           xml_escaped(name), proto, xml_escaped(ports), proto);
    }
    return xml;
}

// `<member>`s of a list, `any` when it is empty (the whole family).
std::string pan_members(const std::vector<std::string>& items) {
    if (items.empty()) return "<member>any</member>";
    std::string out;
    for (const auto& i : items)
        out += fmt::format("<member>{}</member>", xml_escaped(i));
    return out;
}

// The allow rule as the <entry> the XML API or a configuration snippet takes, with the leaves
// the `set` lines give it.
std::string pan_rule_xml(const std::string& name, const std::vector<std::string>& src,
                         const std::vector<std::string>& dst, const std::vector<std::string>& services) {
    return fmt::format(
        "<entry name=\"{}\"><from><member>any</member></from><to><member>any</member></to>"
        "<source>{}</source><destination>{}</destination><application><member>any</member></application>"
        "<service>{}</service><action>allow</action></entry>\n",
        xml_escaped(name), pan_members(src), pan_members(dst), pan_members(services));
}

// One allow rule per box of the packets: a rule is a product of sources, destinations and
// services, so one rule for a union of boxes (peers of many LANs) would allow more than needed.
// `addressed`: the public address NAT'd packets are sent to, which the rule must name instead of
// the real destination (PAN-OS matches security rules on the pre-NAT address).
void pan_rule(const Box& b, const std::string& base, const std::string& name, const std::string& raw_name,
              const std::string& before, bool move, const std::string& addressed, Remedy& r) {
    auto services = pan_services(FlowSpace::of(b));
    std::vector<std::string> names;
    for (const auto& [svc, cmd] : services) {
        r.commands.push_back(cmd);
        names.push_back(svc);
    }
    Family f = family_of(b);
    std::vector<std::string> dst = addressed.empty() ? blocks(b.dst, f) : std::vector<std::string>{addressed};
    // One leaf per line, as `show config` prints set commands.
    std::pair<const char*, std::string> leaves[] = {
        {"from", "any"},
        {"to", "any"},
        {"source", pan_list(blocks(b.src, f))},
        {"destination", pan_list(dst)},
        {"application", "any"},
        {"service", names.empty() ? "any" : pan_list(names)},
        {"action", "allow"},
    };
    for (const auto& [leaf, value] : leaves) {
        r.commands.push_back(fmt::format("set {} security rules {} {} {}", base, name, leaf, value));
    }
    if (move) r.commands.push_back(fmt::format("move {} security rules {} before {}", base, name, before));
    r.xml += pan_service_xml(services) + pan_rule_xml(raw_name, blocks(b.src, f), dst, names);
}

// Where the allow rules of a fix go, and what the summary says of it.
struct Placement {
    std::string container;     // Rule::container without its marks
    bool after_rules = false;  // a default rule: the new rules go at the end, no `move`
    std::string addressed;     // packets redirected by NAT: the public address they are sent to
    std::string summary;
};

// Rule::container is the `set` path of the rule's rulebase, then marks the loader adds:
// "|pushed" (a default rule's override comes from Panorama), "|dnat=ADDR" (a rule's copy for
// packets sent to the public address ADDR, paloalto.cpp).
std::string_view mark(std::string_view container, std::string_view name, bool& found) {
    found = false;
    for (size_t bar = container.find('|'); bar != std::string_view::npos;
         bar = container.find('|', bar + 1)) {
        std::string_view rest = container.substr(bar + 1);
        if (rest.starts_with(name)) {
            found = true;
            rest.remove_prefix(name.size());
            return rest.substr(0, rest.find('|'));
        }
    }
    return {};
}

// Default rules (position 0) follow every rulebase: a rule appended to the device's own rulebase
// comes before them, wherever their override sits. Other rules get a rule moved right before them;
// rules pushed from Panorama (no container) are changed there.
Placement placement(const Rule& at, size_t count) {
    Placement p;
    std::string_view plural = count == 1 ? "" : "s";
    std::string_view c = std::string_view(at.container).substr(0, at.container.find('|'));
    bool pushed = false, nat = false;
    mark(at.container, "pushed", pushed);
    p.addressed = std::string(mark(at.container, "dnat=", nat));
    std::string to_public =
        nat ? fmt::format(" (the packets are sent to {} and NAT'd: the rule names that address)", p.addressed)
            : "";
    p.after_rules = at.position == 0;
    if (!p.after_rules) {
        p.container = std::string(c);
        p.summary =
            c.empty()
                ? fmt::format("{} is pushed from Panorama: add the allow rules there, before it", at.name)
                : fmt::format("add {} service-based allow rule{} before {} ({}){}", count, plural, at.name,
                              at.location.str(), to_public);
        return p;
    }
    p.container = c.empty() ? "rulebase" : std::string(c);
    std::string where = at.location.line ? at.location.str() : "built in";
    p.summary = fmt::format(
        "add {} service-based allow rule{} at the end of `{} security`; {} ({}{}) comes after "
        "every rule{}",
        count, plural, p.container, at.name, where, pushed ? ", its override pushed from Panorama" : "",
        to_public);
    return p;
}

}  // namespace

Remedy fix(const Fix& fix, const Flow& flow) {
    Remedy r;
    const Rule& at = *fix.blocking;
    const auto& boxes = fix.packets.boxes();
    Placement place = placement(at, boxes.size());
    r.summary = place.summary;
    // Every name goes to the PAN-OS CLI as one word: refused when no quoting carries it.
    std::string owner;
    auto base = pan_base(place.container, owner);
    if (!base) return refused(fmt::format("the name \"{}\"", owner), "the PAN-OS CLI", r.summary);
    auto before = pan_word(at.name, true);
    if (!before) return refused(fmt::format("the rule name \"{}\"", at.name), "the PAN-OS CLI", r.summary);
    // Unique per blocking rule and box, so fixes for one flow never merge into one rule; a default
    // rule has no position, so its kind names it (intrazone, interzone).
    std::string stem = place.after_rules ? fmt::format("flowgap-{}-{}", flow.entry->id,
                                                       at.name.substr(0, at.name.find("-default")))
                                         : fmt::format("flowgap-{}-{}", flow.entry->id, at.position);
    if (!place.addressed.empty()) stem += "-nat";
    for (size_t i = 0; i < boxes.size(); ++i) {
        std::string name = stem;
        if (boxes.size() > 1) name += fmt::format("-{}", i + 1);
        auto word = pan_word(name);
        if (!word) return refused(fmt::format("the rule name \"{}\"", name), "the PAN-OS CLI", r.summary);
        pan_rule(boxes[i], *base, *word, name, *before, !fix.blocking_is_default && !place.after_rules,
                 place.addressed, r);
    }
    return r;
}

Remedy replace_app_rule(const Finding& finding) {
    Remedy r;
    if (finding.needed.empty()) return r;
    const Rule& rule = *finding.rule;
    std::string summary = fmt::format("match {} on TCP service objects instead of App-ID", rule.name);
    std::string owner;
    auto base = pan_base(rule.container, owner);
    if (!base) return refused(fmt::format("the name \"{}\"", owner), "the PAN-OS CLI", summary);
    auto quoted = pan_word(rule.name, true);
    if (!quoted) return refused(fmt::format("the rule name \"{}\"", rule.name), "the PAN-OS CLI", summary);
    r.summary = summary;
    auto services = pan_services(finding.needed);
    std::vector<std::string> names;
    for (const auto& [svc, cmd] : services) {
        r.commands.push_back(cmd);
        names.push_back(svc);
    }
    // `set` on a member list adds to it: delete the lists first, then set them.
    for (const char* field : {"application", "service"}) {
        r.commands.push_back(fmt::format("delete {} security rules {} {}", *base, *quoted, field));
    }
    r.commands.push_back(fmt::format("set {} security rules {} application any", *base, *quoted));
    r.commands.push_back(fmt::format("set {} security rules {} service {}", *base, *quoted, pan_list(names)));
    std::string members;
    for (const auto& n : names)
        members += fmt::format("<member>{}</member>", xml_escaped(n));
    r.xml = pan_service_xml(services) +
            fmt::format(
                "<entry name=\"{}\"> ... <application><member>any</member></application>"
                "<service>{}</service> ... </entry>\n",
                xml_escaped(rule.name), members);
    return r;
}

}  // namespace flowgap::parsers::paloalto
