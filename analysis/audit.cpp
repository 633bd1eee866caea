#include "analysis/audit.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace flowgap::analysis {

namespace {

bool has_direction(const Firewall& fw, Direction dir) {
    for (const auto& p : fw.policies) {
        if (p.direction == dir) return true;
    }
    return false;
}

void check_placement(const Deployment& d, const std::vector<Firewall>& firewalls) {
    for (size_t i = 0; i < firewalls.size(); ++i) {
        const Firewall& fw = firewalls[i];
        const FirewallSpec& spec = d.firewalls[i];
        bool host_only = !fw.policies.empty() && !has_direction(fw, Direction::transit);
        if (!spec.host && host_only) {
            throw InputError(
                spec.location,
                fmt::format("firewall '{}': its config filters only the traffic of the host it runs on; "
                            "say which host with `host:`",
                            spec.name));
        }
    }
}

// Whether `fw` has a translation from `public_address` to (some of) the role's addresses.
bool publishes(const Firewall& fw, const AddressSet& public_address, const AddressSet& role) {
    return std::any_of(fw.translations.begin(), fw.translations.end(), [&](const Translation& t) {
        return t.original == public_address && !t.translated.empty() && role.contains(t.translated);
    });
}

// `public:` under a role says its flows reach it from outside on those addresses, through a
// destination NAT of the network firewalls they cross. Where this firewall has no NAT rule
// flowgap follows for one of them, the packets to the role may be sent to an address it does not
// translate: what it allows of them is only conditional, and a note says which address.
void check_publication(const Deployment& d, const FirewallSpec& spec, const Firewall& fw, FlowAtFirewall& r) {
    if (spec.host) return;  // a host firewall sees the packets after any network NAT
    for (const auto& [name, list] : d.public_addresses) {
        const AddressSet role = d.role(name);
        FlowSpace to_role = r.crossing & FlowSpace::of(AddressSet::all(), role, ProtocolSet::all());
        if (to_role.empty()) continue;
        for (const auto& address : list) {
            if (publishes(fw, address, role)) continue;
            r.notes.push_back(fmt::format("no NAT rule of {} publishes {} (the public address of {})",
                                          spec.name, address.str(), name));
            r.allowed -= to_role;
        }
    }
    r.conditional = r.crossing - r.allowed - r.blocked;
    r.verdict = verdict_of(r.crossing, r.allowed, r.blocked);
}

}  // namespace

std::vector<Share> shares(const FirewallSpec& spec, const Firewall& fw, const FlowSpace& packets,
                          const std::string& from_program, const std::string& to_program) {
    std::vector<Share> out;
    if (spec.host) {
        const AddressSet any = AddressSet::all();
        FlowSpace own = FlowSpace::of(*spec.host, *spec.host, ProtocolSet::all()) | fw.bypass;
        FlowSpace in = (packets & FlowSpace::of(any, *spec.host, ProtocolSet::all())) - own;
        FlowSpace out_ = (packets & FlowSpace::of(*spec.host, any, ProtocolSet::all())) - own;
        if (!in.empty()) out.push_back({Direction::inbound, std::move(in), Context{to_program}});
        if (!out_.empty()) out.push_back({Direction::outbound, std::move(out_), Context{from_program}});
        return out;
    }
    FlowSpace crossing = packets - fw.bypass;
    // A router does not route a packet back out of the interface it came in on: traffic
    // between two addresses behind the same interface never reaches its forwarding rules.
    for (const auto& [name, area] : spec.interfaces)
        crossing -= FlowSpace::of(area, area, ProtocolSet::all());
    if (!crossing.empty()) out.push_back({Direction::transit, std::move(crossing), Context{}});
    return out;
}

