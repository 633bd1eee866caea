#include "analysis/rule.hpp"

#include <algorithm>

namespace flowgap::analysis {

std::string_view to_string(Action a) {
    switch (a) {
        case Action::allow: return "allow";
        case Action::block: return "block";
        case Action::unknown: return "unknown";
    }
    return "unknown";
}

std::vector<std::string> conditions_for(const Rule& rule, const FlowSpace& packets) {
    std::vector<std::string> out;
    for (const auto& c : rule.conditions) {
        auto scope = std::find_if(rule.scopes.begin(), rule.scopes.end(),
                                  [&](const ConditionScope& s) { return s.condition == c; });
        if (scope == rule.scopes.end() || scope->packets->intersects(packets)) out.push_back(c);
    }
    // Every condition scoped away would leave a conditional decision without a reason: a scope
    // narrower than the rule's may_match is the parser's mistake, and the whole list is honest.
    if (out.empty())
        for (const auto& c : rule.conditions)
            out.push_back(c);
    return out;
}

std::string_view to_string(Direction d) {
    switch (d) {
        case Direction::inbound: return "inbound";
        case Direction::outbound: return "outbound";
        case Direction::transit: return "transit";
    }
    return "transit";
}

}  // namespace flowgap::analysis
