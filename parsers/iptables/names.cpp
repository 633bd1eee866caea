#include "parsers/iptables/names.hpp"

namespace flowgap::parsers::iptables {

namespace {

template <typename T>
struct Named {
    std::string_view name;
    T value;
};

template <typename T, size_t N>
std::optional<T> find(const Named<T> (&table)[N], std::string_view name) {
    for (const auto& e : table) {
        if (e.name == name) return e.value;
    }
    return std::nullopt;
}

constexpr Named<uint32_t> kProtocols[] = {
    {"ipencap", 4},  {"dccp", 33},        {"ipv6", 41},      {"ipv6-route", 43}, {"ipv6-frag", 44},
    {"rsvp", 46},    {"ipv6-nonxt", 59},  {"ipv6-opts", 60}, {"mh", 135},        {"ipv6-mh", 135},
    {"egp", 8},      {"pup", 12},         {"idp", 22},       {"etherip", 97},    {"encap", 98},
    {"ipcomp", 108}, {"mpls-in-ip", 137},
};

// iptables-save prints numbers; names appear only in hand-written restore files.
constexpr Named<uint32_t> kServices[] = {
    {"ftp-data", 20},      {"ftp", 21},          {"ssh", 22},        {"telnet", 23},
    {"smtp", 25},          {"domain", 53},       {"bootps", 67},     {"bootpc", 68},
    {"tftp", 69},          {"http", 80},         {"www", 80},        {"kerberos", 88},
    {"pop3", 110},         {"sunrpc", 111},      {"ntp", 123},       {"netbios-ns", 137},
    {"netbios-dgm", 138},  {"netbios-ssn", 139}, {"imap", 143},      {"imap2", 143},
    {"snmp", 161},         {"snmp-trap", 162},   {"ldap", 389},      {"https", 443},
    {"microsoft-ds", 445}, {"isakmp", 500},      {"syslog", 514},    {"submission", 587},
    {"ldaps", 636},        {"rsync", 873},       {"imaps", 993},     {"pop3s", 995},
    {"openvpn", 1194},     {"ms-sql-s", 1433},   {"mysql", 3306},    {"ms-wbt-server", 3389},
    {"ipsec-nat-t", 4500}, {"postgresql", 5432}, {"http-alt", 8080},
};

constexpr Named<IcmpName> kIcmp[] = {
    {"echo-reply", {0, -1}},
    {"pong", {0, -1}},
    {"destination-unreachable", {3, -1}},
    {"network-unreachable", {3, 0}},
    {"host-unreachable", {3, 1}},
    {"protocol-unreachable", {3, 2}},
    {"port-unreachable", {3, 3}},
    {"fragmentation-needed", {3, 4}},
    {"source-route-failed", {3, 5}},
    {"network-unknown", {3, 6}},
    {"host-unknown", {3, 7}},
    {"network-prohibited", {3, 9}},
    {"host-prohibited", {3, 10}},
    {"TOS-network-unreachable", {3, 11}},
    {"TOS-host-unreachable", {3, 12}},
    {"communication-prohibited", {3, 13}},
    {"host-precedence-violation", {3, 14}},
    {"precedence-cutoff", {3, 15}},
    {"source-quench", {4, -1}},
    {"redirect", {5, -1}},
    {"network-redirect", {5, 0}},
    {"host-redirect", {5, 1}},
    {"TOS-network-redirect", {5, 2}},
    {"TOS-host-redirect", {5, 3}},
    {"echo-request", {8, -1}},
    {"ping", {8, -1}},
    {"router-advertisement", {9, -1}},
    {"router-solicitation", {10, -1}},
    {"time-exceeded", {11, -1}},
    {"ttl-exceeded", {11, -1}},
    {"ttl-zero-during-transit", {11, 0}},
    {"ttl-zero-during-reassembly", {11, 1}},
    {"parameter-problem", {12, -1}},
    {"ip-header-bad", {12, 0}},
    {"required-option-missing", {12, 1}},
    {"timestamp-request", {13, -1}},
    {"timestamp-reply", {14, -1}},
    {"address-mask-request", {17, -1}},
    {"address-mask-reply", {18, -1}},
};

constexpr Named<IcmpName> kIcmpv6[] = {
    {"destination-unreachable", {1, -1}},
    {"no-route", {1, 0}},
    {"communication-prohibited", {1, 1}},
    {"beyond-scope", {1, 2}},
    {"address-unreachable", {1, 3}},
    {"port-unreachable", {1, 4}},
    {"failed-policy", {1, 5}},
    {"reject-route", {1, 6}},
    {"packet-too-big", {2, -1}},
    {"time-exceeded", {3, -1}},
    {"ttl-exceeded", {3, -1}},
    {"ttl-zero-during-transit", {3, 0}},
    {"ttl-zero-during-reassembly", {3, 1}},
    {"parameter-problem", {4, -1}},
    {"bad-header", {4, 0}},
    {"unknown-header-type", {4, 1}},
    {"unknown-option", {4, 2}},
    {"echo-request", {128, -1}},
    {"ping", {128, -1}},
    {"echo-reply", {129, -1}},
    {"pong", {129, -1}},
    {"mld-listener-query", {130, -1}},
    {"mld-listener-report", {131, -1}},
    {"mld-listener-done", {132, -1}},
    {"router-solicitation", {133, -1}},
    {"router-advertisement", {134, -1}},
    {"neighbour-solicitation", {135, -1}},
    {"neighbor-solicitation", {135, -1}},
    {"neighbour-advertisement", {136, -1}},
    {"neighbor-advertisement", {136, -1}},
    {"redirect", {137, -1}},
};

// Modules whose outcome for a new connection's first packet depends on something outside the
// dump. The reason is printed after the module's text in Rule::conditions.
constexpr Named<ModuleInfo> kModules[] = {
    {"tcp", {ModuleKind::exact, {}}},
    {"udp", {ModuleKind::exact, {}}},
    {"udplite", {ModuleKind::exact, {}}},
    {"sctp", {ModuleKind::exact, {}}},
    {"dccp", {ModuleKind::exact, {}}},
    {"icmp", {ModuleKind::exact, {}}},
    {"icmp6", {ModuleKind::exact, {}}},
    {"multiport", {ModuleKind::exact, {}}},
    {"state", {ModuleKind::exact, {}}},
    {"conntrack", {ModuleKind::exact, {}}},
    {"iprange", {ModuleKind::exact, {}}},
    {"recent", {ModuleKind::exact, {}}},  // --set always matches; the checks are conditional
    {"comment", {ModuleKind::comment, {}}},
    {"set", {ModuleKind::conditional, "ipset contents unknown"}},
    {"mac", {ModuleKind::conditional, "MAC addresses unknown"}},
    {"addrtype", {ModuleKind::conditional, "address types depend on the host's routes"}},
    {"owner", {ModuleKind::conditional, "socket owner unknown"}},
    {"mark", {ModuleKind::conditional, "packet mark unknown"}},
    {"connmark", {ModuleKind::conditional, "connection mark unknown"}},
    {"physdev", {ModuleKind::conditional, "bridge ports unknown"}},
    {"limit", {ModuleKind::conditional, "rate limit"}},
    {"hashlimit", {ModuleKind::conditional, "rate limit"}},
    {"connlimit", {ModuleKind::conditional, "connection count unknown"}},
    {"pkttype", {ModuleKind::exact, {}}},  // every flow is unicast: modules.cpp
    {"rpfilter", {ModuleKind::conditional, "reverse-path check depends on the host's routes"}},
    {"helper", {ModuleKind::conditional, "conntrack helper unknown"}},
    {"length", {ModuleKind::conditional, "packet length unknown"}},
    {"ttl", {ModuleKind::conditional, "TTL unknown"}},
    {"hl", {ModuleKind::conditional, "hop limit unknown"}},
    {"tos", {ModuleKind::conditional, "TOS unknown"}},
    {"dscp", {ModuleKind::conditional, "DSCP unknown"}},
    {"ecn", {ModuleKind::conditional, "ECN bits unknown"}},
    {"time", {ModuleKind::conditional, "time of day"}},
    {"string", {ModuleKind::conditional, "payload unknown"}},
    {"u32", {ModuleKind::conditional, "payload unknown"}},
    {"bpf", {ModuleKind::conditional, "BPF program"}},
    {"statistic", {ModuleKind::conditional, "random or counted sampling"}},
    {"quota", {ModuleKind::conditional, "byte quota"}},
    {"connbytes", {ModuleKind::conditional, "connection byte count"}},
    {"policy", {ModuleKind::conditional, "IPsec policy unknown"}},
    {"socket", {ModuleKind::conditional, "socket lookup"}},
    {"cgroup", {ModuleKind::conditional, "cgroup unknown"}},
    {"devgroup", {ModuleKind::conditional, "device group unknown"}},
    {"realm", {ModuleKind::conditional, "routing realm unknown"}},
    {"cpu", {ModuleKind::conditional, "CPU unknown"}},
    {"nfacct", {ModuleKind::conditional, "accounting object"}},
    {"osf", {ModuleKind::conditional, "OS fingerprint"}},
    {"ipvs", {ModuleKind::conditional, "IPVS state unknown"}},
    {"cluster", {ModuleKind::conditional, "cluster node unknown"}},
    {"esp", {ModuleKind::conditional, "SPI unknown"}},
    {"ah", {ModuleKind::conditional, "SPI unknown"}},
    {"frag", {ModuleKind::conditional, "fragment header unknown"}},
    {"ipv6header", {ModuleKind::conditional, "extension headers unknown"}},
    {"hbh", {ModuleKind::conditional, "extension headers unknown"}},
    {"dst", {ModuleKind::conditional, "extension headers unknown"}},
    {"rt", {ModuleKind::conditional, "routing header unknown"}},
    {"mh", {ModuleKind::conditional, "mobility header unknown"}},
    {"tcpmss", {ModuleKind::conditional, "MSS option unknown"}},
    {"condition", {ModuleKind::conditional, "condition variable unknown"}},
    {"geoip", {ModuleKind::conditional, "GeoIP database unknown"}},
    {"xt_geoip", {ModuleKind::conditional, "GeoIP database unknown"}},
    {"conntrack-helper", {ModuleKind::conditional, "conntrack helper unknown"}},
};

constexpr Named<TargetKind> kTargets[] = {
    {"ACCEPT", TargetKind::accept},
    {"DROP", TargetKind::drop},
    {"REJECT", TargetKind::reject},
    {"RETURN", TargetKind::return_},
    {"LOG", TargetKind::continues},
    {"NFLOG", TargetKind::continues},
    {"ULOG", TargetKind::continues},
    {"MARK", TargetKind::continues},
    {"CONNMARK", TargetKind::continues},
    {"CT", TargetKind::continues},
    {"NOTRACK", TargetKind::continues},
    {"TRACE", TargetKind::continues},
    {"SET", TargetKind::continues},
    {"AUDIT", TargetKind::continues},
    {"TCPMSS", TargetKind::continues},
    {"CLASSIFY", TargetKind::continues},
    {"DSCP", TargetKind::continues},
    {"TOS", TargetKind::continues},
    {"TTL", TargetKind::continues},
    {"HL", TargetKind::continues},
    {"SECMARK", TargetKind::continues},
    {"CONNSECMARK", TargetKind::continues},
    {"CHECKSUM", TargetKind::continues},
    {"IDLETIMER", TargetKind::continues},
    {"LED", TargetKind::continues},
    {"RATEEST", TargetKind::continues},
    {"TEE", TargetKind::continues},
    {"ECN", TargetKind::continues},
    {"TCPOPTSTRIP", TargetKind::continues},
    {"HMARK", TargetKind::continues},
    {"DNAT", TargetKind::nat},
    {"SNAT", TargetKind::nat},
    {"MASQUERADE", TargetKind::nat},
    {"REDIRECT", TargetKind::nat},
    {"NETMAP", TargetKind::nat},
    {"QUEUE", TargetKind::opaque},
    {"NFQUEUE", TargetKind::opaque},
    {"TPROXY", TargetKind::opaque},
    {"SYNPROXY", TargetKind::opaque},
    {"CLUSTERIP", TargetKind::opaque},
};

}  // namespace

std::optional<uint32_t> extra_protocol(std::string_view name) {
    return find(kProtocols, name);
}
std::optional<uint32_t> service_port(std::string_view name) {
    return find(kServices, name);
}
std::optional<IcmpName> icmp_name(std::string_view name) {
    return find(kIcmp, name);
}
std::optional<IcmpName> icmpv6_name(std::string_view name) {
    return find(kIcmpv6, name);
}

ModuleInfo module_info(std::string_view name) {
    // The common modules first: a dump names one or more in nearly every rule.
    if (name == "tcp" || name == "udp" || name == "multiport" || name == "conntrack" || name == "state") {
        return {ModuleKind::exact, {}};
    }
    if (name == "comment") return {ModuleKind::comment, {}};
    if (auto m = find(kModules, name)) return *m;
    return {ModuleKind::unknown, "module not modelled"};
}

std::optional<TargetKind> builtin_target(std::string_view name) {
    return find(kTargets, name);
}

}  // namespace flowgap::parsers::iptables
