// Mapping addresses to named areas (zones, interfaces, LANs) by longest prefix.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "analysis/address.hpp"

namespace flowgap::analysis {

// Each name is declared with prefixes; an address belongs to the name whose prefix containing
// it is the most specific (fewest addresses). The result's sets are pairwise disjoint. Two
// names declaring the very same prefix is ambiguous: the first declared keeps it.
std::map<std::string, AddressSet> resolve_longest_prefix(
    const std::vector<std::pair<std::string, std::vector<AddressSet>>>& declared);

}  // namespace flowgap::analysis
