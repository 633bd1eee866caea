// The vendor-independent rule model: rules, the policies they form, and a parsed firewall.
//
// Parsers resolve every vendor semantic (chains, zones, profiles, block-wins) into these types;
// checks read only these types.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/diagnostic.hpp"
#include "analysis/flow_space.hpp"
#include "analysis/string_list.hpp"

namespace flowgap::analysis {

enum class Action {
    allow,
    block,
    unknown,  // the config hands the packet to something it does not show (a userspace queue, ...)
};
std::string_view to_string(Action a);

// A condition that concerns only some of a rule's may_match packets: a Palo Alto rule's "an
// address outside every zone is in one of the rule's zones" says nothing about a packet whose
// addresses both have zones. Shared: one firewall's rules scope the same condition alike.
struct ConditionScope {
    std::string condition;
    std::shared_ptr<const FlowSpace> packets;
};

struct Rule {
    std::string name;
    Action action = Action::block;
    // Packets the rule certainly matches, and packets it matches only if a condition the config
    // cannot decide holds (an interface, an App-ID, an FQDN, ...). The two are disjoint.
    FlowSpace match;
    FlowSpace may_match;
    StringList conditions;  // why may_match is not certain, for the report
    // Conditions of `conditions` that hold only for some packets; the others concern them all.
    CompactList<ConditionScope> scopes;
    // The programs (lowercase executable file names, e.g. "taniumclient.exe") whose traffic the
    // rule is limited to; empty means any program. Host firewalls only (Windows).
    StringList programs;
    // Application identities the rule matches on (Palo Alto App-IDs, application groups and
    // filters, or "application-default" for a service that follows the application), as written.
    // Tanium asks for port-based rules instead; the app-id check reports these.
    StringList applications;
    SourceLocation location;
    std::string_view text;  // the rule as written; points into the owning Firewall's sources
    // Where the rule sits in the vendor's own structure, for remediation: the chain, rulebase or
    // rule list ("FORWARD", "vsys1 pre-rulebase") and its 1-based position there (0: unknown,
    // e.g. a policy default).
    std::string container;
    uint32_t position = 0;
    // How much of `name` names the rule alone, when the rest only describes it: 9 for
    // "FORWARD#5 (comment)", whose "FORWARD#5" a waiver may give instead. 0: the whole name.
    uint32_t name_key = 0;
};

// The conditions of `rule` that concern `packets` (some of its may_match), for reports.
std::vector<std::string> conditions_for(const Rule& rule, const FlowSpace& packets);

enum class Combine {
    first_match,  // the first matching rule decides (Palo Alto, iptables)
    block_wins,   // any matching block rule decides, else any allow rule (Windows)
};

// Which packets a policy filters: those addressed to the host, sent by it, or routed through.
enum class Direction { inbound, outbound, transit };
std::string_view to_string(Direction d);

struct Policy {
    std::string name;  // "INPUT", "vsys1 security rulebase", ...
    Direction direction = Direction::transit;
    Combine combine = Combine::first_match;
    // Disabled rules are not kept here; parsers count them as skipped. A deque: rules never move
    // once built (decisions point at them), and a parser can free its own structures while it
    // fills this one piece by piece, so the two never occupy memory at once.
    std::deque<Rule> rules;
    Rule default_rule;  // decides what no rule matched; its match is every packet
    // Whether an allow here admits packets, or only hands them on to the direction's next policy
    // (an iptables table other than filter: its ACCEPT ends only that table's chain). Exposure
    // checks blame the policies that admit.
    bool admits = true;
};

// A destination translation (destination NAT, a port forward) that the parser follows exactly:
// the packets of `packets`, written as flowgap evaluates them (from their sources to the real,
// translated address), are really sent to the `original` (public) address, and the tables or
// rules before the translation match them so. Ports are kept. Vendor-neutral: the parser that
// found it names the rule and its place.
struct Translation {
    std::string rule;  // the NAT rule's name ("nat:PREROUTING#1", "publish-zs1")
    SourceLocation location;
    AddressSet original;    // the one address the packets are sent to
    AddressSet translated;  // the one address they reach
    FlowSpace packets;      // in real coordinates: destination `translated`

    // The same packets as sent: destination `original`.
    FlowSpace as_sent() const;
    // What `seen`, packets in the sent coordinates (a rule as written, matching the original
    // address), holds of `packets`, moved back to the real coordinates flowgap evaluates.
    FlowSpace to_real(const FlowSpace& seen) const;
};

// The packets of `space` with their destination replaced by `destination` (one address).
FlowSpace redirected(const FlowSpace& space, const AddressSet& destination);

// One parsed configuration file.
struct Firewall {
    std::string format;  // "iptables", "paloalto", "netsh"
    std::shared_ptr<const std::string> path;
    std::vector<Policy> policies;
    std::vector<Diagnostic> warnings;
    // Packets the firewall never filters although they fall in its address space (a Palo Alto
    // firewall does not see traffic within one connected subnet).
    FlowSpace bypass;
    // The destination translations the parser follows exactly (the packets of each are disjoint).
    std::vector<Translation> translations;
    size_t rule_count = 0;  // rules as written in the file, disabled ones included
    // Owns the text that Rule::text points into.
    std::vector<std::shared_ptr<const std::string>> sources;
};

}  // namespace flowgap::analysis
