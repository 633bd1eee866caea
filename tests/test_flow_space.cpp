// FlowSpace against a brute-force model over a small packet universe (see tests/support/universe.hpp),
// plus hand-written cases for the full address and port ranges and for Packet::str.
#include <catch2/catch.hpp>

#include "tests/support/universe.hpp"

using namespace flowgap::testing::universe;
namespace protocol = flowgap::analysis::protocol;

namespace {

Address ip(const char* text) {
    return *Address::parse(text);
}
AddressSet net(const char* text) {
    return *AddressSet::parse_list(text);
}

// Everything a FlowSpace promises about itself, against its model.
void check(const FlowSpace& f, const Bits& model, std::mt19937& rng, bool every_packet) {
    REQUIRE(difference(bits_of(f), model) == "");
    REQUIRE(f.empty() == model.none());
    // contains(Packet), on every packet or on a random sample.
    std::uniform_int_distribution<size_t> any(0, kPackets - 1);
    for (size_t k = 0; k < (every_packet ? kPackets : 200); ++k) {
        size_t i = every_packet ? k : any(rng);
        if (f.contains(packet(i)) != model.test(i)) FAIL("contains disagrees on " << packet(i).str());
    }
    auto ex = f.example();
    REQUIRE(ex.has_value() == !f.empty());
    if (ex) {
        INFO(ex->str());
        REQUIRE(f.contains(*ex));
        auto i = index_of(*ex);
        REQUIRE(i);
        REQUIRE(model.test(*i));
        FlowSpace copy = f;
        REQUIRE(copy.example()->str() == ex->str());
        REQUIRE(f.example()->str() == ex->str());
    }
    // The per-dimension unions are the model's projections.
    uint32_t srcs = 0, dsts = 0;
    constexpr size_t kPerPair = kProtos * kDports * kSports;
    for (size_t i = 0; i < kPackets; ++i) {
        if (!model.test(i)) continue;
        srcs |= 1u << (i / kPerPair / kAddrs);
        dsts |= 1u << (i / kPerPair % kAddrs);
    }
    for (size_t a = 0; a < kAddrs; ++a) {
        REQUIRE(f.sources().contains(addresses()[a]) == (srcs >> a & 1u));
        REQUIRE(f.destinations().contains(addresses()[a]) == (dsts >> a & 1u));
    }
}

}  // namespace

TEST_CASE("flow space operations match brute force on a small universe", "[model]") {
    std::mt19937 rng(11);
    for (int c = 0; c < 300; ++c) {
        INFO("case " << c);
        auto [a, am] = random_space(rng);
        auto [b, bm] = random_space(rng);
        bool every = c < 10;
        check(a, am, rng, every);
        check(b, bm, rng, every);
        check(a | b, am | bm, rng, every);
        check(a & b, am & bm, rng, every);
        check(a - b, am & ~bm, rng, every);
        check(b - a, bm & ~am, rng, every);
        FlowSpace x = a;
        x |= b;
        check(x, am | bm, rng, false);
        x = a;
        x &= b;
        check(x, am & bm, rng, false);
        x = a;
        x -= b;
        check(x, am & ~bm, rng, false);
        REQUIRE(a.intersects(b) == (am & bm).any());
        REQUIRE(b.intersects(a) == (am & bm).any());
        // The bounds hold every packet, and the bounded test answers as the plain one, also for
        // sets of several boxes (a union, a difference), where it skips boxes.
        auto [c2, cm] = random_space(rng);
        for (const auto& [s, sm] :
             {std::pair{a, am}, {a | c2, am | cm}, {a - c2, am & ~cm}, {(a - b) | c2, (am & ~bm) | cm}}) {
            REQUIRE((s - FlowSpace::of(s.bounds())).empty());
            REQUIRE(s.bounds().empty() == s.empty());
            REQUIRE(s.intersects(b, s.bounds()) == (sm & bm).any());
        }
        REQUIRE(a.same_as(b) == (am == bm));
        REQUIRE(a.same_as(a));
        // The same set built in different ways is the same set.
        REQUIRE((a | b).same_as(b | a));
        REQUIRE(((a - b) | (a & b)).same_as(a));
        REQUIRE(((a - b) | (b - a) | (a & b)).same_as(a | b));
        REQUIRE((a - (a - b)).same_as(a & b));
    }
}

