// A set of packets: a union of boxes over (source, destination, protocol, destination port,
// source port).
//
// Every box holds addresses of one family only (constructors split by family and the set
// operations preserve it), so no box contains an IPv4-to-IPv6 packet. Boxes are kept pairwise
// disjoint, which makes emptiness trivial and examples unambiguous.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analysis/address.hpp"
#include "analysis/ports.hpp"

namespace flowgap::analysis {

// The first packet of a connection, the unit every verdict is about.
struct Packet {
    Address src;
    Address dst;
    uint32_t proto = 0;
    uint32_t dport = 0;
    uint32_t sport = 0;
    // "tcp 10.20.5.37:49152 -> 10.10.1.10:17472", "icmp 10.0.0.1 -> 10.0.0.2 type 8 code 0"
    std::string str() const;
};

struct Box {
    AddressSet src;
    AddressSet dst;
    ProtocolSet proto;
    PortSet dport;
    PortSet sport;

    bool empty() const {
        return src.empty() || dst.empty() || proto.empty() || dport.empty() || sport.empty();
    }
    bool intersects(const Box& o) const;
    Box operator&(const Box& o) const;
    bool contains(const Packet& p) const;
    bool operator==(const Box&) const = default;
};

class FlowSpace {
  public:
    FlowSpace() = default;
    static FlowSpace none() { return {}; }
    static FlowSpace all();
    // All packets from `src` to `dst` (pairing IPv4 with IPv4 and IPv6 with IPv6) with the
    // given protocols and ports. Ports are dropped for protocols that have none.
    static FlowSpace of(const AddressSet& src, const AddressSet& dst, const ProtocolSet& proto,
                        const PortSet& dport = PortSet::all(), const PortSet& sport = PortSet::all());
    static FlowSpace of(const Box& box);
    // Boxes the caller knows to be pairwise disjoint and single-family (e.g. one per LAN):
    // skips the quadratic disjointness work a union would do.
    static FlowSpace from_disjoint(std::vector<Box> boxes);

    bool empty() const { return boxes_.empty(); }
    const std::vector<Box>& boxes() const { return boxes_; }
    bool contains(const Packet& p) const;
    bool intersects(const FlowSpace& o) const;
    // The smallest box holding every packet of the set: in each dimension one interval, from
    // the lowest value of any box to the highest (an empty box for an empty set).
    Box bounds() const;
    // intersects(o), given `own_bounds` == bounds(): a box of `o` outside them meets none of
    // this set's boxes, so a set of many boxes (a flow split per subnet) is walked only for the
    // boxes of `o` that may meet it. For evaluation, which asks this of every rule.
    bool intersects(const FlowSpace& o, const Box& own_bounds) const;
    // Semantic equality: the same packets, whatever the boxes.
    bool same_as(const FlowSpace& o) const;
    // A deterministic packet of the set (the lowest of the first box, preferring a source port
    // in the ephemeral range and distinct source and destination).
    std::optional<Packet> example() const;

    // The union of each dimension over all boxes (an over-approximation, for reports).
    AddressSet sources() const;
    AddressSet destinations() const;
    ProtocolSet protocols() const;
    PortSet dports() const;

    friend FlowSpace operator|(const FlowSpace& a, const FlowSpace& b);
    friend FlowSpace operator&(const FlowSpace& a, const FlowSpace& b);
    friend FlowSpace operator-(const FlowSpace& a, const FlowSpace& b);
    FlowSpace& operator|=(const FlowSpace& o);
    FlowSpace& operator&=(const FlowSpace& o) { return *this = *this & o; }
    FlowSpace& operator-=(const FlowSpace& o);

  private:
    void add_disjoint(Box b);  // b must not intersect any box already held
    void coalesce();
    std::vector<Box> boxes_;
};

}  // namespace flowgap::analysis
