// nftables rulesets: `nft list ruleset` output (and nftables.conf-style files of table blocks).
//
// Every base chain is a first-match policy of its own (user chains, jumps, gotos and returns
// inlined as for iptables), and a direction's policies run in the kernel's order: by hook
// (ingress, prerouting, input | forward | output, postrouting), then by priority. As in netfilter,
// accept ends only its own base chain, drop anywhere drops, and the chain policy decides what runs
// off its end. inet tables hold one set of chains for IPv4 and IPv6; each family is read apart and
// the chain decides each family's packets by its own rules.
#pragma once

#include <string_view>
#include <vector>

#include "analysis/rule.hpp"
#include "parsers/input.hpp"
#include "parsers/options.hpp"

namespace flowgap::parsers::nftables {

// True when the first statement of the file (past blank lines and comments) is a `table` block,
// `flush ruleset` or a `define`: how `nft list ruleset` output and nftables.conf files begin.
bool looks_like(std::string_view content);

// Parses one host's ruleset. Throws analysis::InputError, located, for input that is not a
// ruleset; expressions it does not model become conditional matches (unknown ones with a warning).
analysis::Firewall parse(const std::vector<Input>& inputs, const ParseOptions& options);

}  // namespace flowgap::parsers::nftables
