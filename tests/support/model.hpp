// Hand-built rule-model pieces for tests that exercise the engine without a parser.
#pragma once

#include <string>
#include <vector>

#include "analysis/rule.hpp"

namespace flowgap::testing {

inline analysis::AddressSet addr(const char* text) {
    return *analysis::AddressSet::parse_list(text);
}

inline analysis::FlowSpace tcp_to(const char* src, const char* dst, const char* ports) {
    using namespace flowgap::analysis;
    return FlowSpace::of(addr(src), addr(dst), ProtocolSet::single(protocol::tcp), *PortSet::parse(ports));
}

inline analysis::Rule rule(std::string name, analysis::Action action, analysis::FlowSpace match,
                           uint32_t line = 0) {
    analysis::Rule r;
    r.name = std::move(name);
    r.action = action;
    r.match = std::move(match);
    r.location.line = line;
    return r;
}

// A policy of `rules` whose default ("default", line 1) takes `default_action` on every packet.
inline analysis::Policy policy(analysis::Direction dir, analysis::Action default_action,
                               std::vector<analysis::Rule> rules) {
    analysis::Policy p;
    p.name = std::string(to_string(dir));
    p.direction = dir;
    p.rules.assign(std::make_move_iterator(rules.begin()), std::make_move_iterator(rules.end()));
    p.default_rule = rule("default", default_action, analysis::FlowSpace::all(), 1);
    return p;
}

}  // namespace flowgap::testing
