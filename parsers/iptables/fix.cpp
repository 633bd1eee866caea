#include "parsers/iptables/fix.hpp"

#include <algorithm>
#include <optional>
#include <string_view>

#include <fmt/format.h>

namespace flowgap::parsers::iptables {

using namespace flowgap::analysis;

namespace {

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

// The comment's word: "flowgap: ID" as always for a catalog id, a single-quoted word otherwise.
std::string comment_word(std::string_view id) {
    bool plain = !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
               c == '_' || c == '.';
    });
    std::string text = fmt::format("flowgap: {}", id);
    return plain ? fmt::format("\"{}\"", text) : posix_word(text);
}

}  // namespace

Remedy fix(const Fix& fix, const Flow& flow) {
    Remedy r;
    const Rule& at = *fix.blocking;
    std::string summary =
        fix.blocking_is_default
            ? fmt::format("append to {} an allow rule for what its policy drops", at.container)
            : fmt::format("insert before {} ({}) an allow rule for what it blocks", at.name,
                          at.location.str());
    // The chain name and the flow id go to a POSIX shell: quoted where not plainly safe. A control
    // character (a newline) cannot be pasted as part of one command line.
    if (has_control(at.container) || has_control(flow.entry->id)) {
        return refused(has_control(at.container) ? fmt::format("the chain name \"{}\"", at.container)
                                                 : fmt::format("the flow id \"{}\"", flow.entry->id),
                       "a POSIX shell", summary);
    }
    r.summary = summary;
    // A rule of another table than filter names its table first ("raw PREROUTING"): the allow
    // rule goes there, since an ACCEPT in filter never runs for a packet raw already dropped.
    std::string_view container = at.container;
    // A rule's copy for packets a DNAT translates after it (dnat.cpp, "|dnat=PUBLIC"): its table
    // sees them addressed to the public address, so the allow rule matches that one.
    std::optional<AddressSet> addressed;
    if (size_t mark = container.find("|dnat="); mark != std::string_view::npos) {
        addressed = AddressSet::parse(container.substr(mark + 6));
        container = container.substr(0, mark);
    }
    std::string table;
    if (size_t space = container.find(' '); space != std::string_view::npos) {
        table = fmt::format("-t {} ", posix_word(std::string(container.substr(0, space))));
        container.remove_prefix(space + 1);
    }
    std::string chain = posix_word(std::string(container));
    std::string where = fix.blocking_is_default || at.position == 0
                            ? fmt::format("{}-A {}", table, chain)
                            : fmt::format("{}-I {} {}", table, chain, at.position);
    std::string comment = comment_word(flow.entry->id);
    for (Box b : fix.packets.boxes()) {
        if (addressed) b.dst = *addressed;
        std::vector<uint32_t> protos = protocols_of(b);
        if (protos.empty()) protos.push_back(256);  // every protocol: no -p
        const char* tool = family_of(b) == Family::v6 ? "ip6tables" : "iptables";
        for (uint32_t p : protos) {
            r.commands.push_back(fmt::format("{} {}{} -m comment --comment {} -j ACCEPT", tool, where,
                                             iptables_match(b, p), comment));
        }
    }
    return r;
}

}  // namespace flowgap::parsers::iptables
