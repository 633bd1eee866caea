// One security rule (or default rule) of the tree as a model Rule.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "analysis/rule.hpp"
#include "parsers/paloalto/objects.hpp"
#include "parsers/paloalto/zones.hpp"

namespace flowgap::parsers::paloalto {

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
    analysis::Action action(pugi::xml_node entry, analysis::Action fallback);
    const ZonePairs& pairs(pugi::xml_node entry);
    std::vector<std::string> global_conditions(pugi::xml_node entry, const AppMatch& apps);

    const Tree& tree_;
    Resolver& resolver_;
    const ZoneMap& zones_;
    std::vector<analysis::Diagnostic>& warnings_;
    std::unordered_map<std::string, ZonePairs> pairs_;  // by from/to/rule-type, shared by rules
};

}  // namespace flowgap::parsers::paloalto
