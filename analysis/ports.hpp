// Protocol numbers and port sets.
//
// Ports live in 0..65535. For ICMP and ICMPv6 the destination-port dimension carries
// type*256+code instead, so "icmp type 8" is the port interval [2048, 2303]; protocols without
// ports (esp, gre, ...) always use the full port range.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "analysis/interval_set.hpp"

namespace flowgap::analysis {

namespace protocol {
constexpr uint32_t icmp = 1, tcp = 6, udp = 17, esp = 50, ah = 51, icmpv6 = 58, sctp = 132;
// Protocols whose packets carry source and destination ports.
bool has_ports(uint32_t proto);
// "tcp", "udp", "icmp", "ipv6-icmp"/"icmpv6", "esp", a number 0-255, ... (case-insensitive).
std::optional<uint32_t> parse(std::string_view name);
std::string name(uint32_t proto);
}  // namespace protocol

class PortSet {
  public:
    using Set = IntervalSet<uint32_t>;
    static constexpr uint32_t kMax = 65535;

    PortSet() = default;
    explicit PortSet(Set s) : set_(std::move(s)) {}
    static PortSet none() { return {}; }
    static PortSet all() { return PortSet(Set(0, kMax)); }
    static PortSet single(uint32_t p) { return PortSet(Set::single(p)); }
    static PortSet range(uint32_t lo, uint32_t hi) { return PortSet(Set(lo, std::min(hi, kMax))); }
    static PortSet icmp_type(uint32_t type) { return range(type * 256, type * 256 + 255); }
    static PortSet icmp_type_code(uint32_t type, uint32_t code) { return single(type * 256 + code); }
    // "443", "80,443", "8000-8080", "1024:65535", ":1023" (iptables' open ranges), "any".
    static std::optional<PortSet> parse(std::string_view text);

    bool empty() const { return set_.empty(); }
    bool is_all() const { return *this == all(); }
    bool contains(uint32_t p) const { return set_.contains(p); }
    bool contains(const PortSet& o) const { return set_.contains(o.set_); }
    bool intersects(const PortSet& o) const { return set_.intersects(o.set_); }
    const Set& intervals() const { return set_; }
    std::string str() const;  // "any", "17472", "80,443", "1024-65535"

    bool operator==(const PortSet& o) const = default;
    friend PortSet operator|(const PortSet& a, const PortSet& b) { return PortSet(a.set_ | b.set_); }
    friend PortSet operator&(const PortSet& a, const PortSet& b) { return PortSet(a.set_ & b.set_); }
    friend PortSet operator-(const PortSet& a, const PortSet& b) { return PortSet(a.set_ - b.set_); }
    PortSet& operator&=(const PortSet& o) {
        set_ &= o.set_;
        return *this;
    }

  private:
    Set set_;
};

class ProtocolSet {
  public:
    using Set = IntervalSet<uint32_t>;

    ProtocolSet() = default;
    explicit ProtocolSet(Set s) : set_(std::move(s)) {}
    static ProtocolSet none() { return {}; }
    static ProtocolSet all() { return ProtocolSet(Set(0, 255)); }
    static ProtocolSet single(uint32_t p) { return ProtocolSet(Set::single(p)); }

    bool empty() const { return set_.empty(); }
    bool contains(uint32_t p) const { return set_.contains(p); }
    bool intersects(const ProtocolSet& o) const { return set_.intersects(o.set_); }
    const Set& intervals() const { return set_; }
    std::string str() const;  // "any", "tcp", "tcp,udp"

    bool operator==(const ProtocolSet& o) const = default;
    friend ProtocolSet operator|(const ProtocolSet& a, const ProtocolSet& b) {
        return ProtocolSet(a.set_ | b.set_);
    }
    friend ProtocolSet operator&(const ProtocolSet& a, const ProtocolSet& b) {
        return ProtocolSet(a.set_ & b.set_);
    }
    friend ProtocolSet operator-(const ProtocolSet& a, const ProtocolSet& b) {
        return ProtocolSet(a.set_ - b.set_);
    }
    ProtocolSet& operator&=(const ProtocolSet& o) {
        set_ &= o.set_;
        return *this;
    }

  private:
    Set set_;
};

}  // namespace flowgap::analysis
