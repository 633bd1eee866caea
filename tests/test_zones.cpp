// resolve_longest_prefix (analysis/zones.cpp): the zones, interfaces and LANs that firewalls and
// deployments declare by prefixes, turned into disjoint address sets by longest prefix.
#include <catch2/catch.hpp>

#include "analysis/zones.hpp"

using namespace flowgap::analysis;

namespace {

using Declared = std::vector<std::pair<std::string, std::vector<AddressSet>>>;

AddressSet addr(const char* text) {
    return *AddressSet::parse_list(text);
}

// Checks what every result must be, whatever was declared: the sets are pairwise disjoint and
// together cover exactly what was declared.
void check_partition(const Declared& declared, const std::map<std::string, AddressSet>& zones) {
    AddressSet all_declared, all_resolved;
    for (const auto& [name, prefixes] : declared) {
        for (const auto& p : prefixes)
            all_declared |= p;
    }
    for (const auto& [name, set] : zones) {
        INFO(name << ": " << set.str());
        CHECK_FALSE(all_resolved.intersects(set));
        all_resolved |= set;
    }
    CHECK(all_resolved == all_declared);
}

}  // namespace

TEST_CASE("an address belongs to the name of its most specific prefix", "[zones]") {
    Declared declared = {
        {"campus", {addr("10.0.0.0/8")}}, {"servers", {addr("10.1.0.0/16")}}, {"dns", {addr("10.1.2.3")}}};
    auto zones = resolve_longest_prefix(declared);
    REQUIRE(zones.size() == 3);
    CHECK(zones["dns"] == addr("10.1.2.3"));
    CHECK(zones["servers"] == addr("10.1.0.0/23, 10.1.2.0/31, 10.1.2.2, 10.1.2.4/30, 10.1.2.8/29, "
                                   "10.1.2.16/28, 10.1.2.32/27, 10.1.2.64/26, 10.1.2.128/25, 10.1.3.0/24, "
                                   "10.1.4.0/22, 10.1.8.0/21, 10.1.16.0/20, 10.1.32.0/19, 10.1.64.0/18, "
                                   "10.1.128.0/17"));
    CHECK(zones["campus"].contains(*Address::parse("10.2.0.1")));
    CHECK_FALSE(zones["campus"].contains(*Address::parse("10.1.0.1")));
    CHECK(zones["campus"] == addr("10.0.0.0/16, 10.2.0.0/15, 10.4.0.0/14, 10.8.0.0/13, 10.16.0.0/12, "
                                  "10.32.0.0/11, 10.64.0.0/10, 10.128.0.0/9"));
    check_partition(declared, zones);
}

TEST_CASE("the order of declaration does not decide between prefixes of different lengths", "[zones]") {
    Declared forward = {{"wan", {addr("10.0.0.0/8")}}, {"lan", {addr("10.20.5.0/24")}}};
    Declared backward = {{"lan", {addr("10.20.5.0/24")}}, {"wan", {addr("10.0.0.0/8")}}};
    auto a = resolve_longest_prefix(forward), b = resolve_longest_prefix(backward);
    CHECK(a == b);
    CHECK(a["lan"] == addr("10.20.5.0/24"));
    CHECK(a["wan"] == addr("10.0.0.0/8") - addr("10.20.5.0/24"));
}

TEST_CASE("`any` is the least specific prefix: it keeps what no other name declares, both families",
          "[zones]") {
    Declared declared = {{"outside", {AddressSet::all()}},
                         {"inside", {addr("10.0.0.0/8")}},
                         {"inside6", {addr("2001:db8::/32")}}};
    auto zones = resolve_longest_prefix(declared);
    CHECK(zones["inside"] == addr("10.0.0.0/8"));
    CHECK(zones["inside6"] == addr("2001:db8::/32"));
    CHECK(zones["outside"].contains(*Address::parse("8.8.8.8")));
    CHECK(zones["outside"].contains(*Address::parse("2001:db9::1")));
    CHECK_FALSE(zones["outside"].contains(*Address::parse("10.9.9.9")));
    CHECK_FALSE(zones["outside"].contains(*Address::parse("2001:db8::1")));
    CHECK(zones["outside"] == AddressSet::all() - addr("10.0.0.0/8, 2001:db8::/32"));
    check_partition(declared, zones);
}

TEST_CASE("a name declared with several prefixes loses only the part a more specific name takes", "[zones]") {
    Declared declared = {{"branches", {addr("10.20.0.0/16"), addr("192.168.0.0/16")}},
                         {"branch-7", {addr("192.168.7.0/24")}},
                         {"lab", {addr("10.20.0.0/16")}}};
    auto zones = resolve_longest_prefix(declared);
    CHECK(zones["branch-7"] == addr("192.168.7.0/24"));
    // The same /16 declared twice is ambiguous: the first name declared keeps it.
    CHECK(zones["branches"] == addr("10.20.0.0/16, 192.168.0.0/16") - addr("192.168.7.0/24"));
    CHECK(zones["lab"].empty());
    CHECK(zones.count("lab") == 1);  // a name left with no address still exists
    check_partition(declared, zones);
}

TEST_CASE("overlapping prefixes of both families resolve family by family", "[zones]") {
    Declared declared = {{"v6-site", {addr("2001:db8::/48")}},
                         {"v6-lan", {addr("2001:db8:0:1::/64")}},
                         {"v4-site", {addr("172.16.0.0/12")}},
                         {"v4-lan", {addr("172.16.1.0/24")}},
                         {"empty", {}}};
    auto zones = resolve_longest_prefix(declared);
    CHECK(zones["v6-lan"] == addr("2001:db8:0:1::/64"));
    CHECK(zones["v6-site"] == addr("2001:db8::/48") - addr("2001:db8:0:1::/64"));
    CHECK(zones["v4-lan"] == addr("172.16.1.0/24"));
    CHECK(zones["v4-site"] == addr("172.16.0.0/12") - addr("172.16.1.0/24"));
    CHECK(zones["empty"].empty());
    check_partition(declared, zones);
}
