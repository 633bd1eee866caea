// Fixed vocabularies of iptables: protocol, service and ICMP type names, and what each match
// module and target means for the first packet of a new connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace flowgap::parsers::iptables {

// Protocol names iptables accepts from /etc/protocols, beyond analysis::protocol::parse.
std::optional<uint32_t> extra_protocol(std::string_view name);

// A service name from /etc/services (the common ones; iptables-save always prints numbers).
std::optional<uint32_t> service_port(std::string_view name);

// ICMP and ICMPv6 type names as `iptables -p icmp -h` lists them: type, and code when the name
// implies one (-1 for every code).
struct IcmpName {
    uint32_t type;
    int code;
};
std::optional<IcmpName> icmp_name(std::string_view name);
std::optional<IcmpName> icmpv6_name(std::string_view name);

// How a match module bears on the first packet of a new connection.
enum class ModuleKind {
    exact,        // modelled option by option (tcp, udp, multiport, state, ...)
    comment,      // never affects matching
    conditional,  // depends on state or context the dump does not hold
    unknown,      // not a module we know
};
struct ModuleInfo {
    ModuleKind kind;
    std::string_view why;  // for conditional modules: why the outcome is unknown
};
ModuleInfo module_info(std::string_view name);

// What a target does.
enum class TargetKind {
    none,  // no -j: counters only
    accept,
    drop,
    reject,
    return_,
    chain,      // a user chain (jump or goto)
    continues,  // non-terminating extension target (LOG, MARK, ...)
    nat,        // DNAT, SNAT, ...: terminating, valid only in the nat table
    opaque,     // terminating with an outcome the dump does not show (QUEUE, NFQUEUE, ...)
    unknown,    // not a target we know and not a chain
};
// The kind of an extension target name (ACCEPT, DROP, ... and non-chain names).
std::optional<TargetKind> builtin_target(std::string_view name);

}  // namespace flowgap::parsers::iptables
