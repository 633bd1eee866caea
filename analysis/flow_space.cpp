#include "analysis/flow_space.hpp"

#include <fmt/format.h>

namespace flowgap::analysis {

namespace {

// Packets in `a` but not in `b`, as disjoint boxes: peel one dimension at a time.
void subtract_box(const Box& a, const Box& b, std::vector<Box>& out) {
    if (!a.intersects(b)) {
        out.push_back(a);
        return;
    }
    Box cur = a;
    auto peel = [&](auto member) {
        auto rest = cur.*member - b.*member;
        if (!rest.empty()) {
            Box piece = cur;
            piece.*member = std::move(rest);
            out.push_back(std::move(piece));
        }
        cur.*member = cur.*member & b.*member;
    };
    peel(&Box::proto);
    peel(&Box::dport);
    peel(&Box::src);
    peel(&Box::dst);
    peel(&Box::sport);
}

// The number of dimensions in which two boxes differ (0 to 5).
int differing(const Box& a, const Box& b, int& which) {
    int n = 0;
    if (!(a.src == b.src)) n++, which = 0;
    if (!(a.dst == b.dst)) n++, which = 1;
    if (!(a.proto == b.proto)) n++, which = 2;
    if (!(a.dport == b.dport)) n++, which = 3;
    if (!(a.sport == b.sport)) n++, which = 4;
    return n;
}

// The lowest address of a set, except that an IPv4 network address (x.x.x.0) gives way to the
// next one when the set holds it: "10.20.66.1" reads as a host, "10.20.66.0" as a network.
Address readable_host(const AddressSet& set) {
    Address a{set.intervals().min()};
    if (a.family() == Family::v4 && (a.v4_value() & 0xff) == 0 && set.contains(Address{a.value + 1})) {
        return Address{a.value + 1};
    }
    return a;
}

uint32_t pick_port(const PortSet& ports, uint32_t preferred) {
    return ports.contains(preferred) ? preferred : ports.intervals().min();
}

}  // namespace

std::string Packet::str() const {
    auto proto_name = protocol::name(proto);
    if (protocol::has_ports(proto)) {
        auto ep = [](const Address& a, uint32_t port) {
            return a.family() == Family::v6 ? fmt::format("[{}]:{}", a.str(), port)
                                            : fmt::format("{}:{}", a.str(), port);
        };
        return fmt::format("{} {} -> {}", proto_name, ep(src, sport), ep(dst, dport));
    }
    if (proto == protocol::icmp || proto == protocol::icmpv6) {
        return fmt::format("{} {} -> {} type {} code {}", proto_name, src.str(), dst.str(), dport / 256,
                           dport % 256);
    }
    return fmt::format("{} {} -> {}", proto_name, src.str(), dst.str());
}

bool Box::intersects(const Box& o) const {
    return proto.intersects(o.proto) && dport.intersects(o.dport) && src.intersects(o.src) &&
           dst.intersects(o.dst) && sport.intersects(o.sport);
}

Box Box::operator&(const Box& o) const {
    return Box{src & o.src, dst & o.dst, proto & o.proto, dport & o.dport, sport & o.sport};
}

bool Box::contains(const Packet& p) const {
    return src.contains(p.src) && dst.contains(p.dst) && proto.contains(p.proto) && dport.contains(p.dport) &&
           sport.contains(p.sport);
}

FlowSpace FlowSpace::all() {
    return of(AddressSet::all(), AddressSet::all(), ProtocolSet::all());
}

FlowSpace FlowSpace::of(const AddressSet& src, const AddressSet& dst, const ProtocolSet& proto,
                        const PortSet& dport, const PortSet& sport) {
    FlowSpace out;
    // Protocols without ports match every value of the port dimensions, so a port restriction
    // applies only to the port-carrying protocols. ICMP has no source port but keeps its type
    // and code in dport.
    ProtocolSet ported, icmp;
    for (uint32_t p : {protocol::tcp, protocol::udp, protocol::sctp, 136u}) {
        if (proto.contains(p)) ported = ported | ProtocolSet::single(p);
    }
    for (uint32_t p : {protocol::icmp, protocol::icmpv6}) {
        if (proto.contains(p)) icmp = icmp | ProtocolSet::single(p);
    }
    ProtocolSet portless = proto - ported - icmp;
    for (const auto& family : {AddressSet::all_v4(), AddressSet::all_v6()}) {
        AddressSet s = src & family, d = dst & family;
        if (s.empty() || d.empty()) continue;
        if (!ported.empty()) out.add_disjoint({s, d, ported, dport, sport});
        if (!icmp.empty()) out.add_disjoint({s, d, icmp, dport, PortSet::all()});
        if (!portless.empty()) out.add_disjoint({s, d, portless, PortSet::all(), PortSet::all()});
    }
    out.boxes_.erase(
        std::remove_if(out.boxes_.begin(), out.boxes_.end(), [](const Box& b) { return b.empty(); }),
        out.boxes_.end());
    return out;
}

FlowSpace FlowSpace::of(const Box& box) {
    return of(box.src, box.dst, box.proto, box.dport, box.sport);
}

FlowSpace FlowSpace::from_disjoint(std::vector<Box> boxes) {
    // The caller's vector becomes the set's: one allocation per parsed rule, not two.
    std::erase_if(boxes, [](const Box& b) { return b.empty(); });
    FlowSpace out;
    out.boxes_ = std::move(boxes);
    return out;
}

void FlowSpace::add_disjoint(Box b) {
    if (!b.empty()) boxes_.push_back(std::move(b));
}

bool FlowSpace::contains(const Packet& p) const {
    for (const auto& b : boxes_) {
        if (b.contains(p)) return true;
    }
    return false;
}

bool FlowSpace::intersects(const FlowSpace& o) const {
    for (const auto& a : boxes_) {
        for (const auto& b : o.boxes_) {
            if (a.intersects(b)) return true;
        }
    }
    return false;
}

Box FlowSpace::bounds() const {
    if (boxes_.empty()) return {};
    auto hull = [&](auto member) {
        auto lo = ((boxes_.front().*member).intervals()).min(), hi = lo;
        for (const auto& b : boxes_) {
            lo = std::min(lo, (b.*member).intervals().min());
            hi = std::max(hi, (b.*member).intervals().max());
        }
        using Set = std::decay_t<decltype(boxes_.front().*member)>;
        return Set(typename Set::Set(lo, hi));
    };
    return Box{hull(&Box::src), hull(&Box::dst), hull(&Box::proto), hull(&Box::dport), hull(&Box::sport)};
}

bool FlowSpace::intersects(const FlowSpace& o, const Box& own_bounds) const {
    if (boxes_.size() <= 2) return intersects(o);  // the bounds would be checked as often as the boxes
    for (const auto& b : o.boxes_) {
        if (!b.intersects(own_bounds)) continue;
        for (const auto& a : boxes_) {
            if (a.intersects(b)) return true;
        }
    }
    return false;
}

bool FlowSpace::same_as(const FlowSpace& o) const {
    return (*this - o).empty() && (o - *this).empty();
}

std::optional<Packet> FlowSpace::example() const {
    if (boxes_.empty()) return std::nullopt;
    const Box& b = boxes_.front();
    Packet p;
    p.src = readable_host(b.src);
    p.dst = readable_host(b.dst);
    if (p.dst == p.src && b.dst.size() > 1) p.dst = readable_host(b.dst - AddressSet::host(p.src));
    p.proto = b.proto.intervals().contains(protocol::tcp) ? protocol::tcp : b.proto.intervals().min();
    // Every dimension comes from the box, so the example is always a member: ICMP boxes carry
    // the sport restriction of the rule they came from (see `of`), even though ICMP has no
    // source port; portless protocols have the full port ranges and get 0.
    p.dport = b.dport.intervals().min();
    p.sport = protocol::has_ports(p.proto) ? pick_port(b.sport, 49152) : b.sport.intervals().min();
    return p;
}

AddressSet FlowSpace::sources() const {
    AddressSet s;
    for (const auto& b : boxes_)
        s |= b.src;
    return s;
}

AddressSet FlowSpace::destinations() const {
    AddressSet s;
    for (const auto& b : boxes_)
        s |= b.dst;
    return s;
}

ProtocolSet FlowSpace::protocols() const {
    ProtocolSet s;
    for (const auto& b : boxes_)
        s = s | b.proto;
    return s;
}

PortSet FlowSpace::dports() const {
    PortSet s;
    for (const auto& b : boxes_)
        s = s | b.dport;
    return s;
}

FlowSpace operator&(const FlowSpace& a, const FlowSpace& b) {
    FlowSpace out;
    for (const auto& x : a.boxes_) {
        for (const auto& y : b.boxes_) {
            if (x.intersects(y)) out.boxes_.push_back(x & y);
        }
    }
    out.coalesce();
    return out;
}

FlowSpace operator-(const FlowSpace& a, const FlowSpace& b) {
    FlowSpace out = a;
    out -= b;
    return out;
}

FlowSpace& FlowSpace::operator-=(const FlowSpace& o) {
    if (!intersects(o)) return *this;
    std::vector<Box> pieces = std::move(boxes_);
    std::vector<Box> next;
    for (const auto& b : o.boxes_) {
        next.clear();
        for (const auto& p : pieces)
            subtract_box(p, b, next);
        std::swap(pieces, next);
    }
    boxes_ = std::move(pieces);
    coalesce();
    return *this;
}

FlowSpace operator|(const FlowSpace& a, const FlowSpace& b) {
    FlowSpace out = a;
    out |= b;
    return out;
}

FlowSpace& FlowSpace::operator|=(const FlowSpace& o) {
    FlowSpace extra = o - *this;
    for (auto& b : extra.boxes_)
        boxes_.push_back(std::move(b));
    coalesce();
    return *this;
}

// Merges boxes that differ in one dimension only. Disjoint boxes that differ in one dimension
// are disjoint there, so the merged box holds exactly the packets of both. Quadratic, so only
// for the small sets that flows and evaluation remainders are.
void FlowSpace::coalesce() {
    if (boxes_.size() < 2 || boxes_.size() > 64) return;
    bool merged = true;
    while (merged) {
        merged = false;
        for (size_t i = 0; i < boxes_.size() && !merged; ++i) {
            for (size_t j = i + 1; j < boxes_.size() && !merged; ++j) {
                int which = -1;
                if (differing(boxes_[i], boxes_[j], which) != 1) continue;
                Box& a = boxes_[i];
                const Box& b = boxes_[j];
                switch (which) {
                    case 0: a.src |= b.src; break;
                    case 1: a.dst |= b.dst; break;
                    case 2: a.proto = a.proto | b.proto; break;
                    case 3: a.dport = a.dport | b.dport; break;
                    default: a.sport = a.sport | b.sport; break;
                }
                boxes_.erase(boxes_.begin() + static_cast<long>(j));
                merged = true;
            }
        }
    }
}

}  // namespace flowgap::analysis
