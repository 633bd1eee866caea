#include "parsers/paloalto/zones.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "analysis/zones.hpp"

namespace flowgap::parsers::paloalto {

using analysis::AddressSet;
using analysis::Diagnostic;
using analysis::FlowSpace;
using analysis::ProtocolSet;

namespace {

using Connected = std::map<std::string, std::vector<AddressSet>>;  // interface -> subnets

// An interface address ("10.0.1.1/24", an address object) as its connected subnet.
std::optional<AddressSet> subnet(std::string_view text, Resolver& resolver) {
    if (auto s = AddressSet::parse(text)) return s;
    return resolver.address_value(text);
}

void read_ips(pugi::xml_node iface, pugi::xml_node holder, Resolver& resolver, Connected& out) {
    std::string name = iface.attribute("name").value();
    auto add = [&](std::string_view text, pugi::xml_node) {
        if (auto s = subnet(text, resolver)) out[name].push_back(*s);
    };
    for_each_member(holder.child("ip"), add);
    for_each_member(holder.child("ipv6").child("address"), add);
}

// Every interface and subinterface entry below network/interface, however deeply nested
// (ethernet/entry/layer3/units/entry, vlan/units/entry, ...).
void collect_interfaces(pugi::xml_node n, Resolver& resolver, Connected& out) {
    for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) {
        if (c.type() != pugi::node_element) continue;
        if (std::string_view(c.name()) == "entry" && c.attribute("name")) {
            read_ips(c, c, resolver, out);
            read_ips(c, c.child("layer3"), resolver, out);
        }
        collect_interfaces(c, resolver, out);
    }
}

// Static routes: the destination belongs to the zone of the interface it leaves through.
void collect_routes(pugi::xml_node device, Resolver& resolver, Connected& connected,
                    std::map<std::string, std::vector<AddressSet>>& routed) {
    for (pugi::xml_node vr : device.child("network").child("virtual-router").children("entry")) {
        for (const char* family : {"ip", "ipv6"}) {
            pugi::xml_node table = vr.child("routing-table").child(family).child("static-route");
            for (pugi::xml_node r : table.children("entry")) {
                auto dest = subnet(r.child_value("destination"), resolver);
                if (!dest) continue;
                std::string iface = r.child_value("interface");
                std::string_view hop = r.child("nexthop").child_value(
                    family == std::string_view("ip") ? "ip-address" : "ipv6-address");
                auto via = hop.empty() ? std::nullopt : analysis::Address::parse(hop);
                if (iface.empty() && via) {
                    for (const auto& [name, subnets] : connected)
                        for (const auto& s : subnets)
                            if (s.contains(*via)) iface = name;
                }
                if (!iface.empty()) routed[iface].push_back(*dest);
            }
        }
    }
}

}  // namespace

ZoneMap zones_from_options(const std::map<std::string, AddressSet>& zones) {
    ZoneMap out;
    out.zones = zones;
    AddressSet covered;
    for (const auto& [name, area] : zones)
        covered |= area;
    out.unknown = AddressSet::all() - covered;
    return out;
}

ZoneMap infer_zones(const Tree& tree, const std::vector<pugi::xml_node>& devices, Resolver& resolver,
                    std::vector<Diagnostic>& warnings) {
    Connected connected, routed;
    std::map<std::string, std::vector<std::string>> members;  // zone -> interfaces
    for (pugi::xml_node d : devices) {
        collect_interfaces(d.child("network").child("interface"), resolver, connected);
        for (pugi::xml_node vsys : d.child("vsys").children("entry"))
            for (pugi::xml_node z : vsys.child("zone").children("entry"))
                for_each_member(z.child("network").child("layer3"), [&](std::string_view i, pugi::xml_node) {
                    members[z.attribute("name").value()].emplace_back(i);
                });
    }
    for (pugi::xml_node d : devices)
        collect_routes(d, resolver, connected, routed);
    std::vector<std::pair<std::string, std::vector<AddressSet>>> declared;
    ZoneMap out;
    out.inferred = true;
    for (const auto& [zone, ifaces] : members) {
        auto& prefixes = declared.emplace_back(zone, std::vector<AddressSet>{}).second;
        for (const auto& i : ifaces) {
            for (const auto& s : connected[i]) {
                prefixes.push_back(s);
                out.bypass |= FlowSpace::of(s, s, ProtocolSet::all());
            }
            prefixes.insert(prefixes.end(), routed[i].begin(), routed[i].end());
        }
    }
    out.zones = analysis::resolve_longest_prefix(declared);
    AddressSet covered;
    for (const auto& [name, area] : out.zones)
        covered |= area;
    out.unknown = AddressSet::all() - covered;
    if (covered.empty()) {
        warnings.push_back(
            {Diagnostic::Severity::warning, analysis::SourceLocation{tree.path()},
             "no zone has addresses (no layer3 interface addresses in the config and no `zones:` "
             "in the deployment): rules that name zones are conditional"});
    }
    return out;
}

