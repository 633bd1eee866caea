#include "analysis/address.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <utility>

#include <fmt/format.h>

namespace flowgap::analysis {

namespace {

constexpr uint128 kMappedBase = uint128{0xffff} << 32;
constexpr uint128 kMax = ~uint128{0};

uint128 ones(int bits) {
    return bits == 0 ? 0 : (bits >= 128 ? kMax : ((uint128{1} << bits) - 1));
}

// Items rarely carry blanks, so this looks at the two ends only, with no search.
std::string_view trim(std::string_view s) {
    auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && blank(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && blank(s.back()))
        s.remove_suffix(1);
    return s;
}

// Dotted-quad IPv4 as inet_pton reads it (four decimal octets, no leading zeros), without the
// copy into a C string: large dumps parse hundreds of thousands of addresses.
std::optional<uint32_t> parse_v4(std::string_view s) {
    uint32_t out = 0;
    for (int octet = 0; octet < 4; ++octet) {
        if (octet > 0) {
            if (s.empty() || s.front() != '.') return std::nullopt;
            s.remove_prefix(1);
        }
        size_t n = 0;
        uint32_t v = 0;
        while (n < s.size() && n < 4 && s[n] >= '0' && s[n] <= '9')
            v = v * 10 + static_cast<uint32_t>(s[n++] - '0');
        if (n == 0 || n > 3 || v > 255 || (n > 1 && s[0] == '0')) return std::nullopt;
        out = out << 8 | v;
        s.remove_prefix(n);
    }
    if (!s.empty()) return std::nullopt;
    return out;
}

std::optional<int> parse_int(std::string_view s, int max) {
    int v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || v < 0 || v > max) return std::nullopt;
    return v;
}

// A prefix within a family: bits counted from the family's own top bit.
AddressSet prefix(Address a, int len) {
    int width = a.family() == Family::v4 ? 32 : 128;
    uint128 host = ones(width - len);
    uint128 lo = a.value & ~host;
    AddressSet s(AddressSet::Set(lo, lo | host));
    if (a.family() == Family::v6) return s & AddressSet::all_v6();
    return s;  // moved, not copied as the other arm of a ?: would be
}

// A prefix of an address written in IPv6 notation, counted over all 128 bits. An IPv4-mapped
// address (ip6tables-save prints ::ffff:127.0.0.1/128 and ::ffff:10.0.0.0/104) keeps its place in
// the mapped block, as its host form does: the prefix is the IPv4 prefix of length len - 96, and
// a parser of IPv6 rules, whose universe excludes the block, finds no packet of its family in it.
// A shorter prefix keeps only its IPv6 part, as ::/0 does.
AddressSet prefix_v6(Address a, int len) {
    uint128 host = ones(128 - len);
    uint128 lo = a.value & ~host;
    AddressSet s(AddressSet::Set(lo, lo | host));
    if (len >= 96 && (lo >> 32) == 0xffff) return s;
    return s & AddressSet::all_v6();
}

// The number of leading one bits of a 128-bit mask.
int leading_ones(uint128 mask) {
    int n = 0;
    while (n < 128 && (mask >> (127 - n) & 1u))
        ++n;
    return n;
}

// addr/mask with a dotted (possibly non-contiguous) IPv4 mask: every address whose masked bits
// equal the masked address. Enumerated as intervals over the free high bits, if the budget allows.
std::optional<AddressSet> masked(Address a, uint32_t mask, MaskBudget* budget) {
    uint32_t inverse = ~mask;
    int trailing = 0;
    while (trailing < 32 && (inverse >> trailing & 1u))
        ++trailing;
    uint32_t free_high = inverse & ~static_cast<uint32_t>(ones(trailing));
    int free_bits = __builtin_popcount(free_high);
    uint64_t count = uint64_t{1} << free_bits;
    // One interval (a contiguous mask written dotted) costs no more than a prefix: not charged.
    MaskBudget one_address;
    if (count > 1 && !(budget ? budget : &one_address)->take(count)) return std::nullopt;
    uint32_t base = a.v4_value() & mask;
    AddressSet::Set out;
    for (uint32_t combo = 0; combo < count; ++combo) {
        uint32_t bits = 0;
        int k = 0;
        for (int b = 0; b < 32; ++b) {
            if (free_high >> b & 1u) bits |= ((combo >> k++) & 1u) << b;
        }
        uint32_t lo = base | bits;
        out.add(Address::v4(lo).value, Address::v4(lo | static_cast<uint32_t>(ones(trailing))).value);
    }
    return AddressSet(out);
}

// An IPv4 `addr/dotted-mask` item split into its address and mask.
std::optional<std::pair<Address, uint32_t>> split_mask(std::string_view t) {
    auto slash = t.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    auto a = Address::parse(t.substr(0, slash));
    auto mask = Address::parse(t.substr(slash + 1));
    if (!a || !mask || a->family() != Family::v4 || mask->family() != Family::v4) return std::nullopt;
    return std::pair{*a, mask->v4_value()};
}

}  // namespace

