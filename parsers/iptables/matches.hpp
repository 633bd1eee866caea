// Turning the arguments of one rule line into the packets it matches.
//
// Only the first packet of a new connection is modelled (a TCP SYN, conntrack state NEW, not a
// fragment). A match is exact when the dump alone decides it for such a packet; otherwise the
// rule's packets go to Rule::may_match with the reason in Rule::conditions. Modules and options
// this parser does not know also become conditions, with a located warning: an unknown
// construct never silently matches or silently fails to match.
#pragma once

#include <span>
#include <string_view>

#include "parsers/iptables/grammar.hpp"
#include "parsers/iptables/model.hpp"

namespace flowgap::parsers::iptables {

struct RuleLine {
    uint32_t number = 0;          // 1-based line number
    std::string_view text;        // the whole line, for columns
    std::span<const Token> args;  // the arguments after `-A CHAIN`
    size_t name_prefix = 0;       // at most the length of the rule's "CHAIN#n"
};

// Parses a rule's matches and target into `out` (whose name, location and text are already
// set). Packet sets are built only when `build_spaces` (the filter table); other tables are
// checked for syntax only. Throws InputError for malformed arguments.
void parse_rule_args(const Context& ctx, const RuleLine& line, bool build_spaces, RuleSpec& out);

}  // namespace flowgap::parsers::iptables
