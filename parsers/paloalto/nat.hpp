// Destination NAT as the security policy sees it.
//
// PAN-OS matches security rules on the pre-NAT addresses and the post-NAT destination zone
// (docs/formats.md, "NAT"). flowgap evaluates a flow on the real addresses of its roles; when a
// NAT rule publishes such an address, the packets from the NAT rule's source zones are really sent
// to the public address, and their verdict on the real one is not what the device decides. Where
// the translation is one address for one, those packets are decided as the device does (the rule
// copies of paloalto.cpp); otherwise they are conditional, the NAT rule named.
#pragma once

#include <string>
#include <vector>

#include "analysis/rule.hpp"
#include "parsers/paloalto/objects.hpp"
#include "parsers/paloalto/zones.hpp"

namespace flowgap::parsers::paloalto {

// Packets from `sources` to the real address that the device receives addressed to the public
// one: the security policy sees them with the public address and the real address's zone.
struct Redirect {
    analysis::AddressSet sources;
    analysis::AddressSet real;       // one address
    analysis::AddressSet addressed;  // one address, the public (pre-NAT) one
    std::string zone;                // the post-NAT destination zone (the real address's)
    std::string nat;                 // the NAT rule's name
    analysis::SourceLocation location;
};

// What the NAT rules of `rulebases` (in evaluation order; disabled ones skipped) publish. Each
// rule that translates a destination (`destination-translation`, `dynamic-destination-
// translation`, the reverse of a bi-directional static source translation) is either exact (a
// Redirect) or, when flowgap cannot follow it exactly (several or unresolved addresses, port
// translation, a service, unknown zones, an earlier NAT rule that may take the packets), a rule
// of unknown outcome, possibly matching the packets from its source zones to the translated
// address, with a condition naming it, to go ahead of every security rule.
struct NatView {
    std::vector<analysis::Rule> conditional;
    std::vector<Redirect> exact;
};
NatView read_nat(const Tree& tree, Resolver& resolver, const ZoneMap& zones,
                 const std::vector<pugi::xml_node>& rulebases);

// The zones as the security policy sees redirected packets: each public address in its real
// address's zone. Rules translated on these zones decide the redirected packets as the device does.
ZoneMap post_nat_zones(const ZoneMap& zones, const std::vector<Redirect>& redirects);

// What a rule translated on post_nat_zones() matches of the redirected packets, in the real
// coordinates flowgap evaluates (the public address replaced by the real one).
analysis::FlowSpace to_real(const analysis::FlowSpace& seen, const Redirect& redirect);

}  // namespace flowgap::parsers::paloalto
