// What a parser needs to know beyond the file itself, taken from the deployment file.
#pragma once

#include <map>
#include <string>

#include "analysis/address.hpp"

namespace flowgap::parsers {

struct ParseOptions {
    // Addresses reached through each interface, so iptables `-i eth0` becomes a source set.
    // Already resolved by longest prefix: the sets are disjoint. An interface not named here
    // makes its rules conditional.
    std::map<std::string, analysis::AddressSet> interfaces;
    // Addresses in each zone (Palo Alto), resolved the same way.
    std::map<std::string, analysis::AddressSet> zones;
    std::string device_group;  // Palo Alto Panorama: which device group's rules apply
    std::string vsys;          // Palo Alto: which virtual system
    std::string profile;       // Windows: the profile the host is in (domain, private, public)
    // Windows: what the host-dependent address keywords of its rules stand for (lowercase keys:
    // localsubnet, dns, dhcp, wins, defaultgateway, intranet, ...). A keyword not given makes
    // the rules that use it conditional.
    std::map<std::string, analysis::AddressSet> address_keywords;
};

}  // namespace flowgap::parsers
