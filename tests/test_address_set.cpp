// AddressSet: parsing every accepted form, printing minimal CIDRs, and keeping the IPv4 and IPv6
// families apart in the shared 128-bit space.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "analysis/address.hpp"

using flowgap::analysis::Address;
using flowgap::analysis::AddressSet;
using flowgap::analysis::Family;
using Strings = std::vector<std::string>;

namespace {

Address ip(const char* text) {
    auto a = Address::parse(text);
    REQUIRE(a);
    return *a;
}

AddressSet set(const char* text) {
    INFO(text);
    auto s = AddressSet::parse_list(text);
    REQUIRE(s);
    return *s;
}

Strings cidrs(const char* text) {
    return set(text).cidrs();
}

}  // namespace

TEST_CASE("addresses parse and print in both families", "[model]") {
    REQUIRE(ip("10.1.2.3").family() == Family::v4);
    REQUIRE(ip("10.1.2.3").v4_value() == 0x0a010203u);
    REQUIRE(ip("10.1.2.3") == Address::v4(0x0a010203u));
    REQUIRE(ip("10.1.2.3").str() == "10.1.2.3");
    REQUIRE(ip("2001:db8::1").family() == Family::v6);
    REQUIRE(ip("2001:DB8:0:0::1").str() == "2001:db8::1");
    REQUIRE(ip("::").str() == "::");
    // The IPv4-mapped spelling is the IPv4 address itself.
    REQUIRE(ip("::ffff:10.1.2.3") == ip("10.1.2.3"));
    REQUIRE(ip("::fffe:ffff:ffff").family() == Family::v6);
    REQUIRE(ip("::1:0:0:0").family() == Family::v6);
    REQUIRE(ip("0.0.0.0") < ip("255.255.255.255"));
    for (const char* bad : {"10.0.0.256", "10.0.0", "", "1.2.3.4.5", "2001:db8:::1", "x", "10.0.0.1 "}) {
        INFO(bad);
        REQUIRE_FALSE(Address::parse(bad));
    }
}

TEST_CASE("CIDRs mask host bits and print minimally", "[model]") {
    REQUIRE(cidrs("10.1.1.7/24") == Strings{"10.1.1.0/24"});
    REQUIRE(set("10.1.1.7/24") == set("10.1.1.0-10.1.1.255"));
    REQUIRE(cidrs("10.1.1.7/32") == Strings{"10.1.1.7"});
    REQUIRE(cidrs("10.1.1.7") == Strings{"10.1.1.7"});
    REQUIRE(cidrs("10.1.1.7/31") == Strings{"10.1.1.6/31"});
    REQUIRE(cidrs("10.0.0.0/8") == Strings{"10.0.0.0/8"});
    REQUIRE(set("10.0.0.0/8").size() == 16777216u);
    REQUIRE(set("10.1.1.7/24").size() == 256u);
    REQUIRE(cidrs(" 192.168.0.0/16 ") == Strings{"192.168.0.0/16"});
    REQUIRE(cidrs("0.0.0.0/0") == Strings{"0.0.0.0/0"});
    REQUIRE(set("0.0.0.0/0") == AddressSet::all_v4());
    REQUIRE(set("0.0.0.0/0").str() == "0.0.0.0/0");
    REQUIRE(set("0.0.0.0/0").size() == (uint64_t{1} << 32));
    REQUIRE(cidrs("0.0.0.0/1") == Strings{"0.0.0.0/1"});
    REQUIRE(cidrs("128.0.0.0/1") == Strings{"128.0.0.0/1"});
    REQUIRE(cidrs("255.255.255.255") == Strings{"255.255.255.255"});
}

