// One host's nftables ruleset together with its iptables-legacy tables (issue #16): the kernel
// runs both on the same hooks, so a packet passes only if both let it through.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "analysis/rule.hpp"
#include "parsers/input.hpp"
#include "parsers/options.hpp"

namespace flowgap::parsers::nftables {

// Per direction, the packets a destination rewrite may have sent elsewhere. `exact`: followed
// translations' packets, as sent and as translated (what runs after the rewrite saw the real
// address, as flowgap evaluates it; what runs before saw the public one). `unknown`: any other
// rewrite's sources to any destination (whatever ran before or after saw another address).
struct Rewritten {
    analysis::Direction direction;
    analysis::FlowSpace exact;
    analysis::FlowSpace unknown;
};

// What the nft side tells the merge: its tables ("ip filter"), its rewrites, and which of its
// policies (indices into Firewall::policies) run at or before destination NAT (ingress, and
// prerouting or output chains of priority dstnat or lower).
struct NftSide {
    std::vector<std::pair<std::string, std::string>> tables;  // (family, name)
    std::vector<Rewritten> rewritten;
    std::vector<size_t> before_dstnat;
};

// Adds the iptables-save dumps `dumps` to `fw` (the nft ruleset's firewall). A dump written by
// iptables-nft-save ("(nf_tables)" in its header) shows tables the nft ruleset already holds: it is
// left out with a warning, not counted twice (an error where the ruleset lacks one of its tables:
// the files are not of one host at one time). The other dumps are the legacy tables: their
// policies follow the nft chains of each direction, and each side's chains get a rule of unknown
// outcome, at their head, for the packets the other side's destination NAT may have rewritten
// (those chains saw another destination).
void merge_legacy(analysis::Firewall& fw, const NftSide& nft, const std::vector<Input>& dumps,
                  const ParseOptions& options);

// The container prefix of a legacy policy's rules: its fixes are iptables-legacy commands.
inline constexpr std::string_view kLegacyContainer = "legacy|";

}  // namespace flowgap::parsers::nftables
