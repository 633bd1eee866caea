// Turning the filter table's chains into first-match policies by inlining user chains.
#pragma once

#include <vector>

#include "parsers/iptables/model.hpp"

namespace flowgap::parsers::iptables {

// Checks that no chain can reach itself through jumps and gotos (the kernel refuses such a
// table). Throws InputError located at a jump that closes a cycle.
void check_cycles(const Context& ctx, const std::vector<Chain>& chains);

// INPUT, OUTPUT and FORWARD as inbound, outbound and transit policies (a missing built-in
// chain has policy ACCEPT and no rules). Built-in chains' rules are moved out of `chains`.
// `budget` caps the number of rules inlining may produce; chains beyond it become one rule
// with an unknown outcome (and a warning) rather than an explosion.
std::vector<analysis::Policy> build_policies(const Context& ctx, std::vector<Chain>& chains, size_t budget);

}  // namespace flowgap::parsers::iptables
