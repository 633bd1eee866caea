#include "parsers/paloalto/objects.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace flowgap::parsers::paloalto {

using analysis::Address;
using analysis::AddressSet;
using analysis::Diagnostic;

namespace {

void index(std::unordered_map<std::string_view, pugi::xml_node>& table, pugi::xml_node container) {
    for (pugi::xml_node e = container.child("entry"); e; e = e.next_sibling("entry"))
        table.emplace(e.attribute("name").value(), e);
}

// Palo Alto's own EDLs, which exist without being configured.
bool predefined_edl(std::string_view name) {
    return name.starts_with("panw-") && name.ends_with("-list");
}

// A predefined region is a two-letter country code (or an `XX`-style reserved code).
bool country_code(std::string_view name) {
    return name.size() == 2 && std::isupper(static_cast<unsigned char>(name[0])) &&
           std::isupper(static_cast<unsigned char>(name[1]));
}

// `ip-wildcard` is `address/mask` where the mask's 1-bits are "don't care", the inverse of the
// dotted masks AddressSet::parse reads.
std::optional<AddressSet> wildcard(std::string_view text) {
    size_t slash = text.find('/');
    if (slash == std::string_view::npos) return AddressSet::parse(text);
    auto a = Address::parse(text.substr(0, slash));
    auto m = Address::parse(text.substr(slash + 1));
    if (!a || !m || a->family() != analysis::Family::v4 || m->family() != analysis::Family::v4)
        return std::nullopt;
    std::string care = Address::v4(~m->v4_value()).str();
    return AddressSet::parse(fmt::format("{}/{}", text.substr(0, slash), care));
}

}  // namespace

Scope::Scope(std::string scope_name, pugi::xml_node scope_node)
    : name(std::move(scope_name)), node(scope_node) {
    index(address, node.child("address"));
    index(address_group, node.child("address-group"));
    index(service, node.child("service"));
    index(service_group, node.child("service-group"));
    index(application, node.child("application"));
    index(application_group, node.child("application-group"));
    index(application_filter, node.child("application-filter"));
    index(external_list, node.child("external-list"));
    index(region, node.child("region"));
}

AddressSet from_intervals(std::vector<AddressSet::Set::Interval>& items) {
    std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.lo < b.lo; });
    AddressSet::Set out;
    for (size_t i = 0; i < items.size();) {
        auto lo = items[i].lo, hi = items[i].hi;
        // Merge everything overlapping or adjacent, so add() only ever appends.
        for (++i; i < items.size() && (items[i].lo <= hi || items[i].lo == hi + 1); ++i)
            hi = std::max(hi, items[i].hi);
        out.add(lo, hi);
    }
    return AddressSet(std::move(out));
}

Resolver::Resolver(const Tree& tree, std::vector<const Scope*> chain, std::vector<Diagnostic>& warnings)
    : tree_(tree), chain_(std::move(chain)), warnings_(warnings) {}

pugi::xml_node Resolver::find(std::unordered_map<std::string_view, pugi::xml_node> Scope::*table,
                              std::string_view name) const {
    for (const Scope* s : chain_) {
        auto it = (s->*table).find(name);
        if (it != (s->*table).end()) return it->second;
    }
    return {};
}

void Resolver::warn(pugi::xml_node where, std::string message) {
    warnings_.push_back({Diagnostic::Severity::warning, tree_.location(where), std::move(message)});
}

const AddressMatch& Resolver::addresses(pugi::xml_node list, AddressMatch& merged) {
    static const AddressMatch any{AddressSet::all(), false, {}};  // an lvalue, like cached matches
    const AddressMatch* first = nullptr;  // in the cache, which never moves its entries
    std::vector<AddressSet::Set::Interval> items;
    size_t members = 0;
    for_each_member(list, [&](std::string_view name, pugi::xml_node where) {
        const AddressMatch& m = name == "any" ? any : address(name, where);
        if (++members == 1) {
            first = &m;
            return;
        }
        if (members == 2) {
            merged = *first;
            for (const auto& iv : first->certain.intervals().intervals())
                items.push_back(iv);
        }
        for (const auto& iv : m.certain.intervals().intervals())
            items.push_back(iv);
        merged.uncertain |= m.uncertain;
        merged.conditions.insert(merged.conditions.end(), m.conditions.begin(), m.conditions.end());
    });
    if (members == 1) return *first;
    if (members == 0) {
        merged = any;  // an absent list means any, as PAN-OS defaults
    } else {
        merged.certain = from_intervals(items);
    }
    return merged;
}

