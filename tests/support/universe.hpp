// A small packet universe for brute-force tests of FlowSpace and evaluate.
//
// Sources and destinations are 8 IPv4 addresses (10.0.0.0-10.0.0.7) and 4 IPv6 addresses (two
// of them right next to the IPv4-mapped block), protocols are tcp, udp, icmp and esp,
// destination ports 0..7 and source ports 0..3. Every FlowSpace the tests build draws its sets
// from this universe, so a FlowSpace is empty exactly when it holds no packet of the universe,
// and a bitset over all its packets is a complete model of it.
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "analysis/flow_space.hpp"

namespace flowgap::testing::universe {

using analysis::Address;
using analysis::AddressSet;
using analysis::Box;
using analysis::Family;
using analysis::FlowSpace;
using analysis::Packet;
using analysis::PortSet;
using analysis::ProtocolSet;

constexpr size_t kAddrs = 12, kProtos = 4, kDports = 8, kSports = 4;
constexpr size_t kPackets = kAddrs * kAddrs * kProtos * kDports * kSports;
using Bits = std::bitset<kPackets>;

inline const std::array<Address, kAddrs>& addresses() {
    static const std::array<Address, kAddrs> all = [] {
        std::array<Address, kAddrs> a{};
        for (uint32_t i = 0; i < 8; ++i)
            a[i] = Address::v4(0x0a000000u + i);
        const char* v6[] = {"::fffe:ffff:ffff", "::1:0:0:0", "2001:db8::", "2001:db8::1"};
        for (size_t i = 0; i < 4; ++i)
            a[8 + i] = *Address::parse(v6[i]);
        return a;
    }();
    return all;
}
constexpr std::array<uint32_t, kProtos> kProtoNumbers = {6, 17, 1, 50};  // tcp, udp, icmp, esp
// Whether a protocol's packets are matched on the port dimensions (ICMP: type/code in dport).
inline bool ported(size_t proto_index) {
    return kProtoNumbers[proto_index] != 50;
}

inline Family family(size_t addr_index) {
    return addr_index < 8 ? Family::v4 : Family::v6;
}

inline size_t index(size_t s, size_t d, size_t p, size_t dp, size_t sp) {
    return (((s * kAddrs + d) * kProtos + p) * kDports + dp) * kSports + sp;
}

inline Packet packet(size_t i) {
    Packet pk;
    pk.sport = static_cast<uint32_t>(i % kSports);
    i /= kSports;
    pk.dport = static_cast<uint32_t>(i % kDports);
    i /= kDports;
    pk.proto = kProtoNumbers[i % kProtos];
    i /= kProtos;
    pk.dst = addresses()[i % kAddrs];
    pk.src = addresses()[i / kAddrs];
    return pk;
}

// The packet's index, or nullopt if it lies outside the universe.
inline std::optional<size_t> index_of(const Packet& pk) {
    auto addr = [](const Address& a) -> std::optional<size_t> {
        for (size_t i = 0; i < kAddrs; ++i) {
            if (addresses()[i] == a) return i;
        }
        return std::nullopt;
    };
    auto s = addr(pk.src), d = addr(pk.dst);
    std::optional<size_t> p;
    for (size_t i = 0; i < kProtos; ++i) {
        if (kProtoNumbers[i] == pk.proto) p = i;
    }
    if (!s || !d || !p || pk.dport >= kDports || pk.sport >= kSports) return std::nullopt;
    return index(*s, *d, *p, pk.dport, pk.sport);
}

// A box described by a bitmask per dimension: the independent specification of FlowSpace::of.
struct Spec {
    uint32_t src = 0, dst = 0, proto = 0, dport = 0, sport = 0;

    AddressSet src_set() const { return addresses_of(src); }
    AddressSet dst_set() const { return addresses_of(dst); }
    ProtocolSet proto_set() const {
        ProtocolSet s;
        for (size_t i = 0; i < kProtos; ++i) {
            if (proto >> i & 1u) s = s | ProtocolSet::single(kProtoNumbers[i]);
        }
        return s;
    }
    static PortSet ports_of(uint32_t mask, size_t n) {
        PortSet::Set s;
        for (uint32_t i = 0; i < n; ++i) {
            if (mask >> i & 1u) s.add(i, i);
        }
        return PortSet(s);
    }
    FlowSpace space() const {
        return FlowSpace::of(src_set(), dst_set(), proto_set(), ports_of(dport, kDports),
                             ports_of(sport, kSports));
    }
    // By definition: families pair up, esp (no ports) ignores the port dimensions, and icmp
    // (no source port) ignores the source port.
    bool holds(size_t s, size_t d, size_t p, size_t dp, size_t sp) const {
        bool icmp = kProtoNumbers[p] == 1;
        return (src >> s & 1u) && (dst >> d & 1u) && family(s) == family(d) && (proto >> p & 1u) &&
               (!ported(p) || ((dport >> dp & 1u) && (icmp || (sport >> sp & 1u))));
    }
    Bits bits() const {
        Bits b;
        for (size_t s = 0; s < kAddrs; ++s)
            for (size_t d = 0; d < kAddrs; ++d)
                for (size_t p = 0; p < kProtos; ++p)
                    for (size_t dp = 0; dp < kDports; ++dp)
                        for (size_t sp = 0; sp < kSports; ++sp)
                            if (holds(s, d, p, dp, sp)) b.set(index(s, d, p, dp, sp));
        return b;
    }

