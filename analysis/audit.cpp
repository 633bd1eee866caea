#include "analysis/audit.hpp"

#include <fmt/format.h>

namespace flowgap::analysis {

namespace {

bool has_direction(const Firewall& fw, Direction dir) {
    for (const auto& p : fw.policies) {
        if (p.direction == dir) return true;
    }
    return false;
}

// Packets pass a direction only if every policy filtering that direction lets them through
// (e.g. several base chains on one hook). A direction no policy filters lets everything pass.
void evaluate_direction(const Firewall& fw, Direction dir, const FlowSpace& packets, const Context& context,
                        FlowAtFirewall& out) {
    if (packets.empty()) return;
    FlowSpace allowed = packets, blocked;
    bool filtered = false;
    for (const auto& p : fw.policies) {
        if (p.direction != dir) continue;
        filtered = true;
        Evaluation ev = evaluate(p, packets, context);
        allowed &= ev.allowed;
        blocked |= ev.blocked;
        out.parts.push_back({&p, std::move(ev)});
    }
    if (!filtered) {
        out.notes.push_back(fmt::format("no rules filter {} traffic in this configuration", to_string(dir)));
    }
    out.allowed |= allowed - blocked;
    out.blocked |= blocked;
}

FlowAtFirewall at_firewall(const Deployment& d, size_t fi, const Firewall& fw, const Flow& flow) {
    FlowAtFirewall r;
    r.firewall = fi;
    for (auto& share : shares(d.firewalls[fi], fw, flow.space, flow.from_program, flow.to_program)) {
        r.crossing |= share.packets;
        evaluate_direction(fw, share.direction, share.packets, share.context, r);
    }
    r.conditional = r.crossing - r.allowed - r.blocked;
    r.verdict = verdict_of(r.crossing, r.allowed, r.blocked);
    return r;
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
    for (size_t fi = 0; fi < firewalls.size(); ++fi) {
        for (size_t k = 0; k < audit.flows.size(); ++k) {
            FlowAtFirewall r = at_firewall(d, fi, firewalls[fi], audit.flows[k]);
            r.flow = k;
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