Address Address::v4(uint32_t a) {
    return Address{kMappedBase | a};
}

std::optional<Address> Address::parse(std::string_view text) {
    // IPv4 first, without a search for ':': parse_v4 takes digits and dots only.
    if (auto v4 = parse_v4(text)) return Address::v4(*v4);
    if (text.find(':') == std::string_view::npos) return std::nullopt;
    char buf[INET6_ADDRSTRLEN + 1] = {};
    if (text.size() > INET6_ADDRSTRLEN) return std::nullopt;
    std::copy(text.begin(), text.end(), buf);
    in6_addr a6{};
    if (inet_pton(AF_INET6, buf, &a6) != 1) return std::nullopt;
    uint128 v = 0;
    for (unsigned char byte : a6.s6_addr)
        v = v << 8 | byte;
    return Address{v};
}

Family Address::family() const {
    return (value >> 32) == 0xffff ? Family::v4 : Family::v6;
}

std::string Address::str() const {
    char buf[INET6_ADDRSTRLEN] = {};
    if (family() == Family::v4) {
        in_addr a4{htonl(v4_value())};
        inet_ntop(AF_INET, &a4, buf, sizeof buf);
    } else {
        in6_addr a6{};
        for (int i = 15; i >= 0; --i)
            a6.s6_addr[i] = static_cast<unsigned char>(value >> (8 * (15 - i)));
        inet_ntop(AF_INET6, &a6, buf, sizeof buf);
    }
    return buf;
}

AddressSet AddressSet::all() {
    return AddressSet(Set(0, kMax));
}
AddressSet AddressSet::all_v4() {
    return AddressSet(Set(kMappedBase, kMappedBase | 0xffffffffu));
}
AddressSet AddressSet::all_v6() {
    return all() - all_v4();
}

AddressSet AddressSet::range(Address lo, Address hi) {
    if (lo.family() != hi.family()) return {};
    AddressSet s(Set(lo.value, hi.value));
    if (lo.family() == Family::v6) return s & all_v6();
    return s;
}

AddressSet AddressSet::special_purpose() {
    // IANA's IPv4 and IPv6 Special-Purpose Address Registries (2024), the entries that are not
    // "globally reachable", plus multicast. Entries the registries mark globally reachable (AS112,
    // AMT, the NAT64 well-known prefix an IPv6-only server reaches the internet through) stay
    // public; so do the few reachable ones nested in a larger unreachable block (2001::/23).
    static const char* const kSpecial[] = {
        // IPv4
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
        "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        // IPv6 (::ffff:0:0/96, IPv4-mapped, is how this model holds IPv4 itself: not listed)
        "::/128", "::1/128", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32", "2002::/16",
        "3fff::/20", "5f00::/16", "fc00::/7", "fe80::/10", "ff00::/8"};
    AddressSet s;
    for (const char* p : kSpecial)
        s |= *parse(p);
    return s;
}

AddressSet AddressSet::public_internet() {
    return all() - special_purpose();
}

std::optional<AddressSet> AddressSet::parse(std::string_view text, MaskBudget* budget) {
    std::string_view t = trim(text);
    if (t.empty()) return std::nullopt;
    if (t == "any" || t == "Any" || t == "ANY" || t == "*") return all();
    if (auto dash = t.find('-'); dash != std::string_view::npos) {
        auto lo = Address::parse(trim(t.substr(0, dash)));
        auto hi = Address::parse(trim(t.substr(dash + 1)));
        if (!lo || !hi || lo->family() != hi->family() || hi->value < lo->value) return std::nullopt;
        return range(*lo, *hi);
    }
    auto slash = t.find('/');
    auto a = Address::parse(t.substr(0, slash));
    if (!a) return std::nullopt;
    if (slash == std::string_view::npos) return host(*a);
    std::string_view rest = t.substr(slash + 1);
    // The notation decides the prefix's width: ::ffff:10.0.0.0 is IPv4-mapped but written as IPv6.
    if (t.substr(0, slash).find(':') != std::string_view::npos) {
        if (auto len = parse_int(rest, 128)) return prefix_v6(*a, *len);
        // A mask in IPv6 notation (ip6tables-save prints a non-contiguous one so): a contiguous
        // one is a prefix; the others are not expanded (mask_cover gives their covering prefix).
        auto mask = rest.find(':') != std::string_view::npos ? Address::parse(rest) : std::nullopt;
        if (!mask) return std::nullopt;
        int len = leading_ones(mask->value);
        if (mask->value != ~ones(128 - len)) return std::nullopt;
        return prefix_v6(*a, len);
    }
    if (auto len = parse_int(rest, 32)) return prefix(*a, *len);
    if (rest.find(':') != std::string_view::npos) return std::nullopt;  // a dotted mask, not ::ffff:...
    auto mask = Address::parse(rest);
    if (!mask) return std::nullopt;
    return masked(*a, mask->v4_value(), budget);
}

