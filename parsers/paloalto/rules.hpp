// One security rule (or default rule) of the tree as a model Rule.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "analysis/rule.hpp"
#include "parsers/paloalto/objects.hpp"
#include "parsers/paloalto/zones.hpp"

namespace flowgap::parsers::paloalto {

// A rule entry's children by name, read once: a rule is consulted for some twenty fields, and
// pugixml's child(name) scans the siblings each time.
class Fields {
  public:
    explicit Fields(pugi::xml_node entry);
    pugi::xml_node operator[](std::string_view name) const;
    std::string_view value(std::string_view name) const { return (*this)[name].child_value(); }

  private:
    std::vector<std::pair<std::string_view, pugi::xml_node>> items_;
};

class RuleTranslator {
  public:
    RuleTranslator(const Tree& tree, Resolver& resolver, const ZoneMap& zones,
                   std::vector<analysis::Diagnostic>& warnings)
        : tree_(tree), resolver_(resolver), zones_(zones), warnings_(warnings) {}

    // A security rule entry. `where` names its rulebase ("shared pre-rulebase", ...).
    analysis::Rule rule(pugi::xml_node entry);

    // intrazone-default and interzone-default, each with its override entry (or none).
    std::vector<analysis::Rule> default_rules(pugi::xml_node intrazone, pugi::xml_node interzone);

  private:
    analysis::Action action(const Fields& f, analysis::Action fallback);
    const ZonePairs& pairs(const Fields& f);
    std::vector<std::string> global_conditions(const Fields& f, const AppMatch& apps);

    const Tree& tree_;
    Resolver& resolver_;
    const ZoneMap& zones_;
    std::vector<analysis::Diagnostic>& warnings_;
    std::unordered_map<std::string, ZonePairs> pairs_;  // by from/to/rule-type, shared by rules
    std::string key_;                                   // pairs_'s key for the rule at hand
};

}  // namespace flowgap::parsers::paloalto
