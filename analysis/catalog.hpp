// The Tanium port matrix as data, and its expansion for one deployment into concrete flows.
//
// Every row cites the section of the user's document (shared/seed/tanium-network-ports.txt)
// it comes from. The ids are part of flowgap's public interface (reports, waivers).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analysis/deployment.hpp"
#include "analysis/flow_space.hpp"

namespace flowgap::analysis {

enum class Level { required, recommended, optional };
std::string_view to_string(Level l);

// When a row applies to a deployment.
enum class When {
    always,
    windows,  // the database is remote only on Windows
    not_airgapped,
    active_active,
    zone_servers,  // zone servers declared
    appliance,
    appliance_active_active,
    appliance_role,  // appliance, and the row's extra role declared
    direct_connect,
    direct_connect_zone,  // direct_connect and zone servers declared
};

struct CatalogEntry {
    std::string_view id;
    std::string_view from;  // a role name, or "appliances" (server and module server on appliances)
    std::string_view to;
    bool both_ways;
    // "tcp/{server}", "tcp/80,443", "esp;udp/500,4500": protocols/ports, ';' between parts,
    // {name} a port from the deployment's `ports:`.
    std::string_view service;
    std::string_view setting;  // the deployment setting that changes the port, if any
    When when;
    std::string_view when_role;
    Level level;
    std::string_view summary;
    std::string_view seed;  // the section of the seed document this row cites
};

const std::vector<CatalogEntry>& catalog();

// One catalog row made concrete for a deployment.
struct Flow {
    const CatalogEntry* entry = nullptr;
    AddressSet from;
    AddressSet to;
    std::string service;  // "tcp/17472", "esp; udp/500,4500"
    // The programs at each end (lowercase file names, e.g. "taniumclient.exe"), for host
    // firewall rules limited to a program; empty when the seed names none.
    std::string from_program;
    std::string to_program;
    FlowSpace space;  // every packet the flow needs (both directions when both_ways)
};

// The flows that apply to the deployment, in catalog order (one per id). Throws InputError,
// located at the deployment file, when a flow needs a role the file does not declare.
std::vector<Flow> expand(const Deployment& d);

}  // namespace flowgap::analysis
