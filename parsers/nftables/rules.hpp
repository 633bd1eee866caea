// What a rule matches and does, for one address family: nft expressions become packet sets
// (certain and possible) and the rule's verdict becomes an iptables-style target, so that the
// netfilter chain inlining of parsers/iptables/chains.cpp runs unchanged on nftables chains.
#pragma once

#include <string>
#include <vector>

#include "parsers/iptables/model.hpp"
#include "parsers/nftables/ruleset.hpp"

namespace flowgap::parsers::nftables {

// Where a chain's rules are read: its table, whether conntrack has run when it does (a base
// chain hooked before conntrack's priority -200, or a netdev chain, sees no connection state),
// and what its policy and rules are called in reports ("inet fw input").
struct ChainPlace {
    const TableDecl* table = nullptr;
    const ChainDecl* chain = nullptr;
    bool before_conntrack = false;
    std::string container;
};

// The rules of one chain for the family of `ctx`, in order. A rule with a verdict map becomes one
// rule per element (the map's keys are disjoint, so their order decides nothing). Expressions
// flowgap does not model make a rule conditional (with a located warning when unknown to it).
void read_rules(const Ruleset& rs, const ChainPlace& place, const iptables::Context& ctx,
                std::deque<iptables::RuleSpec>& out);

}  // namespace flowgap::parsers::nftables
