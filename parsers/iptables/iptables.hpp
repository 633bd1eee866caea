// iptables-save and ip6tables-save dumps.
//
// The filter table's INPUT, OUTPUT and FORWARD chains become inbound, outbound and transit
// policies, with user chains, RETURN and goto inlined so that each policy is a plain
// first-match list. Only the first packet of a new connection is modelled: rules that match
// other conntrack states never match it.
#pragma once

#include <memory>
#include <string>

#include "analysis/rule.hpp"
#include "parsers/options.hpp"

namespace flowgap::parsers::iptables {

// True when `content` looks like iptables-save output (a `*table` line and `-A` or `:CHAIN`).
bool looks_like(std::string_view content);

// Parses a whole dump. Throws analysis::InputError, located, for input that is not a dump;
// constructs it does not model become warnings and conditional matches.
analysis::Firewall parse(std::shared_ptr<const std::string> path, std::shared_ptr<const std::string> content,
                         const ParseOptions& options);

}  // namespace flowgap::parsers::iptables
