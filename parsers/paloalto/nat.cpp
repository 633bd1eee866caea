#include "parsers/paloalto/nat.hpp"

#include <optional>

#include <fmt/format.h>

namespace flowgap::parsers::paloalto {

using analysis::AddressSet;
using analysis::FlowSpace;
using analysis::ProtocolSet;
using analysis::Rule;

namespace {

std::string written(pugi::xml_node list) {
    std::vector<std::string> out;
    for_each_member(list, [&](std::string_view n, pugi::xml_node) { out.emplace_back(n); });
    return out.empty() ? std::string("any") : fmt::format("{}", fmt::join(out, ", "));
}

bool any(pugi::xml_node list) {
    bool empty = true, found = false;
    for_each_member(list, [&](std::string_view n, pugi::xml_node) {
        empty = false;
        found = found || n == "any";
    });
    return empty || found;
}

// The addresses of the zones named (any: every address). Addresses in no known zone may be in
// any of them, and a zone the map does not know may hold any address: both widen, never narrow.
AddressSet zone_space(const ZoneMap& zones, pugi::xml_node list) {
    if (any(list)) return AddressSet::all();
    AddressSet out = zones.unknown;
    bool unknown_name = false;
    for_each_member(list, [&](std::string_view n, pugi::xml_node) {
        auto it = zones.zones.find(std::string(n));
        if (it == zones.zones.end())
            unknown_name = true;
        else
            out |= it->second;
    });
    return unknown_name ? AddressSet::all() : out;
}

// An address list's possible addresses: every address when it cannot be resolved (FQDN,
// dynamic group, undefined), which `why` then names.
AddressSet possible(Resolver& resolver, pugi::xml_node list, std::string& why) {
    if (any(list)) return AddressSet::all();
    AddressMatch merged;
    const AddressMatch& m = resolver.addresses(list, merged);
    if (!m.uncertain) return m.certain;
    why = m.conditions.empty() ? written(list) : fmt::format("{}", fmt::join(m.conditions, "; "));
    return AddressSet::all();
}

// What one NAT rule publishes: the real addresses, the public ones as written, and the zones
// (and source addresses) whose packets are sent to the public ones.
struct Publication {
    pugi::xml_node real;       // the translated (real) address list
    pugi::xml_node addressed;  // the public (pre-NAT) address list the packets are sent to
    std::string public_text;   // ... as written
    pugi::xml_node from;       // zones the packets come from
    pugi::xml_node sources;    // their source addresses (null: any)
    bool reverse = false;      // the reverse of a bi-directional static source translation
};

std::optional<Publication> publication(pugi::xml_node e) {
    if (pugi::xml_node d = e.child("destination-translation").child("translated-address"))
        return Publication{d, e.child("destination"), written(e.child("destination")), e.child("from"),
                           e.child("source")};
    if (pugi::xml_node d = e.child("dynamic-destination-translation").child("translated-address"))
        return Publication{d, e.child("destination"), written(e.child("destination")), e.child("from"),
                           e.child("source")};
    // Bi-directional static source NAT also translates the reverse: packets from the rule's
    // destination zone to the translated address reach the original source.
    pugi::xml_node s = e.child("source-translation").child("static-ip");
    if (s && std::string_view(s.child_value("bi-directional")) == "yes")
        return Publication{e.child("source"),
                           s.child("translated-address"),
                           written(s.child("translated-address")),
                           e.child("to"),
                           {},
                           true};
    return std::nullopt;
}

// A single address (a /32 or /128): what an exact one-to-one translation needs.
bool single(const AddressSet& a) {
    auto c = a.cidrs();
    return c.size() == 1 && c[0].find('/') == std::string::npos;
}

// The known zone of a single address, or "".
std::string zone_of(const ZoneMap& zones, const AddressSet& a) {
    for (const auto& [name, area] : zones.zones)
        if (area.contains(a)) return name;
    return "";
}

// What the NAT rules ahead of `e` may match of packets from `sources` to `addressed`: PAN-OS
// applies the first NAT rule that matches, so an earlier one (a no-NAT rule, another
// translation) may take the packets.
bool shadowed(Resolver& resolver, const ZoneMap& zones, const std::vector<pugi::xml_node>& earlier,
              const AddressSet& sources, const AddressSet& addressed) {
    for (pugi::xml_node o : earlier) {
        std::string why;
        if ((zone_space(zones, o.child("from")) & possible(resolver, o.child("source"), why))
                .intersects(sources) &&
            possible(resolver, o.child("destination"), why).intersects(addressed))
            return true;
    }
    return false;
}

// The packets of a publication flowgap evaluates exactly: one public and one real address, no
// port translation, every service, a known zone for both addresses, the public one in a zone the
// NAT rule names (else it never applies), sources in known zones, no earlier NAT rule that may take
// them. Empty `sources` when not exact.
Redirect exact(Resolver& resolver, const ZoneMap& zones, pugi::xml_node e, const Publication& pub,
               const std::vector<pugi::xml_node>& earlier) {
    Redirect out;
    std::string why;
    out.real = possible(resolver, pub.real, why);
    out.addressed = possible(resolver, pub.addressed, why);
    AddressSet sources = possible(resolver, pub.sources, why);
    if (!why.empty() || !single(out.real) || !single(out.addressed)) return {};
    pugi::xml_node t = e.child("destination-translation");
    if (!t) t = e.child("dynamic-destination-translation");
    if (t.child("translated-port") || !any(e.child("service"))) return {};
    out.zone = zone_of(zones, out.real);
    std::string pre = zone_of(zones, out.addressed);
    if (out.zone.empty() || pre.empty()) return {};
    if (!pub.reverse && !any(e.child("to")) && !zone_space(zones, e.child("to")).contains(out.addressed))
        return {};
    AddressSet from = any(pub.from) ? AddressSet::all() : zone_space(zones, pub.from) - zones.unknown;
    if (!any(pub.from) && zone_space(zones, pub.from).contains(AddressSet::all())) return {};
    out.sources = from & sources;
    if (shadowed(resolver, zones, earlier, out.sources, out.addressed)) return {};
    out.nat = e.attribute("name").value();
    return out;
}

}  // namespace

ZoneMap post_nat_zones(const ZoneMap& zones, const std::vector<Redirect>& redirects) {
    ZoneMap out = zones;
    for (const Redirect& r : redirects) {
        for (auto& [name, area] : out.zones) {
            if (name == r.zone)
                area |= r.addressed;
            else
                area = area - r.addressed;
        }
    }
    return out;
}

FlowSpace to_real(const FlowSpace& seen, const Redirect& r) {
    FlowSpace slice = seen & FlowSpace::of(r.sources, r.addressed, ProtocolSet::all());
    FlowSpace out;
    for (const auto& b : slice.boxes())
        out |= FlowSpace::of(b.src, r.real, b.proto, b.dport, b.sport);
    return out;
}

NatView read_nat(const Tree& tree, Resolver& resolver, const ZoneMap& zones,
                 const std::vector<pugi::xml_node>& rulebases) {
    NatView view;
    std::vector<Rule>& out = view.conditional;
    std::vector<pugi::xml_node> earlier;
    for (pugi::xml_node rb : rulebases) {
        for (pugi::xml_node e : rb.child("nat").child("rules").children("entry")) {
            if (std::string_view(e.child_value("disabled")) == "yes") continue;
            auto pub = publication(e);
            // Sources the exact part leaves out: those in no known zone, which may be in the
            // NAT rule's zones.
            AddressSet rest = AddressSet::all();
            if (pub) {
                if (Redirect r = exact(resolver, zones, e, *pub, earlier); !r.sources.empty()) {
                    r.location = tree.location(e);
                    view.exact.push_back(std::move(r));
                    if (any(pub->from)) pub.reset();
                    rest = zones.unknown;
                }
            }
            earlier.push_back(e);
            if (!pub) continue;
            std::string why_real, why_source;
            AddressSet real = possible(resolver, pub->real, why_real);
            AddressSet from =
                zone_space(zones, pub->from) & possible(resolver, pub->sources, why_source) & rest;
            // A flow's two ends are of one family: sources of the other one meet no real address.
            for (const AddressSet& family : {AddressSet::all_v4(), AddressSet::all_v6()})
                if (!real.intersects(family)) from = from - family;
            if (real.empty() || from.empty()) continue;
            Rule r;
            r.name = fmt::format("{} (NAT)", e.attribute("name").value());
            r.name_key = static_cast<uint32_t>(r.name.size() - 6);
            r.action = analysis::Action::unknown;
            r.location = tree.location(e);
            r.text = tree.text(e);
            r.may_match = FlowSpace::of(from, real, ProtocolSet::all());
            std::string zone = any(pub->from) ? "any zone" : "zone " + written(pub->from);
            std::string why_public;
            AddressSet addressed = possible(resolver, pub->addressed, why_public);
            std::string as = why_public.empty() && addressed.str() != pub->public_text
                                 ? fmt::format("{} ({})", addressed.str(), pub->public_text)
                                 : pub->public_text;
            r.conditions.push_back(
                fmt::format("published through NAT rule {} ({}) as {}; packets from {} are addressed to it",
                            e.attribute("name").value(), r.location.str(), as, zone));
            if (!why_real.empty())
                r.conditions.push_back(fmt::format("the translated address is unknown ({})", why_real));
            out.push_back(std::move(r));
        }
    }
    return view;
}

}  // namespace flowgap::parsers::paloalto
