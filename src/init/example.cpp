// `flowgap init --example`: a template of every key of the deployment file (docs/deployment.md).
// A fixed text, not drafted from any export, so no name in it comes from outside.
#include "src/init/init.hpp"

namespace flowgap::init {

const std::string& example() {
    static const std::string text =
        R"(# A flowgap deployment file: where each Tanium role lives and which firewall exports stand
# between them. Every key is shown; delete the ones you do not need and fill in each TODO
# (`flowgap audit` refuses the file while one is left). Schema: docs/deployment.md.
platform: windows              # appliance | windows (default: windows)
active_active: false           # true: two Tanium Servers in a cluster
database_engine: sqlserver     # windows only: sqlserver (default) | postgresql
airgapped: false               # true: no server-to-internet / module-to-internet flows
direct_connect: false          # true: add the Direct Connect flows (17475, 17486, 17487)
ports:                         # only the ports an administrator changed; these are the defaults
  server: 17472                # ServerPort: clients, peers, cluster members
  module: 17477                # ModuleServerPort
  console: [443]               # ServerSOAPPort (appliance default: 443 and 8443)
  database: 1433               # the port in SQLConnectionString (postgresql: 5432)
  zone_server: 17472           # the zone server's client-facing port (default: server)
  zone_hub: 17472              # the zone server's hub-facing port (default: zone_server)
roles:                         # each a list of addresses, CIDRs, ranges (a-b) or `any`
  server: TODO                 # the Tanium Server(s), e.g. [10.10.1.10]
  module_server: TODO          # the Module Server, e.g. [10.10.2.20]
  database: TODO               # windows: the SQL Server or PostgreSQL host, e.g. [10.10.1.30]
  console: TODO                # where console users connect from, e.g. [10.99.0.0/24]
  endpoints: TODO              # the Tanium Clients' subnets, e.g. [10.20.0.0/16]
  zone_server: TODO            # optional: Zone Servers (their flows apply only when declared)
  zone_hub: TODO               # optional (default: the servers)
  admin: TODO                  # optional: appliance administrators (default: console)
  internet_endpoints: TODO     # optional: clients reaching zone servers from outside (default: the public internet)
  internet: TODO               # optional: where servers fetch content, e.g. a proxy (default: the public internet)
  lan: TODO                    # optional: each entry is one LAN for client peering (default: each /24)
  dns: TODO                    # optional, appliances: DNS servers
  ntp: TODO                    # optional, appliances: NTP servers
  ldap: TODO                   # optional, appliances: LDAP servers
  syslog: TODO                 # optional, appliances: syslog receivers
  snmp: TODO                   # optional, appliances: the SNMP monitoring station
  idrac: TODO                  # optional, appliances: the iDRAC addresses
firewalls:                     # the configurations to audit
  - name: core-router          # how reports name it (unique)
    config: TODO               # the export, relative to this file, or a list of exports of one firewall
    format: TODO               # optional: iptables, paloalto, netsh or nftables (default: detected)
    interfaces:                # a router: the addresses behind each interface, by longest prefix
      eth0: TODO               # e.g. [10.10.1.0/24]; an uplink: [any]
    zones:                     # Palo Alto: the addresses in each zone (default: inferred from the export)
      trust: TODO              # e.g. [10.0.0.0/8]
    device_group: TODO         # Palo Alto Panorama: which device group applies
    vsys: TODO                 # Palo Alto: which virtual system applies
  - name: tanium-server-host
    config: TODO               # e.g. [allprofiles.txt, rules-verbose.txt]
    host: TODO                 # a host firewall: the address(es) whose own traffic it filters
    profile: TODO              # Windows: domain | private | public
    address_keywords:          # Windows: what host-dependent keywords stand for
      LocalSubnet: TODO        # e.g. [10.20.5.0/24]
)";
    return text;
}

}  // namespace flowgap::init
