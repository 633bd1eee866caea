// The deployment file: the user's statement of where each Tanium role lives and which
// firewall configurations stand between them. Schema: docs/deployment.md.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analysis/address.hpp"
#include "analysis/rule.hpp"

namespace flowgap::analysis {

enum class Platform { appliance, windows };

struct FirewallSpec {
    std::string name;
    // The configuration files, one or more (a Windows host's `show allprofiles` output and its
    // rule listing, an iptables-save and an ip6tables-save dump), in the order written.
    std::vector<std::string> configs;       // as written in the deployment file
    std::vector<std::string> config_paths;  // each resolved against the deployment file's folder
    std::string format;                     // empty: detect from each file's content
    SourceLocation format_location;         // of the `format` value: parsers/ knows which are valid
    std::optional<AddressSet> host;         // set for host firewalls: the addresses whose traffic it filters
    // Resolved by longest prefix (analysis/zones.hpp), so each map's sets are disjoint.
    std::map<std::string, AddressSet> zones;
    std::map<std::string, AddressSet> interfaces;
    std::string device_group;
    std::string vsys;
    std::string profile;
    // Windows: what host-dependent address keywords in its rules stand for (lowercase keys).
    std::map<std::string, AddressSet> address_keywords;
    SourceLocation location;  // of the list entry

    // The resolved paths as reports show them: "a.txt", or "a.txt + b.txt" for several.
    std::string config_text() const;
};

// Ports that Tanium lets an administrator change, by their deployment-file names.
struct Ports {
    uint32_t server = 17472;              // ServerPort: clients, peers, cluster members
    uint32_t module = 17477;              // ModuleServerPort
    std::vector<uint32_t> console;        // ServerSOAPPort; default 443 (appliance: 443 and 8443)
    std::optional<uint32_t> database;     // default by engine: 1433 (sqlserver) or 5432 (postgresql)
    std::optional<uint32_t> zone_server;  // client-facing zone server port; default: server
    std::optional<uint32_t> zone_hub;     // hub-facing zone server port; default: zone_server
};

struct Deployment {
    std::string path;
    std::string directory;  // where relative config paths start; empty for an uploaded file
    Platform platform = Platform::windows;
    bool active_active = false;
    bool airgapped = false;
    bool direct_connect = false;
    std::string database_engine = "sqlserver";
    Ports ports;
    std::map<std::string, AddressSet> roles;  // as declared
    std::map<std::string, SourceLocation> role_locations;
    // `public:` under a role: the addresses (one each) the role is reached on from outside,
    // through a destination NAT of the network firewalls its flows cross.
    std::map<std::string, std::vector<AddressSet>> public_addresses;
    std::vector<AddressSet> lans;  // each entry of `lan` is one LAN
    std::vector<FirewallSpec> firewalls;
    SourceLocation location;  // the file itself, for errors about what is missing

    bool declares(const std::string& role) const { return roles.count(role) != 0; }
    // A role's addresses with the documented defaults applied (zone_hub: server, admin:
    // console, internet and internet_endpoints: the public internet less every address the
    // deployment places another role on). Empty when undeclared.
    AddressSet role(const std::string& name) const;
    // Every address a declared role (other than the internet's) names, public ones included.
    AddressSet placed() const;
    uint32_t database_port() const;
};

// Reads and validates a deployment file. Throws InputError (file:line:column) for YAML errors,
// unknown keys, bad values and bad addresses.
Deployment load_deployment(const std::string& path);

// Reads a deployment file that came without its folder (an upload to `flowgap serve`): the same
// checks, except that `config` names are kept as written and never looked up on disk, since the
// uploads supply the configs. `directory` and every `config_paths` stay empty.
Deployment parse_deployment(const std::string& name, const std::string& text);

// The role names the file may declare, in a stable order.
const std::vector<std::string>& known_roles();

}  // namespace flowgap::analysis