std::vector<std::vector<Filtered>> filter_all(const FirewallSpec& spec, const Firewall& fw,
                                              const std::vector<Request>& requests) {
    std::vector<std::vector<Filtered>> out(requests.size());
    for (size_t i = 0; i < requests.size(); ++i) {
        for (auto& share :
             shares(spec, fw, requests[i].packets, requests[i].from_program, requests[i].to_program)) {
            FlowSpace all = share.packets;
            out[i].push_back({std::move(share), {}, std::move(all), {}});
        }
    }
    // One pass over each policy for every share it filters.
    for (const auto& policy : fw.policies) {
        std::vector<Filtered*> seen;
        std::vector<Query> queries;
        for (auto& list : out) {
            for (auto& f : list) {
                if (f.share.direction != policy.direction) continue;
                seen.push_back(&f);
                queries.push_back({f.share.packets, f.share.context});
            }
        }
        if (queries.empty()) continue;
        auto evaluations = evaluate_many(policy, queries);
        for (size_t q = 0; q < seen.size(); ++q) {
            // Packets pass a direction only if every policy filtering it lets them through.
            seen[q]->allowed &= evaluations[q].allowed;
            seen[q]->blocked |= evaluations[q].blocked;
            seen[q]->parts.push_back({&policy, std::move(evaluations[q])});
        }
    }
    for (auto& list : out) {
        for (auto& f : list)
            f.allowed -= f.blocked;
    }
    return out;
}

FlowAtFirewall at_firewall(size_t fi, const std::vector<Filtered>& filtered) {
    FlowAtFirewall r;
    r.firewall = fi;
    for (const auto& f : filtered) {
        r.crossing |= f.share.packets;
        for (const auto& part : f.parts)
            r.parts.push_back(part);
        if (f.parts.empty()) {
            r.notes.push_back(fmt::format("no rules filter {} traffic in this configuration",
                                          to_string(f.share.direction)));
        }
        r.allowed |= f.allowed;
        r.blocked |= f.blocked;
    }
    r.conditional = r.crossing - r.allowed - r.blocked;
    r.verdict = verdict_of(r.crossing, r.allowed, r.blocked);
    return r;
}

bool Audit::required_flows_allowed() const {
    for (const auto& e : end_to_end) {
        if (flows[e.flow].entry->level != Level::required) continue;
        if (e.verdict != Verdict::allowed && e.verdict != Verdict::not_applicable) return false;
    }
    return true;
}

Audit run_audit(const Deployment& d, const std::vector<Firewall>& firewalls) {
    check_placement(d, firewalls);
    Audit audit;
    audit.flows = expand(d);
    std::vector<Request> requests;
    for (const auto& flow : audit.flows)
        requests.push_back({flow.space, flow.from_program, flow.to_program});
    for (size_t fi = 0; fi < firewalls.size(); ++fi) {
        auto filtered = filter_all(d.firewalls[fi], firewalls[fi], requests);
        for (size_t k = 0; k < audit.flows.size(); ++k) {
            FlowAtFirewall r = at_firewall(fi, filtered[k]);
            r.flow = k;
            check_publication(d, d.firewalls[fi], firewalls[fi], r);
            if (r.verdict != Verdict::not_applicable) audit.results.push_back(std::move(r));
        }
    }
    // Together: a packet gets through when every firewall it crosses allows it.
    for (size_t k = 0; k < audit.flows.size(); ++k) {
        const FlowSpace& space = audit.flows[k].space;
        EndToEnd e;
        e.flow = k;
        e.allowed = space;
        for (const auto& r : audit.results) {
            if (r.flow != k) continue;
            e.firewalls.push_back(r.firewall);
            e.allowed &= r.allowed | (space - r.crossing);
            e.blocked |= r.blocked;
        }
        e.allowed -= e.blocked;
        e.conditional = space - e.allowed - e.blocked;
        e.verdict = e.firewalls.empty() ? Verdict::not_applicable : verdict_of(space, e.allowed, e.blocked);
        audit.end_to_end.push_back(std::move(e));
    }
    return audit;
}

}  // namespace flowgap::analysis
