#include "analysis/checks.hpp"

#include <map>
#include <optional>

#include <fmt/format.h>

namespace flowgap::analysis {

namespace {

// clang-format off
const std::vector<CheckInfo> kChecks = {
    {"exposed-server-port", Severity::high,
     "the server's client port reachable from beyond the endpoints and cluster peers (critical when from public addresses)"},
    {"exposed-console", Severity::high, "console ports on the server reachable from beyond console hosts and module servers"},
    {"exposed-module-port", Severity::high, "the Module Server port reachable from anything but the Tanium Servers"},
    {"exposed-database", Severity::high, "the database port reachable from anything but the Tanium Servers"},
    {"exposed-management", Severity::high, "appliance SSH, SNMP or iDRAC reachable from beyond the admin hosts"},
    {"outbound-server-port", Severity::medium, "servers allowed out on the client port to anything but zone servers and cluster peers"},
    {"cross-lan-peering", Severity::medium, "endpoint-to-endpoint peering allowed across LAN boundaries"},
    {"any-any-rule", Severity::high, "an allow rule with any source, any destination and any service reaching a Tanium host"},
    {"plain-http-egress", Severity::info, "tcp/80 allowed out from Tanium servers where 443 is the best practice"},
    {"app-id-rule", Severity::medium, "a rule matching on application identity decides part of a Tanium flow"},
};
// clang-format on

Severity default_severity(std::string_view id) {
    for (const auto& c : kChecks) {
        if (c.id == id) return c.severity;
    }
    return Severity::medium;
}

// Which policies a probe is about: packets toward Tanium hosts are filtered where they arrive
// (inbound host policies) or pass (transit); packets from Tanium hosts where they leave.
enum class Toward { tanium_host, from_tanium_host };

struct Probe {
    std::string_view id;
    Toward toward;
    FlowSpace packets;  // every packet that could reach the opening
    FlowSpace needed;   // the part Tanium's flows need
    // The severity when the excess admits public internet sources, if that is worse than the
    // check's own: an opening the whole internet can reach is no longer a matter of scoping.
    std::optional<Severity> from_internet = std::nullopt;
};

FlowSpace tcp(const AddressSet& src, const AddressSet& dst, const PortSet& ports) {
    return FlowSpace::of(src, dst, ProtocolSet::single(protocol::tcp), ports);
}

FlowSpace needed_by(const Audit& audit, std::initializer_list<std::string_view> ids) {
    FlowSpace out;
    for (const auto& f : audit.flows) {
        for (auto id : ids) {
            if (f.entry->id == id) out |= f.space;
        }
    }
    return out;
}

PortSet ports_of(const std::vector<uint32_t>& list) {
    PortSet out;
    for (uint32_t p : list)
        out = out | PortSet::single(p);
    return out;
}

std::vector<Probe> probes(const Deployment& d, const Audit& audit) {
    const AddressSet any = AddressSet::all();
    const AddressSet server = d.role("server"), module = d.role("module_server");
    const PortSet client_port = PortSet::single(d.ports.server);
    const bool appliance = d.platform == Platform::appliance;
    std::vector<Probe> out;
    out.push_back({"exposed-server-port", Toward::tanium_host, tcp(any, server, client_port),
                   needed_by(audit, {"client-to-server", "server-to-server"}), Severity::critical});
    out.push_back({"exposed-console", Toward::tanium_host, tcp(any, server, ports_of(d.ports.console)),
                   needed_by(audit, {"console-to-server", "module-to-server"})});
    out.push_back({"exposed-module-port", Toward::tanium_host,
                   tcp(any, module, PortSet::single(d.ports.module)),
                   needed_by(audit, {"server-to-module"})});
    if (appliance) {  // the database is local: no network rule should reach it
        out.push_back({"exposed-database", Toward::tanium_host, tcp(any, server, PortSet::single(5432)), {}});
        AddressSet appliances = server | module;
        FlowSpace mgmt =
            tcp(any, appliances, PortSet::single(22)) |
            FlowSpace::of(any, appliances, ProtocolSet::single(protocol::udp), PortSet::single(161)) |
            tcp(any, d.role("idrac"), *PortSet::parse("443,5900"));
        out.push_back({"exposed-management", Toward::tanium_host, mgmt,
                       needed_by(audit, {"appliance-ssh", "appliance-snmp", "appliance-idrac"})});
    } else if (d.declares("database")) {
        out.push_back({"exposed-database", Toward::tanium_host,
                       tcp(any, d.role("database"), PortSet::single(d.database_port())),
                       needed_by(audit, {"server-to-database"})});
    }
    out.push_back({"outbound-server-port", Toward::from_tanium_host, tcp(server, any, client_port),
                   needed_by(audit, {"server-to-server", "hub-to-zone"})});
    AddressSet endpoints = d.role("endpoints");
    out.push_back({"cross-lan-peering", Toward::tanium_host, tcp(endpoints, endpoints, client_port),
                   needed_by(audit, {"client-peering"})});
    out.push_back(
        {"plain-http-egress", Toward::from_tanium_host, tcp(server | module, any, PortSet::single(80)), {}});
    return out;
}

bool applies(Toward toward, Direction dir) {
    if (dir == Direction::transit) return true;
    return toward == Toward::tanium_host ? dir == Direction::inbound : dir == Direction::outbound;
}

// What each allow rule (or allowing default) of a firewall admits of `packets`, certain and
// possible, keyed by rule in policy order.
struct Admitted {
    const Policy* policy;
    const Rule* rule;
    FlowSpace certain;
    FlowSpace possible;
};

std::vector<Admitted> admitted(const std::vector<Filtered>& filtered, Toward toward) {
    std::vector<Admitted> out;
    for (const auto& f : filtered) {
        if (!applies(toward, f.share.direction)) continue;
        for (const auto& part : f.parts) {
            if (!part.policy->admits) continue;
            for (const auto& dec : part.evaluation.decisions) {
                if (dec.rule->action != Action::allow) continue;
                // What another policy of the direction certainly blocks is not admitted. A lone
                // policy never blocks what it allows: no need to pay for the subtraction then.
                FlowSpace space = f.parts.size() > 1 ? dec.space - f.blocked : dec.space;
                if (space.empty()) continue;
                auto it = std::find_if(out.begin(), out.end(),
                                       [&](const Admitted& a) { return a.rule == dec.rule; });
                if (it == out.end()) it = out.insert(out.end(), Admitted{part.policy, dec.rule, {}, {}});
                (dec.conditional ? it->possible : it->certain) |= space;
            }
        }
    }
    return out;
}

std::string describe(const FlowSpace& s) {
    return fmt::format("{}/{} from {} to {}", s.protocols().str(), s.dports().str(), s.sources().brief(),
                       s.destinations().brief());
}

// The translations of `fw` whose packets `excess` holds: the rule admits them on the real
// address, but they are sent to the public one, which is what the world sees exposed.
std::vector<const Translation*> published(const Firewall& fw, const FlowSpace& excess) {
    std::vector<const Translation*> out;
    for (const auto& t : fw.translations)
        if (t.packets.intersects(excess)) out.push_back(&t);
    return out;
}

// " (published as 198.51.100.10 by DNAT nat:PREROUTING#1, fw.rules:15:1)", or nothing.
std::string published_text(const std::vector<const Translation*>& list) {
    if (list.empty()) return "";
    std::vector<std::string> parts;
    for (const Translation* t : list) {
        parts.push_back(
            fmt::format("published as {} by DNAT {}, {}", t->original.str(), t->rule, t->location.str()));
    }
    return fmt::format(" ({})", fmt::join(parts, "; "));
}

void exposure_findings(size_t fi, const Firewall& fw, const std::vector<Filtered>& filtered,
                       const Probe& probe, std::vector<Finding>& out) {
    for (auto& a : admitted(filtered, probe.toward)) {
        FlowSpace admits = a.certain | a.possible;
        FlowSpace excess = admits - probe.needed;
        if (excess.empty()) continue;
        Finding f;
        f.check = std::string(probe.id);
        f.severity = default_severity(probe.id);
        if (probe.from_internet && excess.sources().intersects(AddressSet::public_internet())) {
            f.severity = *probe.from_internet;
        }
        f.firewall = fi;
        f.policy = a.policy;
        f.rule = a.rule;
        f.conditional = (a.certain - probe.needed).empty();
        f.needed = admits & probe.needed;
        f.published = published(fw, excess);
        f.message = fmt::format("{} {} {}{} beyond what Tanium needs", a.rule->name,
                                f.conditional ? "may admit" : "admits", describe(excess),
                                published_text(f.published));
        f.excess = std::move(excess);
        out.push_back(std::move(f));
    }
}

// An allow rule (or allowing default) that matches every packet of a family and reaches a
// Tanium host.
FlowSpace any_any_probe(const Deployment& d) {
    AddressSet tanium =
        d.role("server") | d.role("module_server") | d.role("database") | d.role("zone_server");
    return FlowSpace::of(AddressSet::all(), tanium, ProtocolSet::all());
}

void any_any_findings(size_t fi, const std::vector<Filtered>& filtered, std::vector<Finding>& out) {
    for (auto& a : admitted(filtered, Toward::tanium_host)) {
        // Any-any in the family of the Tanium hosts it reaches: a rule that matches all of IPv6
        // but only some IPv4 packets is no any-any rule for IPv4 Tanium hosts.
        bool any_any = false;
        for (const auto& family : {AddressSet::all_v4(), AddressSet::all_v6()}) {
            FlowSpace everything = FlowSpace::of(family, family, ProtocolSet::all());
            any_any = any_any || ((everything - a.rule->match).empty() && a.certain.intersects(everything));
        }
        if (!any_any) continue;
        Finding f;
        f.check = "any-any-rule";
        f.severity = default_severity(f.check);
        f.firewall = fi;
        f.policy = a.policy;
        f.rule = a.rule;
        f.excess = a.certain;
        f.message = fmt::format(
            "{} allows any source to any destination on any service, Tanium hosts included", a.rule->name);
        out.push_back(std::move(f));
    }
}

// Rules that match on application identity and decide part of a flow. High when the rule is
// the only one allowing any part of a required flow at that firewall.
void app_id_findings(const Audit& audit, size_t fi, std::vector<Finding>& out) {
    std::map<const Rule*, size_t> index;
    for (const auto& res : audit.results) {
        if (res.firewall != fi) continue;
        const Flow& flow = audit.flows[res.flow];
        std::vector<const Rule*> allowing;
        for (const auto& part : res.parts) {
            for (const auto& dec : part.evaluation.decisions) {
                if (dec.rule->action == Action::allow && !dec.is_default) allowing.push_back(dec.rule);
            }
        }
        for (const auto& part : res.parts) {
            for (const auto& dec : part.evaluation.decisions) {
                if (dec.rule->applications.empty()) continue;
                auto [it, fresh] = index.try_emplace(dec.rule, out.size());
                if (fresh) {
                    Finding f;
                    f.check = "app-id-rule";
                    f.severity = default_severity(f.check);
                    f.firewall = fi;
                    f.policy = part.policy;
                    f.rule = dec.rule;
                    f.conditional = true;
                    out.push_back(std::move(f));
                }
                Finding& f = out[it->second];
                f.needed |= dec.space;
                std::string id(flow.entry->id);
                if (std::find(f.flows.begin(), f.flows.end(), id) == f.flows.end()) f.flows.push_back(id);
                bool only = std::all_of(allowing.begin(), allowing.end(),
                                        [&](const Rule* r) { return r == dec.rule; });
                if (only && !allowing.empty() && flow.entry->level == Level::required)
                    f.severity = Severity::high;
            }
        }
    }
    for (auto& [rule, i] : index) {
        out[i].message = fmt::format(
            "{} matches on application identity ({}) and decides part of {}; Tanium asks for "
            "TCP service rules instead",
            rule->name, fmt::join(rule->applications, ", "), fmt::join(out[i].flows, ", "));
    }
}

}  // namespace

std::string_view to_string(Severity s) {
    switch (s) {
        case Severity::info: return "info";
        case Severity::low: return "low";
        case Severity::medium: return "medium";
        case Severity::high: return "high";
        case Severity::critical: return "critical";
    }
    return "info";
}

const std::vector<CheckInfo>& check_catalog() {
    return kChecks;
}

std::vector<Finding> run_checks(const Deployment& d, const std::vector<Firewall>& firewalls,
                                const Audit& audit) {
    std::vector<Finding> out;
    std::vector<Probe> all = probes(d, audit);
    // Every probe and the any-any probe go through each firewall in one pass over its rules.
    std::vector<Request> requests;
    for (const auto& probe : all)
        requests.push_back({probe.packets, "", ""});
    requests.push_back({any_any_probe(d), "", ""});
    for (size_t fi = 0; fi < firewalls.size(); ++fi) {
        auto filtered = filter_all(d.firewalls[fi], firewalls[fi], requests);
        for (size_t i = 0; i < all.size(); ++i)
            exposure_findings(fi, firewalls[fi], filtered[i], all[i], out);
        any_any_findings(fi, filtered.back(), out);
        app_id_findings(audit, fi, out);
    }
    return out;
}

}  // namespace flowgap::analysis
