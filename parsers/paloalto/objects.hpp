// PAN-OS objects and how rule members resolve to addresses, services and applications.
//
// Names resolve innermost scope first (vsys or device group, its parent groups, shared), and
// within a scope the address table before the address-group table, as PAN-OS does. A name that
// is no object is a literal (an address, CIDR or range); one that is neither is undefined: a
// located warning, and the rule may match any address there (conditional), never `any`.
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "analysis/flow_space.hpp"
#include "analysis/rule.hpp"
#include "parsers/paloalto/tree.hpp"

namespace flowgap::parsers::paloalto {

// One scope's objects by name (the names point into the tree).
struct Scope {
    std::string name;  // "shared", "device-group DG", "vsys vsys1", ...
    pugi::xml_node node;
    std::unordered_map<std::string_view, pugi::xml_node> address, address_group, service, service_group,
        application, application_group, application_filter, external_list, region;

    Scope(std::string scope_name, pugi::xml_node scope_node);
};

// Addresses a rule's source or destination matches for certain, and whether some member's
// addresses are unknown (FQDN, dynamic group, EDL, region, undefined): those may be anything.
struct AddressMatch {
    analysis::AddressSet certain;
    bool uncertain = false;
    std::vector<std::string> conditions;
};

// One protocol/port combination of a service.
struct L4 {
    analysis::ProtocolSet proto;
    analysis::PortSet dport;
    analysis::PortSet sport;
};

struct ServiceMatch {
    std::vector<L4> certain;
    std::vector<L4> possible;  // what undefined services or application-default may add
    std::vector<std::string> conditions;
};

struct AppMatch {
    bool any = true;
    std::vector<std::string> names;  // App-IDs after expanding groups
    bool opaque = false;             // a filter or an unknown app: its default ports are unknown
};

// The standard App-IDs' default ports (a small table), or null for an app it does not know.
const std::vector<L4>* app_default_ports(std::string_view app);

class Resolver {
  public:
    // `chain` is innermost first and must outlive the resolver.
    Resolver(const Tree& tree, std::vector<const Scope*> chain, std::vector<analysis::Diagnostic>& warnings);

    // A rule's member lists. A list of one member is that member's resolved match, kept by the
    // resolver (most rules name one object, and a group may hold thousands of addresses); a
    // longer list is merged into `merged` (empty on entry), which the result then is.
    const AddressMatch& addresses(pugi::xml_node list, AddressMatch& merged);
    AppMatch applications(pugi::xml_node list);
    const ServiceMatch& services(pugi::xml_node list, const AppMatch& apps, ServiceMatch& merged);
    // A single address name (interface addresses may name objects); nullopt when undefined.
    std::optional<analysis::AddressSet> address_value(std::string_view name);

  private:
    const AddressMatch& address(std::string_view name, pugi::xml_node where);
    AddressMatch address_object(std::string_view name, pugi::xml_node entry, pugi::xml_node where);
    AddressMatch address_group(std::string_view name, pugi::xml_node entry);
    const ServiceMatch& service(std::string_view name, pugi::xml_node where);
    ServiceMatch service_object(std::string_view name, pugi::xml_node entry);
    void expand_app(std::string_view name, AppMatch& out, int depth);
    void add_default_ports(std::string_view app, ServiceMatch& out, bool& unknown);
    pugi::xml_node find(std::unordered_map<std::string_view, pugi::xml_node> Scope::*table,
                        std::string_view name) const;
    void warn(pugi::xml_node where, std::string message);

    const Tree& tree_;
    std::vector<const Scope*> chain_;
    std::vector<analysis::Diagnostic>& warnings_;
    // Looked up by string_view for every member of every rule: no temporary std::string.
    struct NameHash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    std::unordered_map<std::string, AddressMatch, NameHash, std::equal_to<>> addresses_;
    std::unordered_map<std::string, ServiceMatch, NameHash, std::equal_to<>> services_;
    std::unordered_set<std::string> resolving_;  // groups being expanded, to stop cycles
};

// An AddressSet from intervals in any order, in one pass (groups with thousands of members).
analysis::AddressSet from_intervals(std::vector<analysis::AddressSet::Set::Interval>& items);

}  // namespace flowgap::parsers::paloalto
