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
                           {}};
    return std::nullopt;
}

}  // namespace

std::vector<Rule> published(const Tree& tree, Resolver& resolver, const ZoneMap& zones,
                            const std::vector<pugi::xml_node>& rulebases) {
    std::vector<Rule> out;
    for (pugi::xml_node rb : rulebases) {
        for (pugi::xml_node e : rb.child("nat").child("rules").children("entry")) {
            if (std::string_view(e.child_value("disabled")) == "yes") continue;
            auto pub = publication(e);
            if (!pub) continue;
            std::string why_real, why_source;
            AddressSet real = possible(resolver, pub->real, why_real);
            AddressSet from = zone_space(zones, pub->from) & possible(resolver, pub->sources, why_source);
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
    return out;
}

}  // namespace flowgap::parsers::paloalto
