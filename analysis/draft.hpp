// Drafting a deployment from the exports themselves (`flowgap init`): which addresses the rules
// say are the Tanium Server, the Module Server, the endpoints, ... each guess with the rules that
// point to it. Vendor-independent: it reads only the parsed rule model. Writing the guesses as a
// deployment file is src/init/'s work.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "analysis/address.hpp"
#include "analysis/rule.hpp"

namespace flowgap::analysis {

// One rule that points to a guess: where it is, its name, and what it says.
struct Evidence {
    SourceLocation location;
    std::string rule;
    std::string why;  // "destination of an allowed tcp/17472"
};

// A guess for a role, a host or an interface: addresses, or (`host_of` set, addresses empty) the
// still unknown address of the host a host firewall protects.
struct Candidate {
    AddressSet addresses;
    std::string host_of;  // a firewall's name: "the host this firewall protects"
    int score = 0;        // port evidence weighs more than names
    std::vector<Evidence> evidence;

    std::string key() const { return host_of.empty() ? addresses.str() : "host of " + host_of; }
};

// One export (or several of one firewall) to draft from.
struct DraftInput {
    std::string name;                  // the firewall's name in the draft
    std::vector<std::string> configs;  // as the draft's `config:` writes them
    const Firewall* firewall = nullptr;
};

struct FirewallDraft {
    std::string name;
    std::vector<std::string> configs;
    bool host_firewall = false;                   // no transit policy allows anything
    std::vector<Candidate> host;                  // ranked; empty: unknown
    std::map<std::string, Candidate> interfaces;  // names the rules use, with the addresses seen on them
};

struct Draft {
    // role name -> candidates, best first (ties broken by the addresses' text, so the ranking
    // does not depend on the order of the inputs' rules beyond their evidence).
    std::map<std::string, std::vector<Candidate>> roles;
    std::string database_engine;  // "postgresql" when the evidence points there; empty: unknown
    std::vector<Evidence> database_engine_evidence;
    // "appliance" when rules open tcp/8443 to the server (the appliance console) and none sends
    // tcp/1433 (SQL Server, Windows only) from it; empty: no evidence either way (windows).
    std::string platform;
    std::vector<Evidence> platform_evidence;
    std::vector<FirewallDraft> firewalls;
};

// Reads the allow rules of every input for the Tanium ports (`ports` as the defaults) and for
// names that mention Tanium. Deterministic: the same inputs give the same draft.
Draft draft_deployment(const std::vector<DraftInput>& inputs);

// The role names a draft always writes (TODO when nothing was found): the ones a Windows
// deployment needs.
const std::vector<std::string>& drafted_roles();

}  // namespace flowgap::analysis
