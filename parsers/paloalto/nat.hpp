// Destination NAT as the security policy sees it.
//
// PAN-OS matches security rules on the pre-NAT addresses and the post-NAT destination zone
// (docs/formats.md, "NAT"). flowgap evaluates a flow on the real addresses of its roles; when a
// NAT rule publishes such an address, the packets from the NAT rule's source zones are really sent
// to the public address, and their verdict on the real one is not what the device decides. Until
// that evaluation is exact, those packets are conditional, the NAT rule named.
#pragma once

#include <vector>

#include "analysis/rule.hpp"
#include "parsers/paloalto/objects.hpp"
#include "parsers/paloalto/zones.hpp"

namespace flowgap::parsers::paloalto {

// One rule per enabled NAT rule of `rulebases` (in evaluation order) that translates a destination
// (`destination-translation`, `dynamic-destination-translation`, or the reverse of a
// bi-directional static source translation): outcome unknown, possibly matching the packets from
// its source zones to the translated (real) address, with a condition naming it. They go ahead
// of every security rule.
std::vector<analysis::Rule> published(const Tree& tree, Resolver& resolver, const ZoneMap& zones,
                                      const std::vector<pugi::xml_node>& rulebases);

}  // namespace flowgap::parsers::paloalto