TEST_CASE("dotted masks, contiguous and not", "[model]") {
    REQUIRE(set("10.0.0.0/255.255.255.0") == set("10.0.0.0/24"));
    REQUIRE(set("10.0.0.9/255.255.255.0") == set("10.0.0.0/24"));
    REQUIRE(set("10.0.0.0/255.255.255.255") == set("10.0.0.0"));
    REQUIRE(set("10.0.0.0/0.0.0.0") == AddressSet::all_v4());

    // 255.0.255.0: every 10.x.0.y. Checked against the definition over 10.0.0.0/8's low 16+8 bits.
    AddressSet odd = set("10.0.0.0/255.0.255.0");
    REQUIRE(odd.size() == 65536u);
    REQUIRE(odd.intervals().intervals().size() == 256u);
    for (uint32_t x = 0; x < 256; ++x) {
        for (uint32_t y = 0; y < 256; ++y) {
            for (uint32_t z : {0u, 1u, 128u, 255u}) {
                uint32_t a = 10u << 24 | x << 16 | y << 8 | z;
                REQUIRE(odd.contains(Address::v4(a)) == (y == 0));
            }
        }
    }
    REQUIRE_FALSE(odd.contains(ip("11.0.0.0")));
    // Free bits at the bottom only (a contiguous mask in disguise) and in the middle only.
    REQUIRE(set("10.0.0.0/255.255.0.255").cidrs().size() == 256u);
    REQUIRE(set("10.0.0.0/255.255.0.255").contains(ip("10.0.77.0")));
    REQUIRE_FALSE(set("10.0.0.0/255.255.0.255").contains(ip("10.0.77.1")));
    // More pieces than the mask budget allows is refused rather than guessed.
    REQUIRE_FALSE(AddressSet::parse("10.0.0.0/0.0.0.255"));
}

TEST_CASE("non-contiguous masks expand within a budget per address and per file", "[model]") {
    using flowgap::analysis::MaskBudget;
    // 255.0.240.255 leaves 12 free bits above the lowest one bit: 4,096 single addresses, the limit.
    auto at_limit = AddressSet::parse("10.0.0.1/255.0.240.255");
    REQUIRE(at_limit);
    REQUIRE(at_limit->intervals().intervals().size() == MaskBudget::kPerAddress);
    // One more free bit, and the 65,536 of 0.255.0.255, are refused.
    REQUIRE_FALSE(AddressSet::parse("10.0.0.1/255.0.224.255"));
    REQUIRE_FALSE(AddressSet::parse("10.0.0.1/0.255.0.255"));

    // A file's budget: sixteen masks at the limit fill it; the next mask is refused. A mask that
    // matches one interval (contiguous, written dotted as netsh does) is not charged.
    MaskBudget file;
    for (int i = 0; i < 16; ++i)
        REQUIRE(AddressSet::parse("10.0.0.1/255.0.240.255", &file));
    REQUIRE_FALSE(AddressSet::parse_list("10.0.0.1/255.0.255.254", &file));               // 256 intervals
    REQUIRE(AddressSet::parse("10.0.0.1/255.255.255.254", &file) == set("10.0.0.0/31"));  // one
    REQUIRE(AddressSet::parse("10.0.0.0/255.255.255.0", &file) == set("10.0.0.0/24"));
    REQUIRE(AddressSet::parse_list("10.0.0.1,10.1.0.0/16", &file));
    REQUIRE(AddressSet::parse("10.0.0.1/0.255.0.255") == std::nullopt);  // unrelated to `file`
}

TEST_CASE("a refused mask's covering prefix holds every address it matches", "[model]") {
    REQUIRE(AddressSet::mask_cover("10.1.2.3/255.0.255.0") == set("10.0.0.0/8"));
    REQUIRE(AddressSet::mask_cover("10.1.2.3/0.255.0.255") == AddressSet::all_v4());
    REQUIRE(AddressSet::mask_cover("10.1.2.3/255.255.0.255") == set("10.1.0.0/16"));
    REQUIRE(AddressSet::mask_cover("10.1.2.3/255.255.255.255") == set("10.1.2.3"));
    REQUIRE(AddressSet::mask_cover(" 10.1.2.3/255.255.255.0 ") == set("10.1.2.0/24"));
    REQUIRE_FALSE(AddressSet::mask_cover("10.0.0.0/8"));
    REQUIRE_FALSE(AddressSet::mask_cover("10.0.0.1"));
    REQUIRE_FALSE(AddressSet::mask_cover("2001:db8::/255.255.0.0"));
    // Checked against the exact expansion where there is one.
    for (const char* item :
         {"10.7.0.9/255.0.255.255", "192.168.3.4/255.255.0.15", "172.16.9.1/240.255.0.255"}) {
        INFO(item);
        auto exact = AddressSet::parse(item);
        REQUIRE(exact);
        REQUIRE(AddressSet::mask_cover(item)->contains(*exact));
    }
}