TEST_CASE("flow spaces built from single boxes match their definition exactly", "[model]") {
    std::mt19937 rng(12);
    for (int c = 0; c < 300; ++c) {
        INFO("case " << c);
        Spec s = random_spec(rng);
        FlowSpace f = s.space();
        check(f, s.bits(), rng, c < 20);
        // The Box overload is the same constructor.
        FlowSpace g = FlowSpace::of(Box{s.src_set(), s.dst_set(), s.proto_set(),
                                        Spec::ports_of(s.dport, kDports), Spec::ports_of(s.sport, kSports)});
        REQUIRE(g.same_as(f));
    }
}

TEST_CASE("the whole flow space", "[model]") {
    FlowSpace all = FlowSpace::all();
    REQUIRE(all.contains({ip("10.0.0.1"), ip("8.8.8.8"), protocol::tcp, 443, 50000}));
    REQUIRE(all.contains({ip("2001:db8::1"), ip("::1"), 200, 0, 0}));
    REQUIRE(all.contains({ip("0.0.0.0"), ip("255.255.255.255"), protocol::udp, 65535, 65535}));
    // No packet goes from one family to the other.
    REQUIRE_FALSE(all.contains({ip("10.0.0.1"), ip("2001:db8::1"), protocol::tcp, 443, 50000}));
    REQUIRE_FALSE(all.contains({ip("2001:db8::1"), ip("10.0.0.1"), protocol::esp, 0, 0}));
    REQUIRE(all.sources() == AddressSet::all());
    REQUIRE(all.protocols() == ProtocolSet::all());
    REQUIRE(all.dports() == PortSet::all());
    REQUIRE((all - all).empty());
    REQUIRE((all & all).same_as(all));
    REQUIRE(FlowSpace::none().empty());
    REQUIRE_FALSE(FlowSpace::none().example());

    // Removing one port leaves the other ports and every portless protocol's packets.
    FlowSpace web = FlowSpace::of(AddressSet::all(), AddressSet::all(), ProtocolSet::single(protocol::tcp),
                                  PortSet::single(443));
    FlowSpace rest = all - web;
    REQUIRE_FALSE(rest.contains({ip("10.0.0.1"), ip("10.0.0.2"), protocol::tcp, 443, 50000}));
    REQUIRE(rest.contains({ip("10.0.0.1"), ip("10.0.0.2"), protocol::tcp, 444, 50000}));
    REQUIRE(rest.contains({ip("10.0.0.1"), ip("10.0.0.2"), protocol::udp, 443, 50000}));
    REQUIRE(rest.contains({ip("10.0.0.1"), ip("10.0.0.2"), protocol::esp, 443, 50000}));
    REQUIRE((rest | web).same_as(all));
    REQUIRE_FALSE(rest.same_as(all));
    for (const auto& b : rest.boxes()) {
        // Portless protocols keep the full port range in every box.
        if (b.proto.contains(protocol::esp)) REQUIRE((b.dport.is_all() && b.sport.is_all()));
    }
}

TEST_CASE("ports are dropped for protocols without ports", "[model]") {
    ProtocolSet tcp_esp = ProtocolSet::single(protocol::tcp) | ProtocolSet::single(protocol::esp);
    FlowSpace f = FlowSpace::of(net("10.0.0.0/8"), net("10.0.0.0/8"), tcp_esp, PortSet::single(80));
    REQUIRE(f.contains({ip("10.0.0.1"), ip("10.0.0.2"), protocol::tcp, 80, 1234}));
    REQUIRE_FALSE(f.contains({ip("10.0.0.1"), ip("10.0.0.2"), protocol::tcp, 81, 1234}));
    REQUIRE(f.contains({ip("10.0.0.1"), ip("10.0.0.2"), protocol::esp, 0, 0}));
    // An empty port set leaves only the portless protocols.
    FlowSpace g = FlowSpace::of(net("10.0.0.0/8"), net("10.0.0.0/8"), tcp_esp, PortSet::none());
    REQUIRE(g.protocols() == ProtocolSet::single(protocol::esp));
    // Mixed families pair up; nothing from one family to the other.
    FlowSpace h = FlowSpace::of(net("10.0.0.1,2001:db8::1"), net("10.0.0.2,2001:db8::2"),
                                ProtocolSet::single(protocol::tcp), PortSet::single(443));
    REQUIRE(h.contains({ip("2001:db8::1"), ip("2001:db8::2"), protocol::tcp, 443, 1}));
    REQUIRE_FALSE(h.contains({ip("10.0.0.1"), ip("2001:db8::2"), protocol::tcp, 443, 1}));
    REQUIRE(FlowSpace::of(net("10.0.0.1"), net("2001:db8::2"), ProtocolSet::all()).empty());
}

