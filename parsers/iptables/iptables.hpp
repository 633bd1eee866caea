// iptables-save and ip6tables-save dumps, and `iptables -S` / `ip6tables -S` listings of the
// filter table (listing.hpp: what they allow is conditional).
//
// The filter table's INPUT, OUTPUT and FORWARD chains become inbound, outbound and transit
// policies, with user chains, RETURN and goto inlined so that each policy is a plain
// first-match list. Only the first packet of a new connection is modelled: rules that match
// other conntrack states never match it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "analysis/rule.hpp"
#include "parsers/input.hpp"
#include "parsers/options.hpp"

namespace flowgap::parsers::iptables {

// True when `content` looks like iptables-save output (a `*table` line and `-A` or `:CHAIN`) or
// like an `iptables -S` listing (listing.hpp).
bool looks_like(std::string_view content);

// Parses a whole dump. Throws analysis::InputError, located, for input that is not a dump;
// constructs it does not model become warnings and conditional matches.
analysis::Firewall parse(std::shared_ptr<const std::string> path, std::shared_ptr<const std::string> content,
                         const ParseOptions& options);

// A dump and the address family it was read as (see formats.md: the header, else the addresses).
struct Dump {
    analysis::Firewall firewall;
    analysis::Family family = analysis::Family::v4;
};
Dump parse_dump(std::shared_ptr<const std::string> path, std::shared_ptr<const std::string> content,
                const ParseOptions& options);

// One host's iptables-save and ip6tables-save dumps as one firewall: each chain's IPv4 rules and
// policy decide IPv4 packets, its IPv6 ones IPv6 packets. Two dumps of one family contradict
// each other: an InputError at the second, naming the first.
analysis::Firewall parse(const std::vector<Input>& dumps, const ParseOptions& options);

}  // namespace flowgap::parsers::iptables