std::optional<AddressSet> Resolver::address_value(std::string_view name) {
    const AddressMatch& m = address(name, {});
    if (m.uncertain) return std::nullopt;
    return m.certain;
}

const AddressMatch& Resolver::address(std::string_view name, pugi::xml_node where) {
    auto it = addresses_.find(name);
    if (it != addresses_.end()) return it->second;
    AddressMatch m;
    // Objects beat literals: an object may be named like an address. Each scope's addresses
    // come before its groups, and an inner scope before an outer one.
    pugi::xml_node found;
    bool group = false;
    for (const Scope* s : chain_) {
        if (auto a = s->address.find(name); a != s->address.end()) {
            found = a->second;
            break;
        }
        if (auto g = s->address_group.find(name); g != s->address_group.end()) {
            found = g->second, group = true;
            break;
        }
    }
    if (found) {
        m = group ? address_group(name, found) : address_object(name, found, where);
    } else if (find(&Scope::external_list, name) || predefined_edl(name)) {
        m = {AddressSet::none(),
             true,
             {fmt::format("external dynamic list '{}' (fetched at run time)", name)}};
    } else if (find(&Scope::region, name) || country_code(name)) {
        m = {AddressSet::none(), true, {fmt::format("region '{}' (geolocation)", name)}};
    } else if (auto literal = AddressSet::parse(name)) {
        m.certain = *literal;
    } else {
        if (where)
            warn(where, fmt::format("undefined address object '{}': rules naming it are conditional", name));
        m = {AddressSet::none(), true, {fmt::format("undefined object '{}'", name)}};
    }
    return addresses_.emplace(std::string(name), std::move(m)).first->second;
}

AddressMatch Resolver::address_object(std::string_view name, pugi::xml_node entry, pugi::xml_node where) {
    std::optional<AddressSet> value;
    if (pugi::xml_node n = entry.child("ip-netmask")) {
        value = AddressSet::parse(n.child_value());
    } else if (pugi::xml_node r = entry.child("ip-range")) {
        value = AddressSet::parse(r.child_value());
    } else if (pugi::xml_node w = entry.child("ip-wildcard")) {
        value = wildcard(w.child_value());
    } else if (pugi::xml_node f = entry.child("fqdn")) {
        return {AddressSet::none(), true, {fmt::format("FQDN object '{}' ({})", name, f.child_value())}};
    }
    if (!value) {
        warn(entry, fmt::format("address object '{}' has no address this parser reads", name));
        (void)where;
        return {AddressSet::none(), true, {fmt::format("unreadable address object '{}'", name)}};
    }
    return {*value, false, {}};
}

AddressMatch Resolver::address_group(std::string_view name, pugi::xml_node entry) {
    if (entry.child("dynamic")) {
        std::string filter = entry.child("dynamic").child_value("filter");
        return {AddressSet::none(),
                true,
                {fmt::format("dynamic address group '{}' (filter {}; members register at run time)", name,
                             filter)}};
    }
    std::string key(name);
    if (!resolving_.insert(key).second) {
        warn(entry, fmt::format("address group '{}' contains itself", name));
        return {AddressSet::none(), true, {fmt::format("address group '{}' contains itself", name)}};
    }
    // PAN-OS 6+ lists members under <static>; older exports list them directly.
    pugi::xml_node list = entry.child("static") ? entry.child("static") : entry;
    AddressMatch merged;
    AddressMatch m = addresses(list, merged);
    if (!list.child("member") && !list.child("entry") && std::string_view(list.child_value()).empty())
        m.certain = AddressSet::none();  // an empty group matches nothing, unlike an absent list
    resolving_.erase(key);
    return m;
}

}  // namespace flowgap::parsers::paloalto