TEST_CASE("example packets prefer distinct hosts, tcp and an ephemeral source port", "[model]") {
    auto tcp = ProtocolSet::single(protocol::tcp);
    auto ex = FlowSpace::of(net("10.0.0.1-10.0.0.9"), net("10.0.0.1-10.0.0.9"), tcp, PortSet::single(443))
                  .example();
    REQUIRE(ex->str() == "tcp 10.0.0.1:49152 -> 10.0.0.2:443");
    ex = FlowSpace::of(net("10.0.0.1,10.0.0.5"), net("10.0.0.1,10.0.0.5"), tcp, PortSet::single(443))
             .example();
    REQUIRE(ex->str() == "tcp 10.0.0.1:49152 -> 10.0.0.5:443");
    ex = FlowSpace::of(net("10.0.0.1"), net("10.0.0.1"), tcp, PortSet::single(22)).example();
    REQUIRE(ex->str() == "tcp 10.0.0.1:49152 -> 10.0.0.1:22");
    ex = FlowSpace::of(net("10.0.0.1"), net("10.0.0.2"), tcp, PortSet::single(22), PortSet::range(1, 1023))
             .example();
    REQUIRE(ex->str() == "tcp 10.0.0.1:1 -> 10.0.0.2:22");
    ex = FlowSpace::of(net("10.0.0.1"), net("10.0.0.2"), ProtocolSet::all()).example();
    REQUIRE(ex->proto == protocol::tcp);
    ex = FlowSpace::of(net("10.0.0.1"), net("10.0.0.2"), ProtocolSet::single(protocol::icmp),
                       PortSet::icmp_type(8))
             .example();
    REQUIRE(ex->str() == "icmp 10.0.0.1 -> 10.0.0.2 type 8 code 0");
    ex = FlowSpace::of(net("10.0.0.1"), net("10.0.0.2"), ProtocolSet::single(protocol::esp),
                       PortSet::single(80))
             .example();
    REQUIRE(ex->str() == "esp 10.0.0.1 -> 10.0.0.2");
}

TEST_CASE("packets print per protocol and family", "[model]") {
    REQUIRE(Packet{ip("10.20.5.37"), ip("10.10.1.10"), protocol::tcp, 17472, 49152}.str() ==
            "tcp 10.20.5.37:49152 -> 10.10.1.10:17472");
    REQUIRE(Packet{ip("10.0.0.1"), ip("10.0.0.2"), protocol::udp, 53, 5353}.str() ==
            "udp 10.0.0.1:5353 -> 10.0.0.2:53");
    REQUIRE(Packet{ip("2001:db8::1"), ip("2001:db8::2"), protocol::tcp, 443, 49152}.str() ==
            "tcp [2001:db8::1]:49152 -> [2001:db8::2]:443");
    REQUIRE(Packet{ip("10.0.0.1"), ip("10.0.0.2"), protocol::icmp, 8 * 256, 0}.str() ==
            "icmp 10.0.0.1 -> 10.0.0.2 type 8 code 0");
    REQUIRE(Packet{ip("10.0.0.1"), ip("10.0.0.2"), protocol::icmp, 3 * 256 + 4, 0}.str() ==
            "icmp 10.0.0.1 -> 10.0.0.2 type 3 code 4");
    REQUIRE(Packet{ip("fe80::1"), ip("ff02::1"), protocol::icmpv6, 135 * 256, 0}.str() ==
            "ipv6-icmp fe80::1 -> ff02::1 type 135 code 0");
    REQUIRE(Packet{ip("10.0.0.1"), ip("10.0.0.2"), protocol::esp, 0, 0}.str() == "esp 10.0.0.1 -> 10.0.0.2");
    REQUIRE(Packet{ip("10.0.0.1"), ip("10.0.0.2"), 200, 0, 0}.str() == "200 10.0.0.1 -> 10.0.0.2");
}
