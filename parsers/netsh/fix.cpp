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

// The items of a `;` list.
std::vector<std::string_view> split_list(std::string_view s) {
    std::vector<std::string_view> out;
    while (!s.empty()) {
        size_t semi = s.find(';');
        out.push_back(s.substr(0, semi));
        s = semi == std::string_view::npos ? std::string_view() : s.substr(semi + 1);
    }
    return out;
}

// Whether cmd.exe reads `s` inside double quotes as written: no quote to end them, no `%` to
// expand a variable, no `^ & | < >` (a caret or a stray quote would let them split the line), no
// newline or other control character.
bool cmd_quotable(std::string_view s) {
    return !has_control(s) && s.find_first_of("\"%^&|<>") == std::string_view::npos;
}

// BlockInboundAlways ignores every allow rule, so no allow rule can help while it is set: the
// profile's inbound policy goes back to BlockInbound, keeping its outbound policy, and the allow
// rule follows (the rules that were ignored may already cover the packets).
Remedy block_inbound_always(const Fix& fix, const std::string& name) {
    Remedy r;
    std::vector<std::string> profiles;
    for (auto item : split_list(fix.blocking->container)) {
        size_t eq = item.find('=');
        std::string profile(item.substr(0, eq)), outbound(item.substr(eq + 1));
        profiles.push_back(profile);
        r.commands.push_back(
            fmt::format("netsh advfirewall set {}profile firewallpolicy blockinbound,{}", profile, outbound));
    }
    r.summary = fmt::format(
        "the {} profile{} BlockInboundAlways, which ignores every allow rule: set {} inbound policy to "
        "BlockInbound, then allow these packets",
        fmt::join(profiles, ", "), profiles.size() == 1 ? " is" : "s are",
        profiles.size() == 1 ? "its" : "their");
    netsh_rules(fix.packets, name, "allow", true, "", r.commands);
    return r;
}

}  // namespace

Remedy fix(const Fix& fix, const Flow& flow) {
    Remedy r;
    bool inbound = fix.policy->direction == Direction::inbound;
    if (!fix.narrow) {
        std::string summary =
            "add an allow rule: no block rule matches these packets, only the profile's default";
        std::string name = fmt::format("flowgap {}", flow.entry->id);
        if (!cmd_quotable(name))
            return refused(fmt::format("the rule name \"{}\"", name), "cmd.exe", summary);
        if (inbound && fix.blocking_is_default && fix.blocking && !fix.blocking->container.empty())
            return block_inbound_always(fix, name);
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