  private:
    static AddressSet addresses_of(uint32_t mask) {
        AddressSet s;
        for (size_t i = 0; i < kAddrs; ++i) {
            if (mask >> i & 1u) s |= AddressSet::host(addresses()[i]);
        }
        return s;
    }
};

inline uint32_t random_mask(std::mt19937& rng, size_t n) {
    // Mostly dense or sparse masks rather than uniform ones, so that boxes overlap in
    // interesting ways; sometimes everything.
    int kind = std::uniform_int_distribution<int>(0, 5)(rng);
    if (kind == 0) return (1u << n) - 1;
    double p = kind <= 2 ? 0.7 : 0.3;
    std::bernoulli_distribution in(p);
    uint32_t m = 0;
    for (size_t i = 0; i < n; ++i) {
        if (in(rng)) m |= 1u << i;
    }
    return m;
}

inline Spec random_spec(std::mt19937& rng) {
    Spec s;
    s.src = random_mask(rng, kAddrs);
    s.dst = random_mask(rng, kAddrs);
    // Often a single family, as most real rules are.
    int fam = std::uniform_int_distribution<int>(0, 3)(rng);
    if (fam == 0) s.src &= 0xffu, s.dst &= 0xffu;
    if (fam == 1) s.src &= 0xf00u, s.dst &= 0xf00u;
    s.proto = random_mask(rng, kProtos);
    s.dport = random_mask(rng, kDports);
    s.sport = random_mask(rng, kSports);
    return s;
}

// A random FlowSpace: the union of 0 to `max_boxes` random boxes, and its model.
inline std::pair<FlowSpace, Bits> random_space(std::mt19937& rng, int max_boxes = 4) {
    FlowSpace f;
    Bits b;
    int n = std::uniform_int_distribution<int>(0, max_boxes)(rng);
    for (int k = 0; k < n; ++k) {
        Spec s = random_spec(rng);
        f |= s.space();
        b |= s.bits();
    }
    return {f, b};
}

// The packets a FlowSpace holds, read from its boxes; checks the boxes' invariants on the way:
// non-empty, one family each, and pairwise disjoint.
inline Bits bits_of(const FlowSpace& f) {
    Bits out;
    size_t overlaps = 0;
    for (const Box& box : f.boxes()) {
        REQUIRE_FALSE(box.empty());
        REQUIRE((box.src.v4_part().empty() || box.src.v6_part().empty()));
        REQUIRE((box.dst.v4_part().empty() || box.dst.v6_part().empty()));
        REQUIRE(box.src.v4_part().empty() == box.dst.v4_part().empty());
        for (const Box& other : f.boxes()) {
            if (&other != &box) REQUIRE_FALSE(box.intersects(other));
        }
        for (size_t s = 0; s < kAddrs; ++s) {
            if (!box.src.contains(addresses()[s])) continue;
            for (size_t d = 0; d < kAddrs; ++d) {
                if (!box.dst.contains(addresses()[d])) continue;
                for (size_t p = 0; p < kProtos; ++p) {
                    if (!box.proto.contains(kProtoNumbers[p])) continue;
                    for (uint32_t dp = 0; dp < kDports; ++dp) {
                        if (!box.dport.contains(dp)) continue;
                        for (uint32_t sp = 0; sp < kSports; ++sp) {
                            if (!box.sport.contains(sp)) continue;
                            size_t i = index(s, d, p, dp, sp);
                            if (out.test(i)) ++overlaps;  // disjoint, seen packet by packet
                            out.set(i);
                        }
                    }
                }
            }
        }
    }
    REQUIRE(overlaps == 0);
    return out;
}

// "" when the sets agree, else how they differ (bitsets print too long to read).
inline std::string difference(const Bits& got, const Bits& want) {
    if (got == want) return "";
    Bits extra = got & ~want, missing = want & ~got;
    for (size_t i = 0; i < kPackets; ++i) {
        if (extra.test(i) || missing.test(i)) {
            return std::to_string(extra.count()) + " extra, " + std::to_string(missing.count()) +
                   " missing, first " + (extra.test(i) ? "extra: " : "missing: ") + packet(i).str();
        }
    }
    return "";
}

}  // namespace flowgap::testing::universe
