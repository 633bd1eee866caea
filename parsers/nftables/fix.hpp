// The nftables side of a fix, and of a rule's identity across two listings.
#pragma once

#include <string>
#include <string_view>

#include "analysis/remediation.hpp"

namespace flowgap::parsers::nftables {

// `nft 'insert rule inet fw input index N ... accept comment "flowgap: ID"'` before the rule that
// blocks (index: its place in the chain, counted from 0), or `add rule` for a chain's policy.
analysis::Remedy fix(const analysis::Fix& fix, const analysis::Flow& flow);

// The chain, the rule name without its position, and the rule text without counter values:
// what stays when rules are added above it or packets are counted.
std::string identity(std::string_view policy, std::string_view rule_name, std::string_view rule_text);

}  // namespace flowgap::parsers::nftables
