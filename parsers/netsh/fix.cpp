#include "parsers/netsh/fix.hpp"

#include <string_view>

#include <fmt/format.h>

namespace flowgap::parsers::netsh {

using namespace flowgap::analysis;

namespace {

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

// Whether cmd.exe reads `s` inside double quotes as written: no quote to end them, no `%` to
// expand a variable, no `^ & | < >` (a caret or a stray quote would let them split the line), no
// newline or other control character.
bool cmd_quotable(std::string_view s) {
    return !has_control(s) && s.find_first_of("\"%^&|<>") == std::string_view::npos;
}

}  // namespace

Remedy fix(const Fix& fix, const Flow& flow) {
    Remedy r;
    bool inbound = fix.policy->direction == Direction::inbound;
    if (!fix.narrow) {
        std::string summary = "add an allow rule: no block rule matches these packets, only the profile's default";
        std::string name = fmt::format("flowgap {}", flow.entry->id);
        if (!cmd_quotable(name))
            return refused(fmt::format("the rule name \"{}\"", name), "cmd.exe", summary);
        r.summary = summary;
        netsh_rules(fix.packets, name, "allow", inbound, "", r.commands);
        return r;
    }
    // Block rules win over every allow rule, so the block rule itself must stop matching.
    const Rule& at = *fix.blocking;
    std::string summary = fmt::format(
        "block rules win in Windows Defender Firewall: narrow {} ({}) so it no longer matches these packets "
        "(re-created below from what it matched; check its profiles and interfaces afterwards)",
        at.name, at.location.str());
    std::string program = at.programs.empty() ? "" : at.programs.front();
    if (!cmd_quotable(at.name))
        return refused(fmt::format("the rule name \"{}\"", at.name), "cmd.exe", summary);
    if (!cmd_quotable(program))
        return refused(fmt::format("the program \"{}\"", program), "cmd.exe", summary);
    r.summary = summary;
    r.commands.push_back(fmt::format("netsh advfirewall firewall delete rule name=\"{}\"", at.name));
    netsh_rules(fix.narrowed, at.name, "block", inbound, program, r.commands);
    return r;
}

}  // namespace flowgap::parsers::netsh
