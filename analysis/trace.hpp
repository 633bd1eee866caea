// One packet through one firewall, rule by rule, like a packet tracer (`flowgap explain`).
//
// The trace is the evaluator's own answer laid out along the policy: it runs the packet through
// the same filter_all() the audit runs its flows through, and annotates each rule with the
// decisions evaluate() made. It never walks first-match or block-wins itself, so an explanation
// cannot say "allowed" where the audit says otherwise. What it adds is explanation only: why a
// rule missed the packet, and that a block-wins policy's rule matched but lost to another.
#pragma once

#include <string>
#include <vector>

#include "analysis/audit.hpp"

namespace flowgap::analysis {

// One rule the policy consulted for the packet.
struct TraceStep {
    enum class Outcome {
        no_match,    // the rule does not hold the packet; `why` names a dimension that misses
        overridden,  // block-wins: the rule holds the packet, but another rule took it first
        may_match,   // the rule holds the packet if its conditions do (`why`: the conditions)
        matches,     // the rule decides the packet
    };
    const Rule* rule = nullptr;
    Outcome outcome = Outcome::no_match;
    // no_match: "destination port is 443"; may_match: the rule's conditions joined by "; ";
    // overridden: "a matching block rule wins", or which rule took the packet first when that is
    // not a block rule overriding an allow rule; matches: empty.
    std::string why;
    // no_match on an address: `why` with the set shortened (AddressSet::brief) for the text
    // view, where a zone's whole address set would be a 14,000-character line. Else empty.
    std::string brief;
    // overridden: the rule only may match (its conditions, its program); may_match: always true.
    bool conditional = false;
};
std::string_view to_string(TraceStep::Outcome o);  // "no-match", "overridden", "may-match", "matches"

// The packet through one policy: the rules in written order up to the one that decides it (a
// first-match policy stops there; block-wins consults all), then the default's decisions.
struct PolicyTrace {
    const Policy* policy = nullptr;
    std::vector<TraceStep> steps;
    std::vector<Decision> defaults;  // the evaluator's decisions of the policy's default
    Verdict verdict = Verdict::not_applicable;
};

// The packet in one direction the firewall filters it (inbound, outbound or transit), with the
// program that sends or receives it there. `policies` is empty when no policy filters the
// direction: then the firewall lets the packet through.
struct TraceShare {
    Direction direction = Direction::transit;
    Context context;
    std::vector<PolicyTrace> policies;
    Verdict verdict = Verdict::not_applicable;  // every policy of the direction together
};

struct Trace {
    Packet packet;
    std::string program;  // as given to trace()
    // False when the firewall never sees the packet (not to or from its host, between two
    // addresses behind one interface, or in its bypass); `shares` is then empty.
    bool filtered = false;
    std::vector<TraceShare> shares;
    // The firewall's verdict as the audit reports a flow at a firewall (FlowAtFirewall::verdict):
    // not_applicable when not filtered.
    Verdict verdict = Verdict::not_applicable;
};

// `program` is the local program on a host firewall (lowercase file name), or empty; it is the
// sender for outbound packets and the receiver for inbound ones. The trace points into `fw`.
Trace trace(const FirewallSpec& spec, const Firewall& fw, const Packet& packet, const std::string& program);

}  // namespace flowgap::analysis
