// What names an iptables rule across two exports of one firewall.
#pragma once

#include <string>
#include <string_view>

namespace flowgap::parsers::iptables {

// A rule's identity from what a report states of it. iptables names are positions
// (`FORWARD#5 (comment)`), which shift when rules are added above, and iptables-save counters
// (`[12:3456]`) change with traffic: the identity is the policy, the name without `#N` and the
// text without counters, its runs of blanks folded into one space.
std::string identity(std::string_view policy, std::string_view rule_name, std::string_view rule_text);

}  // namespace flowgap::parsers::iptables