TEST_CASE("ranges print as minimal CIDRs", "[model]") {
    REQUIRE(cidrs("10.0.0.5-10.0.0.20") ==
            Strings{"10.0.0.5", "10.0.0.6/31", "10.0.0.8/29", "10.0.0.16/30", "10.0.0.20"});
    REQUIRE(set("10.0.0.5-10.0.0.20").size() == 16u);
    REQUIRE(cidrs("10.0.0.5 - 10.0.0.5") == Strings{"10.0.0.5"});
    REQUIRE(cidrs("10.0.0.0-10.0.0.255") == Strings{"10.0.0.0/24"});
    REQUIRE(cidrs("0.0.0.0-255.255.255.255") == Strings{"0.0.0.0/0"});
    REQUIRE(cidrs("0.0.0.1-255.255.255.254").size() == 62u);
    REQUIRE(cidrs("2001:db8::1-2001:db8::4") == Strings{"2001:db8::1", "2001:db8::2/127", "2001:db8::4"});
    REQUIRE(cidrs("2001:db8::-2001:db8::ffff") == Strings{"2001:db8::/112"});
    // An IPv6 range across the IPv4-mapped block holds no IPv4 address.
    AddressSet across = set("::fffe:ffff:ffff-::1:0:0:0");
    REQUIRE(across.size() == 2u);
    REQUIRE(across.cidrs() == Strings{"::fffe:ffff:ffff", "::1:0:0:0"});
    REQUIRE_FALSE(across.intersects(AddressSet::all_v4()));
}

TEST_CASE("IPv6 CIDRs", "[model]") {
    REQUIRE(cidrs("2001:db8::/32") == Strings{"2001:db8::/32"});
    REQUIRE(cidrs("2001:db8::1/64") == Strings{"2001:db8::/64"});
    REQUIRE(cidrs("2001:db8::1/128") == Strings{"2001:db8::1"});
    REQUIRE(cidrs("2001:db8::1") == Strings{"2001:db8::1"});
    REQUIRE(cidrs("fe80::/10") == Strings{"fe80::/10"});
    REQUIRE(cidrs("::1") == Strings{"::1"});
    REQUIRE(cidrs("::/0") == Strings{"::/0"});
    REQUIRE(set("::/0") == AddressSet::all_v6());
    REQUIRE(set("::/0").str() == "::/0");
    REQUIRE(cidrs("8000::/1") == Strings{"8000::/1"});
}

TEST_CASE("an IPv6 CIDR covering ::ffff:0:0/96 holds no IPv4 address", "[model]") {
    for (const char* text : {"::/0", "::/1", "::/64", "::/80", "::-::1:0:0:0"}) {
        INFO(text);
        AddressSet s = set(text);
        REQUIRE_FALSE(s.intersects(AddressSet::all_v4()));
        REQUIRE(s.v4_part().empty());
        REQUIRE(s == s.v6_part());
        for (const char* v4 : {"0.0.0.0", "10.0.0.1", "255.255.255.255"})
            REQUIRE_FALSE(s.contains(ip(v4)));
    }
    REQUIRE(set("::/64").contains(ip("::fffe:ffff:ffff")));
    REQUIRE(set("::/64").contains(ip("::1:0:0:0")));
    REQUIRE(set("::/64").size() == 0xffffffff00000000u);  // 2^64 minus the 2^32 IPv4 addresses
}

TEST_CASE("any, all and the family parts", "[model]") {
    REQUIRE(set("any") == AddressSet::all());
    REQUIRE(set("any").str() == "any");
    REQUIRE(set("*") == AddressSet::all());
    REQUIRE(set("0.0.0.0/0,::/0") == AddressSet::all());
    REQUIRE(set("0.0.0.0/0,::/0").str() == "any");
    REQUIRE(set("any").cidrs() == Strings{"0.0.0.0/0", "::/0"});
    REQUIRE((AddressSet::all_v4() | AddressSet::all_v6()) == AddressSet::all());
    REQUIRE_FALSE(AddressSet::all_v4().intersects(AddressSet::all_v6()));
    REQUIRE(AddressSet::all().v4_part() == AddressSet::all_v4());
    REQUIRE(AddressSet::all().v6_part() == AddressSet::all_v6());
    REQUIRE(AddressSet::none().str() == "none");
    REQUIRE(AddressSet::none().cidrs().empty());
    REQUIRE(AddressSet::all().size() == ~uint64_t{0});
    REQUIRE(AddressSet::range(ip("10.0.0.1"), ip("2001:db8::1")).empty());
}

