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

FlowSpace redirected(const FlowSpace& space, const AddressSet& destination) {
    FlowSpace out;
    for (const auto& b : space.boxes())
        out |= FlowSpace::of(b.src, destination, b.proto, b.dport, b.sport);
    return out;
}

FlowSpace Translation::as_sent() const {
    return redirected(packets, original);
}

FlowSpace Translation::to_real(const FlowSpace& seen) const {
    if (!seen.intersects(FlowSpace::of(AddressSet::all(), original, ProtocolSet::all()))) return {};
    return redirected(seen & as_sent(), translated);
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