std::optional<AddressSet> AddressSet::mask_cover(std::string_view text) {
    text = trim(text);
    if (size_t slash = text.find('/');
        slash != std::string_view::npos && text.substr(0, slash).find(':') != std::string_view::npos) {
        std::string_view rest = text.substr(slash + 1);
        auto a = Address::parse(text.substr(0, slash));
        auto mask = rest.find(':') != std::string_view::npos ? Address::parse(rest) : std::nullopt;
        if (!a || !mask) return std::nullopt;
        return prefix_v6(*a, leading_ones(mask->value));
    }
    auto item = split_mask(text);
    if (!item) return std::nullopt;
    // {x : x & m == a & m} lies within the prefix of m's leading one bits: those bits of x are a's.
    uint32_t mask = item->second;
    int len = mask == ~uint32_t{0} ? 32 : __builtin_clz(~mask);
    return prefix(item->first, len);
}

std::optional<AddressSet> AddressSet::parse_list(std::string_view text, MaskBudget* budget) {
    // Most lists are one item (iptables-save prints one address per rule): no union needed.
    if (text.find(',') == std::string_view::npos) return parse(text, budget);
    AddressSet out;
    size_t start = 0;
    while (start <= text.size()) {
        size_t comma = text.find(',', start);
        if (comma == std::string_view::npos) comma = text.size();
        auto item = parse(text.substr(start, comma - start), budget);
        if (!item) return std::nullopt;
        out |= *item;
        start = comma + 1;
    }
    return out;
}

AddressSet AddressSet::v4_part() const {
    return *this & all_v4();
}
AddressSet AddressSet::v6_part() const {
    return *this & all_v6();
}

uint64_t AddressSet::size() const {
    uint128 total = 0;
    const uint128 cap = uint128{1} << 64;
    for (const auto& iv : set_.intervals()) {
        uint128 n = iv.hi - iv.lo;  // count - 1, cannot overflow
        total += n < cap ? n + 1 : cap;
        if (total >= cap) return ~uint64_t{0};
    }
    return static_cast<uint64_t>(total);
}

std::vector<std::string> AddressSet::cidrs() const {
    std::vector<std::string> out;
    AddressSet rest = *this;
    if (contains(all_v4())) {
        out.push_back("0.0.0.0/0");
        rest -= all_v4();
    }
    bool all6 = contains(all_v6());
    if (all6) rest -= all_v6();
    // IPv4 first, then IPv6: numeric order would put ::/80 (below the IPv4-mapped block) first.
    std::vector<Set::Interval> pieces;
    for (const auto& part : {rest.v4_part(), rest.v6_part()}) {
        for (const auto& iv : part.set_.intervals())
            pieces.push_back(iv);
    }
    for (const auto& iv : pieces) {
        uint128 lo = iv.lo;
        while (true) {
            // The largest aligned block starting at lo that fits in [lo, hi].
            int bits = 0;
            while (bits < 128) {
                uint128 block = ones(bits + 1);
                if ((lo & block) != 0 || lo + block > iv.hi || lo + block < lo) break;
                ++bits;
            }
            Address a{lo};
            int width = a.family() == Family::v4 ? 32 : 128;
            out.push_back(bits == 0 ? a.str() : fmt::format("{}/{}", a.str(), width - bits));
            uint128 last = lo + ones(bits);
            if (last >= iv.hi) break;
            lo = last + 1;
        }
    }
    if (all6) out.push_back("::/0");
    return out;
}

std::string AddressSet::str() const {
    if (empty()) return "none";
    if (*this == all()) return "any";
    return fmt::format("{}", fmt::join(cidrs(), ", "));
}

std::string AddressSet::brief() const {
    auto list = cidrs();
    if (*this == all() || list.size() <= 3) return str();
    return fmt::format("{}, {}, ... ({} blocks)", list[0], list[1], list.size());
}

}  // namespace flowgap::analysis