namespace {

struct Side {
    bool any = true;
    std::vector<const AddressSet*> zones;  // the listed zones that have addresses, in the map's order
    std::vector<std::string_view> names;   // their names (keys of the map)
    AddressSet area;                       // the union of `zones`
};

// Asked for both sides of every rule whose zone lists were not seen before: one map lookup per
// listed name (not a scan of the names per zone), and the area built once from its intervals.
Side side(const ZoneMap& map, const std::vector<std::string>& names, std::vector<std::string>& conditions) {
    Side s;
    for (const auto& n : names)
        if (n != "any") s.any = false;
    std::vector<AddressSet::Set::Interval> items;
    auto take = [&](std::string_view name, const AddressSet& area) {
        s.zones.push_back(&area);
        s.names.push_back(name);
        for (const auto& iv : area.intervals().intervals())
            items.push_back(iv);
    };
    if (s.any) {
        for (const auto& [name, area] : map.zones)
            if (!area.empty()) take(name, area);
    } else {
        std::vector<std::map<std::string, AddressSet>::const_iterator> listed;
        for (const auto& n : names) {
            auto it = map.zones.find(n);
            if (it == map.zones.end() || it->second.empty()) {
                conditions.push_back(fmt::format("zone '{}' has no known addresses", n));
            } else {
                listed.push_back(it);
            }
        }
        // The map's order, each zone once, whatever the order and repetitions of the list.
        std::sort(listed.begin(), listed.end(), [](auto a, auto b) { return a->first < b->first; });
        listed.erase(std::unique(listed.begin(), listed.end()), listed.end());
        for (auto it : listed)
            take(it->first, it->second);
    }
    s.area = from_intervals(items);  // zones are pairwise disjoint
    return s;
}

}  // namespace

ZonePairs zone_pairs(const ZoneMap& source_zones, const ZoneMap& map, const std::vector<std::string>& from,
                     const std::vector<std::string>& to, std::string_view rule_type) {
    ZonePairs out;
    Side f = side(source_zones, from, out.conditions), t = side(map, to, out.conditions);
    const AddressSet& u = map.unknown;
    AddressSet all = AddressSet::all();
    if (rule_type == "intrazone" || rule_type == "interzone") {
        bool intra = rule_type == "intrazone";
        AddressSet fa = f.area, ta = t.area;
        if (intra) {
            fa = AddressSet(), ta = AddressSet();
            for (size_t i = 0; i < f.zones.size(); ++i) {
                auto j = std::find(t.names.begin(), t.names.end(), f.names[i]);
                if (j == t.names.end()) continue;
                const AddressSet& same = *t.zones[j - t.names.begin()];
                out.certain.emplace_back(*f.zones[i], same);
                fa |= *f.zones[i];
                ta |= same;
            }
        } else {
            for (size_t i = 0; i < f.zones.size(); ++i) {
                auto z = map.zones.find(std::string(f.names[i]));
                out.certain.emplace_back(*f.zones[i], z == map.zones.end() ? t.area : t.area - z->second);
            }
        }
        // Where one side's zone is unknown, it may be the same zone or another.
        out.possible.emplace_back(u, ta | u);
        out.possible.emplace_back(fa, u);
    } else {
        AddressSet fc = f.any ? all : f.area, tc = t.any ? all : t.area;
        AddressSet fp = f.any ? AddressSet() : u, tp = t.any ? AddressSet() : u;
        out.certain.emplace_back(fc, tc);
        out.possible.emplace_back(fp, tc | tp);
        out.possible.emplace_back(fc, tp);
    }
    auto empty = [](const ZonePairs::Pair& p) { return p.first.empty() || p.second.empty(); };
    std::erase_if(out.certain, empty);
    std::erase_if(out.possible, empty);
    if (!out.possible.empty()) {
        out.conditions.push_back(u == all ? "the zones of the addresses are unknown"
                                          : "an address outside every zone is in one of the rule's zones");
    }
    return out;
}

}  // namespace flowgap::parsers::paloalto
