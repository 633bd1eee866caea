#include "analysis/zones.hpp"

#include <algorithm>

namespace flowgap::analysis {

namespace {

// How many addresses, less one per interval, saturating: exact enough to order prefixes of
// either family by specificity (AddressSet::size saturates at 2^64, too early for IPv6).
uint128 span(const AddressSet& s) {
    uint128 total = 0;
    for (const auto& iv : s.intervals().intervals()) {
        uint128 n = iv.hi - iv.lo;
        total = total + n < total ? ~uint128{0} : total + n;
    }
    return total;
}

}  // namespace

std::map<std::string, AddressSet> resolve_longest_prefix(
    const std::vector<std::pair<std::string, std::vector<AddressSet>>>& declared) {
    struct Item {
        uint128 size;
        size_t order;
        const std::string* name;
        const AddressSet* prefix;
    };
    std::vector<Item> items;
    std::map<std::string, AddressSet> out;
    for (const auto& [name, prefixes] : declared) {
        out[name];  // a name with no addresses still exists
        for (const auto& p : prefixes)
            items.push_back({span(p), items.size(), &name, &p});
    }
    // Most specific first; equal prefixes keep their declaration order.
    std::stable_sort(items.begin(), items.end(),
                     [](const Item& a, const Item& b) { return a.size < b.size; });
    AddressSet taken;
    for (const auto& it : items) {
        out[*it.name] |= *it.prefix - taken;
        taken |= *it.prefix;
    }
    return out;
}

}  // namespace flowgap::analysis
