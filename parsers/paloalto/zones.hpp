// Zones as address sets, and the zone pairs a rule's from/to/rule-type select.
//
// A flow crosses a Palo Alto firewall from the zone of its source to the zone of its
// destination. Zones come from the deployment (`zones:`) or are inferred: each layer3
// interface's connected subnets and the static routes through it belong to its zone, resolved
// by longest prefix. Addresses no zone covers have an unknown zone: rules match them only
// conditionally.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "analysis/flow_space.hpp"
#include "parsers/paloalto/objects.hpp"

namespace flowgap::parsers::paloalto {

struct ZoneMap {
    std::map<std::string, analysis::AddressSet> zones;  // pairwise disjoint
    analysis::AddressSet unknown;                       // addresses in no zone
    analysis::FlowSpace bypass;                         // traffic within one connected subnet
    bool inferred = false;
};

// The deployment's zones (already resolved by longest prefix).
ZoneMap zones_from_options(const std::map<std::string, analysis::AddressSet>& zones);

// Zones from interfaces, zone membership and static routes of `devices` (device entries: the
// firewall's own and those inside Panorama templates).
ZoneMap infer_zones(const Tree& tree, const std::vector<pugi::xml_node>& devices, Resolver& resolver,
                    std::vector<analysis::Diagnostic>& warnings);

struct ZonePairs {
    using Pair = std::pair<analysis::AddressSet, analysis::AddressSet>;  // (sources, destinations)
    std::vector<Pair> certain;
    std::vector<Pair> possible;  // pairs where a zone is unknown
    std::vector<std::string> conditions;
};

// `from`/`to` are zone names (empty or "any": any zone); `rule_type` universal, intrazone or
// interzone. Sources are zoned by `source_zones`, destinations by `zones`: they differ after a
// destination NAT, whose public address is in its post-NAT zone only as a destination (both maps
// have the same zone names and unknown addresses).
ZonePairs zone_pairs(const ZoneMap& source_zones, const ZoneMap& zones, const std::vector<std::string>& from,
                     const std::vector<std::string>& to, std::string_view rule_type);

}  // namespace flowgap::parsers::paloalto
