#include "parsers/nftables/fix.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "parsers/iptables/fix.hpp"
#include "parsers/nftables/legacy.hpp"

namespace flowgap::parsers::nftables {

using namespace flowgap::analysis;

namespace {

std::string listed(const std::vector<std::string>& items) {
    return items.size() == 1 ? items[0] : fmt::format("{{ {} }}", fmt::join(items, ", "));
}

std::string ports(const PortSet& p) {
    std::vector<std::string> items;
    for (const auto& i : p.intervals().intervals())
        items.push_back(i.lo == i.hi ? fmt::format("{}", i.lo) : fmt::format("{}-{}", i.lo, i.hi));
    return listed(items);
}

// The match of one box and protocol in nft syntax.
std::string nft_match(const Box& b, uint32_t proto) {
    Family f = family_of(b);
    std::string_view ip = f == Family::v6 ? "ip6" : "ip";
    std::string out;
    if (auto s = blocks(b.src, f); !s.empty()) out += fmt::format(" {} saddr {}", ip, listed(s));
    if (auto d = blocks(b.dst, f); !d.empty()) out += fmt::format(" {} daddr {}", ip, listed(d));
    if (proto == 256) return out;
    std::string name = protocol::name(proto);
    if (!protocol::has_ports(proto) || (b.dport.is_all() && b.sport.is_all()) ||
        (proto != protocol::tcp && proto != protocol::udp)) {
        return out + fmt::format(" meta l4proto {}", name);
    }
    if (!b.sport.is_all()) out += fmt::format(" {} sport {}", name, ports(b.sport));
    if (!b.dport.is_all()) out += fmt::format(" {} dport {}", name, ports(b.dport));
    return out;
}

bool plain(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
               c == '_' || c == '.';
    });
}

// A rule of the iptables-legacy tables read beside the ruleset (legacy.hpp): the fix is an
// iptables-legacy command, in iptables' own syntax.
Remedy legacy_fix(const Fix& fix, const Flow& flow) {
    Rule at = *fix.blocking;
    at.container.erase(0, kLegacyContainer.size());
    Fix f = fix;
    f.blocking = &at;
    Remedy r = iptables::fix(f, flow);
    for (auto& c : r.commands) {
        if (c.starts_with("iptables "))
            c.replace(0, 8, "iptables-legacy");
        else if (c.starts_with("ip6tables "))
            c.replace(0, 9, "ip6tables-legacy");
    }
    return r;
}

}  // namespace

Remedy fix(const Fix& fix, const Flow& flow) {
    if (fix.blocking->container.starts_with(kLegacyContainer)) return legacy_fix(fix, flow);
    const Rule& at = *fix.blocking;
    std::string_view chain_name = std::string_view(at.container).substr(0, at.container.find('|'));
    std::string summary =
        fix.blocking_is_default || at.position == 0
            ? fmt::format("append to {} an accept rule for what its policy drops", chain_name)
            : fmt::format("insert before {} ({}) an accept rule for what it blocks", at.name,
                          at.location.str());
    // The container is "FAMILY TABLE CHAIN" (nftables.cpp); nft names are identifiers, and the
    // flow id goes into a quoted comment: anything else is refused rather than quoted twice over.
    // Marks may follow: "|handle=N" (the rule's handle, where the listing shows it: rules.cpp) and
    // "|dnat=PUBLIC" (a rule's copy for packets a dnat translates after it, iptables/dnat.cpp: its
    // chain sees them addressed to the public address, so the accept rule matches that one).
    std::string_view c = chain_name;
    std::optional<AddressSet> addressed;
    std::string_view handle;
    for (std::string_view rest = std::string_view(at.container).substr(c.size()); !rest.empty();) {
        rest.remove_prefix(1);  // '|'
        std::string_view mark = rest.substr(0, rest.find('|'));
        rest.remove_prefix(mark.size());
        if (mark.starts_with("dnat=")) addressed = AddressSet::parse(mark.substr(5));
        if (mark.starts_with("handle=")) handle = mark.substr(7);
    }
    size_t a = c.find(' '), b = a == std::string_view::npos ? a : c.find(' ', a + 1);
    std::string_view family = c.substr(0, a);
    std::string_view table = a == std::string_view::npos ? "" : c.substr(a + 1, b - a - 1);
    std::string_view chain = b == std::string_view::npos ? "" : c.substr(b + 1);
    if (!plain(family) || !plain(table) || !plain(chain))
        return refused(fmt::format("the chain \"{}\"", chain_name), "nft", summary);
    if (!plain(flow.entry->id))
        return refused(fmt::format("the flow id \"{}\"", flow.entry->id), "nft", summary);
    Remedy r;
    r.summary = summary;
    std::string where =
        fix.blocking_is_default || at.position == 0 ? fmt::format("add rule {} {} {}", family, table, chain)
        : plain(handle) ? fmt::format("insert rule {} {} {} position {}", family, table, chain, handle)
                        : fmt::format("insert rule {} {} {} index {}", family, table, chain, at.position - 1);
    for (Box box : fix.packets.boxes()) {
        if (addressed) box.dst = *addressed;
        std::vector<uint32_t> protos = protocols_of(box);
        if (protos.empty()) protos.push_back(256);
        for (uint32_t p : protos) {
            std::string rule =
                fmt::format("{}{} accept comment \"flowgap: {}\"", where, nft_match(box, p), flow.entry->id);
            r.commands.push_back("nft " + posix_word(rule));
        }
    }
    return r;
}

std::string identity(std::string_view policy, std::string_view rule_name, std::string_view rule_text) {
    std::string out(policy);
    out += '\x1f';
    // "inet fw input#3 (comment)": the position goes, the rest stays.
    std::string name(rule_name);
    if (size_t hash = name.rfind('#', name.find(" (")); hash != std::string::npos) {
        size_t end = hash + 1;
        while (end < name.size() && name[end] >= '0' && name[end] <= '9')
            ++end;
        name.erase(hash, end - hash);
    }
    out += name;
    out += '\x1f';
    // Counter values change with every packet: "counter packets 12 bytes 720" -> "counter".
    std::string_view t = rule_text;
    std::string words;
    size_t i = 0;
    std::vector<std::string_view> list;
    while (i < t.size()) {
        while (i < t.size() && (t[i] == ' ' || t[i] == '\t'))
            ++i;
        size_t start = i;
        while (i < t.size() && t[i] != ' ' && t[i] != '\t')
            ++i;
        if (i > start) list.push_back(t.substr(start, i - start));
    }
    for (size_t k = 0; k < list.size(); ++k) {
        if (k > 0 && list[k - 1] == "counter") {
            // The values that follow the counter: "packets N bytes M".
            while (k + 1 < list.size() && (list[k] == "packets" || list[k] == "bytes"))
                k += 2;
            if (k >= list.size()) break;
        }
        if (!words.empty()) words += ' ';
        words += list[k];
    }
    out += words;
    return out;
}

}  // namespace flowgap::parsers::nftables
