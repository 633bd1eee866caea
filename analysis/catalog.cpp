#include "analysis/catalog.hpp"

#include <fmt/format.h>

namespace flowgap::analysis {

namespace {

constexpr std::string_view kTable2 = "Table 2: Appliance network service ports";

// clang-format off
const std::vector<CatalogEntry> kCatalog = {
    {"client-to-server", "endpoints", "server", false, "tcp/{server}", "ports.server", When::always, "",
     Level::required, "Tanium Clients connect to the Tanium Server",
     "Tanium Server > Inbound (Tanium Client to Tanium Server)"},
    {"client-peering", "endpoints", "endpoints", true, "tcp/{server}", "ports.server", When::always, "",
     Level::required, "Tanium Clients peer with clients of the same LAN, both directions",
     "Tanium Client > Inbound/Outbound (Tanium Client to Client)"},
    {"console-to-server", "console", "server", false, "tcp/{console}", "ports.console", When::always, "",
     Level::required, "Console users and API clients reach the Tanium Server",
     "Tanium Server > Inbound (Tanium Console)"},
    {"server-to-module", "server", "module_server", false, "tcp/{module}", "ports.module", When::always, "",
     Level::required, "The Tanium Server connects to the Module Server",
     "Tanium Server > Outbound (Tanium Server to Module Server)"},
    {"module-to-server", "module_server", "server", false, "tcp/{console}", "ports.console", When::always, "",
     Level::required, "Module services connect back to the Tanium Server",
     "Tanium Module Server > Outbound (Module Services to Tanium Server)"},
    {"server-to-database", "server", "database", false, "tcp/{database}", "ports.database", When::windows, "",
     Level::required, "The Tanium Server connects to its SQL Server or PostgreSQL database",
     "Tanium Server > Outbound (Tanium Server to Database Server)"},
    {"server-to-internet", "server", "internet", false, "tcp/80,443", "", When::not_airgapped, "",
     Level::required, "The Tanium Server downloads content and updates",
     "Tanium Server > Outbound (Tanium Server to Internet)"},
    {"module-to-internet", "module_server", "internet", false, "tcp/80,443", "", When::not_airgapped, "",
     Level::required, "The Module Server downloads module content",
     "Tanium Module Server > Outbound (Module Server to Internet)"},
    {"server-to-server", "server", "server", true, "tcp/{server}", "ports.server", When::active_active, "",
     Level::required, "Active-active cluster members connect to each other",
     "Tanium Server > Inbound/Outbound (active-active deployment)"},
    {"hub-to-zone", "zone_hub", "zone_server", false, "tcp/{zone_hub}", "ports.zone_hub", When::zone_servers, "",
     Level::required, "The Zone Server Hub connects to the Zone Servers in the DMZ",
     "Tanium Zone Server Hub > Outbound (Tanium Zone Server Hub to Zone Server)"},
    {"client-to-zone", "internet_endpoints", "zone_server", false, "tcp/{zone_server}", "ports.zone_server",
     When::zone_servers, "", Level::required, "Clients outside the core network reach a Zone Server",
     "Tanium Zone Server > Inbound (Tanium Client to Zone Server)"},
    {"appliance-ipsec", "server", "server", true, "esp;udp/500,4500", "", When::appliance_active_active, "",
     Level::required, "IPsec between the appliances of a cluster", kTable2},
    {"appliance-ssh", "admin", "appliances", false, "tcp/22", "", When::appliance, "",
     Level::required, "SSH, SCP and SFTP for administering the appliances", kTable2},
    {"appliance-ssh", "appliances", "appliances", true, "tcp/22", "", When::appliance, "",
     Level::required, "SSH between appliances (footnote 1)", kTable2},
    {"appliance-dns", "appliances", "dns", false, "tcp/53;udp/53", "", When::appliance_role, "dns",
     Level::required, "Appliances resolve names", kTable2},
    {"appliance-ntp", "appliances", "ntp", false, "udp/123", "", When::appliance_role, "ntp",
     Level::required, "Appliances synchronize time", kTable2},
    {"appliance-ldap", "appliances", "ldap", false, "tcp/389,636", "", When::appliance_role, "ldap",
     Level::optional, "Appliances authenticate users against LDAP", kTable2},
    {"appliance-syslog", "appliances", "syslog", false, "udp/514;tcp/514", "", When::appliance_role, "syslog",
     Level::optional, "Appliances send syslog", kTable2},
    {"appliance-snmp", "snmp", "appliances", false, "udp/161", "", When::appliance_role, "snmp",
     Level::optional, "A monitoring station polls the appliances over SNMP", kTable2},
    {"appliance-idrac", "admin", "idrac", false, "tcp/443,5900", "", When::appliance_role, "idrac",
     Level::recommended, "Administrators reach the appliances' iDRAC ports (footnote 2)", kTable2},
    {"direct-connect-client-to-module", "endpoints", "module_server", false, "tcp/17475", "", When::direct_connect, "",
     Level::required, "Direct Connect: internal clients reach the Module Server",
     "shared/reference/tanium-ports.md TAN-14 (not in the seed)"},
    {"direct-connect-client-to-zone", "internet_endpoints", "zone_server", false, "tcp/17486", "",
     When::direct_connect_zone, "", Level::required, "Direct Connect: external clients reach the zone proxy",
     "shared/reference/tanium-ports.md TAN-15 (not in the seed)"},
    {"direct-connect-module-to-zone", "module_server", "zone_server", false, "tcp/17487", "",
     When::direct_connect_zone, "", Level::required, "Direct Connect: the Module Server reaches the zone proxy",
     "shared/reference/tanium-ports.md TAN-16 (not in the seed)"},
};
// clang-format on

bool applies(const CatalogEntry& e, const Deployment& d) {
    bool appliance = d.platform == Platform::appliance;
    switch (e.when) {
        case When::always: return true;
        case When::windows: return !appliance;
        case When::not_airgapped: return !d.airgapped;
        case When::active_active: return d.active_active;
        case When::zone_servers: return d.declares("zone_server");
        case When::appliance: return appliance;
        case When::appliance_active_active: return appliance && d.active_active;
        case When::appliance_role: return appliance && d.declares(std::string(e.when_role));
        case When::direct_connect: return d.direct_connect;
        case When::direct_connect_zone: return d.direct_connect && d.declares("zone_server");
    }
    return false;
}

// Roles that have no default and must be declared when a flow uses them.
bool needs_declaration(std::string_view role) {
    return role != "internet" && role != "internet_endpoints" && role != "zone_hub" && role != "admin";
}

AddressSet role_addresses(const Deployment& d, std::string_view role, const std::string& id) {
    std::vector<std::string> names;
    if (role == "appliances") {
        names = {"server", "module_server"};
    } else {
        names = {std::string(role)};
    }
    AddressSet out;
    for (const auto& name : names) {
        std::string base = name == "admin" ? "console" : name;  // admin defaults to console
        if (needs_declaration(name) && !d.declares(name) && !(name == "admin" && d.declares(base))) {
            throw InputError(d.location, fmt::format("flow {} needs role '{}', which the deployment does not "
                                                     "declare under roles:",
                                                     id, name));
        }
        out |= d.role(name);
    }
    return out;
}

std::string port_value(const Deployment& d, std::string_view key) {
    const Ports& p = d.ports;
    if (key == "server") return std::to_string(p.server);
    if (key == "module") return std::to_string(p.module);
    if (key == "database") return std::to_string(d.database_port());
    if (key == "console") return fmt::format("{}", fmt::join(p.console, ","));
    uint32_t zs = p.zone_server.value_or(p.server);
    if (key == "zone_server") return std::to_string(zs);
    if (key == "zone_hub") return std::to_string(p.zone_hub.value_or(zs));
    throw std::logic_error(fmt::format("catalog names unknown port setting {{{}}}", key));
}

// "tcp/{server};udp/53" -> the concrete text ("tcp/17472; udp/53") and its parts.
struct ServicePart {
    ProtocolSet proto;
    PortSet ports;
};

std::vector<ServicePart> parse_service(const Deployment& d, std::string_view spec, std::string& text) {
    std::vector<ServicePart> parts;
    std::vector<std::string> shown;
    size_t start = 0;
    while (start <= spec.size()) {
        size_t semi = spec.find(';', start);
        if (semi == std::string_view::npos) semi = spec.size();
        std::string_view part = spec.substr(start, semi - start);
        size_t slash = part.find('/');
        std::string proto_name(part.substr(0, slash));
        ServicePart sp{ProtocolSet::single(*protocol::parse(proto_name)), PortSet::all()};
        std::string ports;
        if (slash != std::string_view::npos) {
            ports = std::string(part.substr(slash + 1));
            if (ports.front() == '{')
                ports = port_value(d, std::string_view(ports).substr(1, ports.size() - 2));
            sp.ports = *PortSet::parse(ports);
            shown.push_back(proto_name + "/" + ports);
        } else {
            shown.push_back(proto_name);
        }
        parts.push_back(sp);
        start = semi + 1;
    }
    text = fmt::format("{}", fmt::join(shown, "; "));
    return parts;
}

// Packets from a host to itself never cross a network; drop them from flows whose ends overlap
// (cluster peers, all-in-one installs). Only hosts are enumerated, and only a few of them.
FlowSpace without_self_pairs(FlowSpace space, const AddressSet& both_ends) {
    if (both_ends.empty() || both_ends.size() > 256) return space;
    for (const auto& iv : both_ends.intervals().intervals()) {
        for (uint128 a = iv.lo;; ++a) {
            AddressSet h = AddressSet::host(Address{a});
            space -= FlowSpace::of(h, h, ProtocolSet::all());
            if (a == iv.hi) break;
        }
    }
    return space;
}

// The LANs peers live in: the declared ones, else every IPv4 /24 holding endpoints (Tanium's
// AddressMask default; IPv6 peering is off by default, AddressPrefixIPv6 = 0).
std::vector<AddressSet> peering_lans(const Deployment& d, const AddressSet& endpoints) {
    if (!d.lans.empty()) return d.lans;
    std::vector<AddressSet> lans;
    const AddressSet v4 = endpoints.v4_part();
    for (const auto& iv : v4.intervals().intervals()) {
        for (uint128 base = iv.lo & ~uint128{0xff}; base <= iv.hi; base += 256) {
            lans.push_back(AddressSet(AddressSet::Set(base, base + 255)));
        }
    }
    return lans;
}

// The process behind each role, from the seed's Tables 1 and 3. Endpoints are taken to be
// Windows clients: program-scoped rules exist only in Windows Defender Firewall.
std::string program_of(const Deployment& d, std::string_view role) {
    bool windows = d.platform == Platform::windows;
    if (role == "server") return windows ? "taniumreceiver.exe" : "taniumserver";
    if (role == "module_server") return windows ? "taniummoduleserver.exe" : "taniummoduleserver";
    if (role == "zone_server" || role == "zone_hub")
        return windows ? "taniumzoneserver.exe" : "taniumzoneserver";
    if (role == "endpoints" || role == "internet_endpoints") return "taniumclient.exe";
    if (role == "database") return d.database_engine == "postgresql" ? "postgres.exe" : "sqlservr.exe";
    return "";
}

Flow make_flow(const Deployment& d, const CatalogEntry& e) {
    Flow f;
    f.entry = &e;
    f.from_program = program_of(d, e.from);
    f.to_program = program_of(d, e.to);
    std::string id(e.id);
    f.from = role_addresses(d, e.from, id);
    f.to = role_addresses(d, e.to, id);
    for (const auto& part : parse_service(d, e.service, f.service)) {
        if (e.id == "client-peering") {
            std::vector<Box> boxes;
            for (const auto& lan : peering_lans(d, f.from)) {
                AddressSet peers = f.from & lan;
                if (peers.size() < 2) continue;
                FlowSpace lan_space = FlowSpace::of(peers, peers, part.proto, part.ports);
                for (const auto& b : lan_space.boxes())
                    boxes.push_back(b);
            }
            f.space |= FlowSpace::from_disjoint(std::move(boxes));
            continue;
        }
        f.space |= FlowSpace::of(f.from, f.to, part.proto, part.ports);
        if (e.both_ways) f.space |= FlowSpace::of(f.to, f.from, part.proto, part.ports);
    }
    if (e.id != "client-peering") f.space = without_self_pairs(std::move(f.space), f.from & f.to);
    return f;
}

}  // namespace

std::string_view to_string(Level l) {
    switch (l) {
        case Level::required: return "required";
        case Level::recommended: return "recommended";
        case Level::optional: return "optional";
    }
    return "optional";
}

const std::vector<CatalogEntry>& catalog() {
    return kCatalog;
}

std::vector<Flow> expand(const Deployment& d) {
    std::vector<Flow> flows;
    for (const auto& e : kCatalog) {
        if (!applies(e, d)) continue;
        Flow f = make_flow(d, e);
        // Rows sharing an id are legs of one flow.
        if (!flows.empty() && flows.back().entry->id == e.id) {
            Flow& prev = flows.back();
            prev.from |= f.from;
            prev.to |= f.to;
            prev.space |= f.space;
            if (prev.from_program != f.from_program) prev.from_program.clear();
            if (prev.to_program != f.to_program) prev.to_program.clear();
            continue;
        }
        flows.push_back(std::move(f));
    }
    return flows;
}

}  // namespace flowgap::analysis
