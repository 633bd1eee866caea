// Following a simple destination NAT exactly (docs/formats.md, "NAT").
//
// flowgap evaluates flows on the roles' real addresses. A nat PREROUTING (or OUTPUT) rule
// `-d PUBLIC [-i IF] [-s SRC] [-p tcp|udp --dport N] -j DNAT --to-destination REAL[:N]` means that
// the packets of its sources that reach REAL were sent to PUBLIC: the tables before the DNAT
// (raw and mangle of the hook, the nat rules above it) match them as packets to PUBLIC, the
// tables after it as packets to REAL. Such a rule becomes an analysis::Translation, and each rule
// before it that matches the packets as sent gets a copy that decides them in real coordinates
// ("raw:PREROUTING#1 via NAT nat:PREROUTING#2"), as the Palo Alto parser does for its NAT rules.
// Everything else a destination rewrite does stays conditional (chains.cpp, Rewrites).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "parsers/iptables/chains.hpp"

namespace flowgap::parsers::iptables {

// The exact translations of one nat chain (PREROUTING or OUTPUT), built as `nat` with its
// `rewrites`: they are applied to `nat` and to `before`, the policies of the same hook that run
// before nat (raw, mangle; null when the dump lacks the table). Their packets are pairwise
// disjoint: two DNATs that could each have sent a packet are both left conditional. A DNAT whose
// packets `untracked` (what raw's CT --notrack may match) touches is not followed: the kernel
// skips the nat table for untracked packets.
// `destination_of` reads a rewrite's target as written (Rewrites::Certain::target) and gives its one
// destination ("10.0.0.5", "10.0.0.5:80", "[2001:db8::5]:80") when the target is a plain
// destination NAT and nothing else; nullopt otherwise (the rewrite stays conditional).
using DestinationOf = std::optional<std::string_view> (*)(std::string_view target);
std::vector<analysis::Translation> follow_dnat(analysis::Policy& nat, const Rewrites& rewrites,
                                               const std::vector<analysis::Policy*>& before,
                                               const analysis::FlowSpace& untracked,
                                               DestinationOf destination_of);

// iptables' reading: `DNAT --to-destination ONE`.
std::optional<std::string_view> iptables_destination(std::string_view target);

// Resolves the `--ctstate DNAT` tests of `policy` (a table after the nat hook of `translations`,
// built with `rewrites`) for the packets those translations certainly translated. Call it before
// anything is inserted ahead of the policy's rules (its indices are the build's).
void resolve_dnat_tests(analysis::Policy& policy, const Rewrites& rewrites,
                        const std::vector<analysis::Translation>& translations);

}  // namespace flowgap::parsers::iptables
