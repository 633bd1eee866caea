// PortSet parsing and printing, protocol names, ProtocolSet printing.
#include <string>

#include <catch2/catch.hpp>

#include "analysis/ports.hpp"

using flowgap::analysis::PortSet;
using flowgap::analysis::ProtocolSet;
namespace protocol = flowgap::analysis::protocol;

namespace {

PortSet ports(const char* text) {
    INFO(text);
    auto p = PortSet::parse(text);
    REQUIRE(p);
    return *p;
}

}  // namespace

TEST_CASE("port sets parse every accepted form", "[model]") {
    REQUIRE(ports("443") == PortSet::single(443));
    REQUIRE(ports("0") == PortSet::single(0));
    REQUIRE(ports("65535") == PortSet::single(65535));
    REQUIRE(ports("80,443") == (PortSet::single(80) | PortSet::single(443)));
    REQUIRE(ports("80, 443") == ports("443,80"));
    REQUIRE(ports("8000-8080") == PortSet::range(8000, 8080));
    REQUIRE(ports("1024:65535") == PortSet::range(1024, 65535));
    REQUIRE(ports(":1023") == PortSet::range(0, 1023));
    REQUIRE(ports("80:") == PortSet::range(80, 65535));
    REQUIRE(ports("0:65535") == PortSet::all());
    REQUIRE(ports("any") == PortSet::all());
    REQUIRE(ports("1-5,3-10,11") == PortSet::range(1, 11));
    REQUIRE(ports("17472,17486").contains(17486));
    REQUIRE_FALSE(ports("17472,17486").contains(17473));
}

TEST_CASE("port sets print compactly", "[model]") {
    REQUIRE(ports("443").str() == "443");
    REQUIRE(ports("443,80").str() == "80,443");
    REQUIRE(ports("8000-8080").str() == "8000-8080");
    REQUIRE(ports("1024:65535").str() == "1024-65535");
    REQUIRE(ports("80,81,82,90").str() == "80-82,90");
    REQUIRE(PortSet::all().str() == "any");
    REQUIRE(PortSet::none().str() == "none");
    REQUIRE((PortSet::all() - PortSet::single(0)).str() == "1-65535");
    REQUIRE(PortSet::all().is_all());
    REQUIRE_FALSE(ports("1-65535").is_all());
    // Printing and parsing round-trip.
    for (const char* text : {"443", "80,443", "8000-8080", "1024-65535", "0,2-4,65535", "any"}) {
        INFO(text);
        REQUIRE(ports(text).str() == text);
        REQUIRE(ports(ports(text).str().c_str()) == ports(text));
    }
}

TEST_CASE("invalid port sets are refused", "[model]") {
    for (const char* bad : {"70000", "65536", "5-3", "x", "", "80,", ",80", "80,,443", "-1", "80-", "-",
                            "1-2-3", "80x", "0x50", "8000-80800", "http"}) {
        INFO("'" << bad << "'");
        REQUIRE_FALSE(PortSet::parse(bad));
    }
}

TEST_CASE("ICMP types and codes live in the destination port dimension", "[model]") {
    REQUIRE(PortSet::icmp_type(8) == PortSet::range(2048, 2303));
    REQUIRE(PortSet::icmp_type_code(3, 4) == PortSet::single(3 * 256 + 4));
    REQUIRE(PortSet::icmp_type(255) == PortSet::range(65280, 65535));
    REQUIRE(PortSet::range(65000, 70000) == PortSet::range(65000, 65535));
}

TEST_CASE("protocol names and numbers", "[model]") {
    REQUIRE(protocol::parse("tcp") == protocol::tcp);
    REQUIRE(protocol::parse("TCP") == protocol::tcp);
    REQUIRE(protocol::parse("Udp") == protocol::udp);
    REQUIRE(protocol::parse("icmp") == protocol::icmp);
    REQUIRE(protocol::parse("ipv6-icmp") == protocol::icmpv6);
    REQUIRE(protocol::parse("icmpv6") == protocol::icmpv6);
    REQUIRE(protocol::parse("esp") == protocol::esp);
    REQUIRE(protocol::parse("6") == protocol::tcp);
    REQUIRE(protocol::parse("0") == 0u);
    REQUIRE(protocol::parse("255") == 255u);
    REQUIRE_FALSE(protocol::parse("256"));
    REQUIRE_FALSE(protocol::parse("tcpx"));
    REQUIRE_FALSE(protocol::parse(""));
    REQUIRE(protocol::name(protocol::tcp) == "tcp");
    REQUIRE(protocol::name(protocol::icmpv6) == "ipv6-icmp");
    REQUIRE(protocol::name(200) == "200");
    for (uint32_t p = 0; p < 256; ++p)
        REQUIRE(protocol::parse(protocol::name(p)) == p);
    REQUIRE(protocol::has_ports(protocol::tcp));
    REQUIRE(protocol::has_ports(protocol::udp));
    REQUIRE(protocol::has_ports(protocol::sctp));
    REQUIRE_FALSE(protocol::has_ports(protocol::icmp));
    REQUIRE_FALSE(protocol::has_ports(protocol::esp));
}

TEST_CASE("protocol sets print by name", "[model]") {
    REQUIRE(ProtocolSet::all().str() == "any");
    REQUIRE(ProtocolSet::none().str() == "none");
    REQUIRE(ProtocolSet::single(protocol::tcp).str() == "tcp");
    REQUIRE((ProtocolSet::single(protocol::udp) | ProtocolSet::single(protocol::tcp)).str() == "tcp,udp");
    REQUIRE((ProtocolSet::single(protocol::esp) | ProtocolSet::single(51)).str() == "esp,ah");
    REQUIRE((ProtocolSet::all() - ProtocolSet::single(protocol::tcp)).contains(protocol::udp));
    REQUIRE_FALSE((ProtocolSet::all() - ProtocolSet::single(protocol::tcp)).contains(protocol::tcp));
}
