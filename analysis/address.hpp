// IPv4 and IPv6 addresses and normalized sets of them.
//
// Both families live in one 128-bit space: IPv6 addresses are themselves, IPv4 addresses sit at
// their IPv4-mapped place (::ffff:a.b.c.d). Mapped addresses never appear on the wire (RFC 4291
// 2.5.5.2), so no real packet is confused, and one interval set covers a rule that names both
// families. The IPv6 universe is therefore "all of ::/0 except ::ffff:0:0/96".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/interval_set.hpp"

namespace flowgap::analysis {

__extension__ typedef unsigned __int128 uint128;

enum class Family { v4, v6 };

struct Address {
    uint128 value = 0;

    static Address v4(uint32_t a);
    static std::optional<Address> parse(std::string_view text);  // "10.0.0.1" or "2001:db8::1"
    Family family() const;
    uint32_t v4_value() const { return static_cast<uint32_t>(value); }
    std::string str() const;
    auto operator<=>(const Address&) const = default;
};

// How far non-contiguous masks may expand. `a/m` with a dotted mask whose zero bits are not all
// at the end matches one interval per combination of the zero bits above its lowest one bit:
// `10.0.0.1/255.0.255.0` is 65,536 intervals, and a short dump of such rules once took gigabytes.
// A parser keeps one budget per file; an item over either limit is refused, and the parser models
// the item's covering prefix (AddressSet::mask_cover) as a possible match instead.
class MaskBudget {
  public:
    static constexpr uint64_t kPerAddress = 4096;
    static constexpr uint64_t kPerFile = 65536;

    // Takes `n` intervals; false, taking nothing, when one address or the file would exceed its limit.
    bool take(uint64_t n) {
        if (n > kPerAddress || n > left_) return false;
        left_ -= n;
        return true;
    }

  private:
    uint64_t left_ = kPerFile;
};

class AddressSet {
  public:
    using Set = IntervalSet<uint128>;

    AddressSet() = default;
    explicit AddressSet(Set s) : set_(std::move(s)) {}
    static AddressSet none() { return {}; }
    static AddressSet all();
    static AddressSet all_v4();
    static AddressSet all_v6();
    static AddressSet host(Address a) { return AddressSet(Set::single(a.value)); }
    static AddressSet range(Address lo, Address hi);
    // Every address of IANA's special-purpose registries (private, loopback, link-local, shared,
    // documentation, benchmarking, translation, reserved), plus multicast.
    static AddressSet special_purpose();
    // Addresses that are routed on the public internet: everything else.
    static AddressSet public_internet();

    // One item: `any`, a host, CIDR (host bits are masked off, as PAN-OS and iptables do),
    // `addr/dotted-mask` (netsh; non-contiguous masks are enumerated, and refused when the
    // expansion exceeds MaskBudget::kPerAddress or what is left of `budget`), an IPv6 address
    // with a contiguous mask in IPv6 notation, or a range `a-b`. The prefix length counts the
    // bits of the notation: ::ffff:10.0.0.0/104 (IPv4-mapped, as ip6tables-save prints it) is
    // 10.0.0.0/8, where this model keeps IPv4.
    static std::optional<AddressSet> parse(std::string_view text, MaskBudget* budget = nullptr);
    // A comma-separated list of items, as iptables and netsh print them.
    static std::optional<AddressSet> parse_list(std::string_view text, MaskBudget* budget = nullptr);
    // For a well-formed `addr/mask` item with a dotted IPv4 mask or an IPv6-notation mask: the
    // smallest prefix holding every address it matches, given by the mask's leading one bits.
    // What a parser models, as a possible match, for a mask parse() refused (over the budget,
    // or a non-contiguous IPv6 mask, which parse() never expands). nullopt for any other item.
    static std::optional<AddressSet> mask_cover(std::string_view text);

    bool empty() const { return set_.empty(); }
    bool contains(Address a) const { return set_.contains(a.value); }
    bool contains(const AddressSet& o) const { return set_.contains(o.set_); }
    bool intersects(const AddressSet& o) const { return set_.intersects(o.set_); }
    const Set& intervals() const { return set_; }
    AddressSet v4_part() const;
    AddressSet v6_part() const;
    // The number of addresses, saturated at 2^64 (enough to tell "one host" from "many").
    uint64_t size() const;

    // Minimal CIDR blocks, IPv4 first; hosts print without a prefix length. The whole IPv4 or
    // IPv6 universe prints as 0.0.0.0/0 or ::/0.
    std::vector<std::string> cidrs() const;
    std::string str() const;  // "any", "none", or cidrs() joined with ", "
    // str() for up to three blocks, else the first two and how many there are ("10.0.0.0/8,
    // 172.16.0.0/12, ... (14 blocks)"): messages stay one line; machine formats carry str().
    std::string brief() const;

    bool operator==(const AddressSet& o) const = default;
    friend AddressSet operator|(const AddressSet& a, const AddressSet& b) {
        return AddressSet(a.set_ | b.set_);
    }
    friend AddressSet operator&(const AddressSet& a, const AddressSet& b) {
        return AddressSet(a.set_ & b.set_);
    }
    friend AddressSet operator-(const AddressSet& a, const AddressSet& b) {
        return AddressSet(a.set_ - b.set_);
    }
    AddressSet& operator|=(const AddressSet& o) { return *this = *this | o; }
    AddressSet& operator&=(const AddressSet& o) {
        set_ &= o.set_;
        return *this;
    }
    AddressSet& operator-=(const AddressSet& o) { return *this = *this - o; }

  private:
    Set set_;
};

}  // namespace flowgap::analysis
