// One security rule (or default rule) of the tree as a model Rule.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "analysis/rule.hpp"
#include "parsers/paloalto/objects.hpp"
#include "parsers/paloalto/zones.hpp"

namespace flowgap::parsers::paloalto {

// The children of a rule entry that translation reads, found in one pass over its children and
// then read by position: a rule is consulted for some twenty fields, and pugixml's child(name),
// like any search by name, scans the siblings on every call.
class Fields {
  public:
    enum Name : uint8_t {
        action,
        from,
        to,
        rule_type,
        source,
        destination,
        negate_source,
        negate_destination,
        application,
        service,
        source_user,
        category,
        hip_profiles,
        source_hip,
        destination_hip,
        schedule,
        target,
        disabled,
        count
    };
    explicit Fields(pugi::xml_node entry);
    pugi::xml_node operator[](Name n) const { return nodes_[n]; }
    std::string_view value(Name n) const { return nodes_[n].child_value(); }
    static std::string_view name(Name n);  // the element's name: "source-user", ...

  private:
    std::array<pugi::xml_node, count> nodes_{};  // the first child of each name, or null
};

class RuleTranslator {
  public:
    // `source_zones` zones the sources when they differ from `zones` (after a destination NAT).
    RuleTranslator(const Tree& tree, Resolver& resolver, const ZoneMap& zones,
                   std::vector<analysis::Diagnostic>& warnings, const ZoneMap* source_zones = nullptr)
        : tree_(tree),
          resolver_(resolver),
          zones_(zones),
          source_zones_(source_zones ? *source_zones : zones),
          warnings_(warnings) {}

    // A security rule entry, with its fields.
    analysis::Rule rule(pugi::xml_node entry, const Fields& f);

    // intrazone-default and interzone-default, each with its override entry (or none).
    std::vector<analysis::Rule> default_rules(pugi::xml_node intrazone, pugi::xml_node interzone);

  private:
    analysis::Action action(const Fields& f, analysis::Action fallback);
    const ZonePairs& pairs(const Fields& f);
    std::vector<std::string> global_conditions(const Fields& f, const AppMatch& apps);
    void scope_zone_conditions(analysis::Rule& r, const ZonePairs& zp);

    const Tree& tree_;
    Resolver& resolver_;
    const ZoneMap& zones_;
    const ZoneMap& source_zones_;
    std::vector<analysis::Diagnostic>& warnings_;
    std::unordered_map<std::string, ZonePairs> pairs_;  // by from/to/rule-type, shared by rules
    std::string key_;                                   // pairs_'s key for the rule at hand
    // Packets with an address outside every zone, built once for the rules that need it.
    std::shared_ptr<const analysis::FlowSpace> unknown_zone_;
};

}  // namespace flowgap::parsers::paloalto
