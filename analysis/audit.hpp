// The audit: every catalog flow of a deployment evaluated against every firewall it crosses,
// and against all of them together.
#pragma once

#include <string>
#include <vector>

#include "analysis/catalog.hpp"
#include "analysis/deployment.hpp"
#include "analysis/evaluate.hpp"

namespace flowgap::analysis {

struct PolicyResult {
    const Policy* policy = nullptr;
    Evaluation evaluation;
};

// One flow at one firewall.
struct FlowAtFirewall {
    size_t flow = 0;      // index into Audit::flows
    size_t firewall = 0;  // index into the deployment's firewalls (and the parsed list)
    FlowSpace crossing;   // the flow's packets this firewall filters
    std::vector<PolicyResult> parts;
    std::vector<std::string> notes;
    FlowSpace allowed, blocked, conditional;
    Verdict verdict = Verdict::not_applicable;
};

// One flow through every firewall it crosses: what they let through together.
struct EndToEnd {
    size_t flow = 0;
    std::vector<size_t> firewalls;  // the ones it crosses
    FlowSpace allowed, blocked, conditional;
    Verdict verdict = Verdict::not_applicable;
};

struct Audit {
    std::vector<Flow> flows;
    std::vector<FlowAtFirewall> results;  // by firewall, then catalog order; crossing flows only
    std::vector<EndToEnd> end_to_end;     // catalog order, one per flow
    // True when every required flow is allowed end to end (or crosses no firewall).
    bool required_flows_allowed() const;
};

// The part of `packets` a firewall filters, by the direction of the policies that see it: a
// host firewall sees packets to its host (inbound, received by `to_program`) and from it
// (outbound, sent by `from_program`); a network firewall sees the rest as transit, less the
// packets it never sees (Firewall::bypass, same-interface traffic).
struct Share {
    Direction direction;
    FlowSpace packets;
    Context context;
};
std::vector<Share> shares(const FirewallSpec& spec, const Firewall& fw, const FlowSpace& packets,
                          const std::string& from_program = "", const std::string& to_program = "");

// Many packet sets through one firewall: for each request, its shares with what the policies
// of each share's direction decide (every policy of a direction must allow a packet; a direction
// no policy filters lets everything through and has no parts). Each policy is walked once for
// all requests.
struct Request {
    FlowSpace packets;
    std::string from_program;
    std::string to_program;
};
struct Filtered {
    Share share;
    std::vector<PolicyResult> parts;
    FlowSpace allowed;
    FlowSpace blocked;
};
std::vector<std::vector<Filtered>> filter_all(const FirewallSpec& spec, const Firewall& fw,
                                              const std::vector<Request>& requests);

// One request's shares at firewall `fi` together, as the audit reports them (FlowAtFirewall::flow
// is left 0): a packet passes when every policy of its direction lets it through.
FlowAtFirewall at_firewall(size_t fi, const std::vector<Filtered>& filtered);

// `firewalls[i]` is the parsed config of `d.firewalls[i]`. Throws InputError when a firewall's
// policies cannot be placed (a host-only config without `host:`).
Audit run_audit(const Deployment& d, const std::vector<Firewall>& firewalls);

}  // namespace flowgap::analysis