TEST_CASE("lists and printing order", "[model]") {
    REQUIRE(cidrs("10.0.0.1, 10.0.0.2,10.0.0.3") == Strings{"10.0.0.1", "10.0.0.2/31"});
    REQUIRE(set("10.0.0.1, 10.0.0.2,10.0.0.3").str() == "10.0.0.1, 10.0.0.2/31");
    REQUIRE(cidrs("10.0.0.0/25,10.0.0.128/25") == Strings{"10.0.0.0/24"});
    REQUIRE(cidrs("10.0.0.0/24,10.0.0.7") == Strings{"10.0.0.0/24"});
    // IPv4 blocks print first, whatever their place in the 128-bit space.
    REQUIRE(cidrs("2001:db8::1,10.0.0.1") == Strings{"10.0.0.1", "2001:db8::1"});
    REQUIRE(cidrs("::1,10.0.0.1") == Strings{"10.0.0.1", "::1"});
    REQUIRE(cidrs("::1,0.0.0.0/0") == Strings{"0.0.0.0/0", "::1"});
    REQUIRE(cidrs("::/0,10.0.0.1") == Strings{"10.0.0.1", "::/0"});
    REQUIRE(set("10.0.0.1,2001:db8::/127").str() == "10.0.0.1, 2001:db8::/127");
    REQUIRE_FALSE(AddressSet::parse_list("10.0.0.1,10.0.0.256"));
    REQUIRE_FALSE(AddressSet::parse_list("10.0.0.1,,10.0.0.2"));
    REQUIRE_FALSE(AddressSet::parse_list(""));
}

TEST_CASE("invalid addresses are refused", "[model]") {
    for (const char* bad : {"10.0.0.256", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/24/1", "a-b",
                            "", "   ", "10.0.0.9-10.0.0.1", "10.0.0.1-2001:db8::1", "2001:db8::1-10.0.0.1",
                            "2001:db8::/129", "2001:db8::/255.255.0.0", "10.0.0.0/255.255.0.256",
                            "10.0.0.0/x", "10.0.0.1-", "-10.0.0.1", "anything", "2001:db8::2-2001:db8::1"}) {
        INFO("'" << bad << "'");
        REQUIRE_FALSE(AddressSet::parse(bad));
    }
}

TEST_CASE("public internet", "[model]") {
    AddressSet pub = AddressSet::public_internet();
    for (const char* priv : {"10.0.0.0/8", "192.168.0.0/16", "172.16.0.0/12", "127.0.0.0/8", "169.254.0.0/16",
                             "100.64.0.0/10", "224.0.0.0/4", "fc00::/7", "fe80::/10", "::1", "ff02::1"}) {
        INFO(priv);
        REQUIRE_FALSE(pub.intersects(set(priv)));
    }
    for (const char* addr :
         {"8.8.8.8", "1.1.1.1", "172.32.0.1", "192.169.0.1", "2001:4860::8888", "2606:4700:4700::1111"}) {
        INFO(addr);
        REQUIRE(pub.contains(ip(addr)));
    }
}

TEST_CASE("documentation, benchmarking and translation ranges are not the public internet", "[model]") {
    AddressSet pub = AddressSet::public_internet();
    for (const char* special :
         {"192.0.2.1", "198.51.100.10", "203.0.113.80", "198.18.0.1", "192.88.99.1", "255.255.255.255",
          "2001:db8::1", "3fff::1", "2002:c000:201::1", "2001::1", "64:ff9b:1::1"}) {
        INFO(special);
        CHECK_FALSE(pub.contains(ip(special)));
        CHECK(AddressSet::special_purpose().contains(ip(special)));
    }
    // Globally reachable special-purpose entries (AS112, the NAT64 prefix) and the edges of the
    // documentation ranges are public.
    CHECK(pub.contains(ip("192.175.48.1")));
    CHECK(pub.contains(ip("64:ff9b::808:808")));
    for (const char* edge : {"192.0.1.255", "192.0.3.0", "198.51.99.255", "198.51.101.0", "203.0.112.255",
                             "203.0.114.0", "2001:db7:ffff::1", "2001:db9::1"}) {
        INFO(edge);
        CHECK(pub.contains(ip(edge)));
    }
}
