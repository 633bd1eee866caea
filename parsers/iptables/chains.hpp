// Turning the filter table's chains into first-match policies by inlining user chains.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parsers/iptables/model.hpp"

namespace flowgap::parsers::iptables {

// Checks that no chain can reach itself through jumps and gotos (the kernel refuses such a
// table). Throws InputError located at a jump that closes a cycle.
void check_cycles(const Context& ctx, const std::vector<Chain>& chains);

// Where a built-in chain runs: its table and hook, and the name its policy gets in reports
// ("INPUT" for the filter table, "raw PREROUTING" for the others).
struct Hook {
    std::string_view table;
    std::string_view chain;
    std::string name;
};

// The nat rules of a chain that rewrite the destination (DNAT, REDIRECT, NETMAP before routing),
// as the policy holds them: later tables see the rewritten packets, which flowgap does not model
// (dnat.cpp follows the simple ones exactly).
struct Rewrites {
    std::vector<analysis::Rule> rules;
    // Rewrites whose packets certainly reach them and that have no condition of their own: where
    // the policy holds them, what they certainly match, and their target as written
    // ("DNAT --to-destination 10.10.1.10").
    struct Certain {
        size_t index = 0;
        analysis::FlowSpace packets;
        std::string_view target;
    };
    std::vector<Certain> certain;
    // Rules of the policy (by index) that test `--ctstate DNAT` (RuleSpec::dnat_test, the sign
    // kept) and that every packet of their own space certainly reaches.
    std::vector<std::pair<size_t, int8_t>> dnat_tests;
};

// The packets of `box` as a destination rewrite sends them: to the address (range) and port of
// `to` ("A[-B][:P[-Q]]", "[IPv6]:P", ":P"), to any destination where `to` names no address.
analysis::Box retargeted(analysis::Box box, std::string_view to);

// Whether a policy can stop a packet (ACCEPT ends only its own table's chain: a policy that only
// accepts changes no verdict).
bool stops_packets(const analysis::Policy& p);

// For the tables (nftables: chains) that ran before `rewrites`: they saw another destination than
// the packets each rewrite produced, so what they decide for those is unknown. One rule of unknown
// outcome per rewrite, for what it produced less `followed` (translations followed exactly), to
// go at their head. `to_of` gives a rewrite's target as retargeted() reads it.
std::vector<analysis::Rule> guards_before(const Rewrites& rewrites, const analysis::FlowSpace& followed,
                                          std::string (*to_of)(const analysis::Rule&));

// The built-in chain `builtin` of one table as a first-match policy (a missing chain, nullptr,
// has policy ACCEPT and no rules); its rules are moved out of `chains`. `budget` caps the number
// of rules inlining may produce; chains beyond it become one rule with an unknown outcome (and a
// warning) rather than an explosion. The policy's direction is left for the caller to set.
analysis::Policy build_policy(const Context& ctx, std::vector<Chain>& chains, const Chain* builtin,
                              const Hook& hook, size_t budget, Rewrites& rewrites);

}  // namespace flowgap::parsers::iptables
