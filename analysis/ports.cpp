#include "analysis/ports.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <vector>

#include <fmt/format.h>

namespace flowgap::analysis {

namespace {

struct NamedProtocol {
    const char* name;
    uint32_t number;
};

// The first name for a number is the one printed.
constexpr NamedProtocol kProtocols[] = {
    {"icmp", 1},   {"igmp", 2},       {"tcp", 6},     {"udp", 17},   {"gre", 47},   {"esp", 50},
    {"ah", 51},    {"ipv6-icmp", 58}, {"icmpv6", 58}, {"icmp6", 58}, {"ospf", 89},  {"vrrp", 112},
    {"sctp", 132}, {"udplite", 136},  {"ipip", 4},    {"pim", 103},  {"l2tp", 115},
};

std::optional<uint32_t> number(std::string_view s, uint32_t max) {
    uint32_t v = 0;
    if (s.empty()) return std::nullopt;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || v > max) return std::nullopt;
    return v;
}

// `name` in any case equals `lower`, which is lower case (without a lowered copy of `name`).
bool equal_ignoring_case(std::string_view name, std::string_view lower) {
    return name.size() == lower.size() &&
           std::equal(name.begin(), name.end(), lower.begin(),
                      [](unsigned char a, char b) { return std::tolower(a) == b; });
}

}  // namespace

namespace protocol {

bool has_ports(uint32_t proto) {
    return proto == tcp || proto == udp || proto == sctp || proto == 136;
}

std::optional<uint32_t> parse(std::string_view name) {
    if (auto n = number(name, 255)) return n;
    for (const auto& p : kProtocols) {
        if (equal_ignoring_case(name, p.name)) return p.number;
    }
    return std::nullopt;
}

std::string name(uint32_t proto) {
    for (const auto& p : kProtocols) {
        if (p.number == proto) return p.name;
    }
    return std::to_string(proto);
}

}  // namespace protocol

std::optional<PortSet> PortSet::parse(std::string_view text) {
    if (text == "any") return all();
    Set out;
    size_t start = 0;
    while (start <= text.size()) {
        size_t comma = text.find(',', start);
        if (comma == std::string_view::npos) comma = text.size();
        std::string_view item = text.substr(start, comma - start);
        while (!item.empty() && item.front() == ' ')
            item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ')
            item.remove_suffix(1);
        size_t sep = item.find_first_of(":-");
        if (sep == std::string_view::npos) {
            auto p = number(item, kMax);
            if (!p) return std::nullopt;
            out.add(*p, *p);
        } else {
            std::string_view a = item.substr(0, sep), b = item.substr(sep + 1);
            // Only iptables' `:` form may leave an end open; "-1" or "80-" is a typo, not a range.
            bool open = item[sep] == ':';
            auto lo = a.empty() && open ? std::optional<uint32_t>(0) : number(a, kMax);
            auto hi = b.empty() && open ? std::optional<uint32_t>(kMax) : number(b, kMax);
            if (!lo || !hi || *lo > *hi) return std::nullopt;
            out.add(*lo, *hi);
        }
        start = comma + 1;
    }
    return PortSet(out);
}

std::string PortSet::str() const {
    if (empty()) return "none";
    if (is_all()) return "any";
    std::vector<std::string> parts;
    for (const auto& iv : set_.intervals()) {
        parts.push_back(iv.lo == iv.hi ? std::to_string(iv.lo) : fmt::format("{}-{}", iv.lo, iv.hi));
    }
    return fmt::format("{}", fmt::join(parts, ","));
}

std::string ProtocolSet::str() const {
    if (empty()) return "none";
    if (*this == all()) return "any";
    std::vector<std::string> parts;
    for (const auto& iv : set_.intervals()) {
        for (uint32_t p = iv.lo; p <= iv.hi; ++p)
            parts.push_back(protocol::name(p));
    }
    return fmt::format("{}", fmt::join(parts, ","));
}

}  // namespace flowgap::analysis
