// Services, applications, and the App-ID default ports behind `application-default`.
#include <map>

#include <fmt/format.h>

#include "parsers/paloalto/objects.hpp"

namespace flowgap::parsers::paloalto {

using analysis::PortSet;
using analysis::ProtocolSet;
namespace protocol = analysis::protocol;

namespace {

L4 l4(uint32_t proto, PortSet ports) {
    return {ProtocolSet::single(proto), std::move(ports), PortSet::all()};
}
L4 tcp(uint32_t lo, uint32_t hi = 0) {
    return l4(protocol::tcp, PortSet::range(lo, hi ? hi : lo));
}
L4 udp(uint32_t lo, uint32_t hi = 0) {
    return l4(protocol::udp, PortSet::range(lo, hi ? hi : lo));
}
L4 icmp_echo() {
    return l4(protocol::icmp, PortSet::icmp_type(8));
}
L4 any_l4() {
    return {ProtocolSet::all(), PortSet::all(), PortSet::all()};
}

// "tcp/8443", "udp/1000-2000", "tcp/80,8080" (custom applications' default/port members).
std::optional<L4> parse_app_port(std::string_view text) {
    size_t slash = text.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    auto proto = protocol::parse(text.substr(0, slash));
    auto ports = PortSet::parse(text.substr(slash + 1));
    if (!proto || !ports) return std::nullopt;
    return l4(*proto, *ports);
}

}  // namespace

const std::vector<L4>* app_default_ports(std::string_view app) {
    // Default ports of common App-IDs, from Applipedia. Only apps whose defaults are stable
    // belong here: a missing app keeps application-default conditional on every port.
    static const std::map<std::string_view, std::vector<L4>> table = {
        {"ssl", {tcp(443)}},
        {"web-browsing", {tcp(80)}},
        {"dns", {tcp(53), udp(53)}},
        {"ssh", {tcp(22)}},
        {"ping", {icmp_echo()}},
        {"ntp", {udp(123)}},
        {"smtp", {tcp(25)}},
        {"ftp", {tcp(21)}},
        {"ldap", {tcp(389), udp(389)}},
        {"kerberos", {tcp(88), udp(88)}},
        {"ms-rdp", {tcp(3389), udp(3389)}},
        {"ms-ds-smb", {tcp(139), tcp(445)}},
        {"mssql-db", {tcp(1433)}},
        {"postgres", {tcp(5432)}},
        {"snmp", {udp(161), udp(162)}},
        {"syslog", {udp(514), tcp(514)}},
        {"telnet", {tcp(23)}},
        {"traceroute", {udp(33434, 33534)}},
        {"dhcp", {udp(67, 68)}},
        {"http-proxy", {tcp(8080)}},
    };
    auto it = table.find(app);
    return it == table.end() ? nullptr : &it->second;
}

AppMatch Resolver::applications(pugi::xml_node list) {
    AppMatch out;
    bool listed = false;
    for_each_member(list, [&](std::string_view name, pugi::xml_node) {
        listed = true;
        if (name == "any") return;
        out.any = false;
        expand_app(name, out, 0);
    });
    // Written empty (`set ... application` with no value): no App-ID is named, which is not "any".
    if (list && !listed) {
        out.any = false;
        out.opaque = true;
        out.names.emplace_back("(none: the application list is empty)");
    }
    return out;
}

void Resolver::expand_app(std::string_view name, AppMatch& out, int depth) {
    if (pugi::xml_node g = find(&Scope::application_group, name); g && depth < 16) {
        pugi::xml_node list = g.child("members") ? g.child("members") : g;
        for_each_member(list, [&](std::string_view m, pugi::xml_node) { expand_app(m, out, depth + 1); });
        return;
    }
    // A filter's membership comes from the App-ID database: its default ports are unknown.
    if (find(&Scope::application_filter, name)) out.opaque = true;
    out.names.emplace_back(name);
}

void Resolver::add_default_ports(std::string_view app, ServiceMatch& out, bool& unknown) {
    if (pugi::xml_node custom = find(&Scope::application, app)) {
        bool some = false;
        for_each_member(custom.child("default").child("port"), [&](std::string_view p, pugi::xml_node) {
            if (auto v = parse_app_port(p)) out.possible.push_back(*v), some = true;
        });
        if (!some) unknown = true;
        return;
    }
    const auto* ports = app_default_ports(app);
    if (!ports) {
        unknown = true;
        return;
    }
    out.possible.insert(out.possible.end(), ports->begin(), ports->end());
}

const ServiceMatch& Resolver::services(pugi::xml_node list, const AppMatch& apps, ServiceMatch& merged) {
    // Most rules name one service: its resolved match is the answer, not a copy of it.
    std::string_view only;
    pugi::xml_node only_where;
    size_t count = 0;
    for_each_member(list, [&](std::string_view name, pugi::xml_node where) {
        if (++count == 1) only = name, only_where = where;
    });
    if (count == 1 && only != "application-default") return service(only, only_where);
    // A list written empty (`set ... service` with no value) names no service: PAN-OS would not
    // commit the rule, so what it matches is unknown, and certainly not "any".
    if (count == 0 && list) {
        merged.possible = {any_l4()};
        merged.conditions.push_back("the rule's service list is empty");
        return merged;
    }
    // An absent list is PAN-OS's default, application-default (set-format rules often omit it).
    if (count == 0) {
        pugi::xml_document doc;
        doc.append_child("service").text().set("application-default");
        return services(doc.first_child(), apps, merged);
    }
    for_each_member(list, [&](std::string_view name, pugi::xml_node where) {
        if (name == "application-default") {
            bool unknown = apps.any || apps.opaque;
            for (const auto& a : apps.names)
                if (!unknown) add_default_ports(a, merged, unknown);
            if (unknown) {
                merged.possible = {any_l4()};
                merged.conditions.push_back(
                    "application-default (the apps' default ports are not all known)");
            } else {
                merged.conditions.push_back("application-default (App-ID decides which default ports apply)");
            }
            return;
        }
        const ServiceMatch& s = service(name, where);
        merged.certain.insert(merged.certain.end(), s.certain.begin(), s.certain.end());
        merged.possible.insert(merged.possible.end(), s.possible.begin(), s.possible.end());
        merged.conditions.insert(merged.conditions.end(), s.conditions.begin(), s.conditions.end());
    });
    return merged;
}

const ServiceMatch& Resolver::service(std::string_view name, pugi::xml_node where) {
    auto it = services_.find(name);
    if (it != services_.end()) return it->second;
    ServiceMatch m;
    pugi::xml_node obj = find(&Scope::service, name);
    pugi::xml_node group = obj ? pugi::xml_node() : find(&Scope::service_group, name);
    std::string key(name);
    if (obj) {
        m = service_object(name, obj);
    } else if (group && resolving_.insert(key).second) {
        pugi::xml_node list = group.child("members") ? group.child("members") : group;
        for_each_member(list, [&](std::string_view member, pugi::xml_node w) {
            const ServiceMatch& s = service(member, w);
            m.certain.insert(m.certain.end(), s.certain.begin(), s.certain.end());
            m.possible.insert(m.possible.end(), s.possible.begin(), s.possible.end());
            m.conditions.insert(m.conditions.end(), s.conditions.begin(), s.conditions.end());
        });
        resolving_.erase(key);
    } else if (name == "any") {
        m.certain = {any_l4()};
    } else if (name == "service-http") {
        m.certain = {l4(protocol::tcp, PortSet::single(80) | PortSet::single(8080))};
    } else if (name == "service-https") {
        m.certain = {tcp(443)};
    } else {
        if (where) warn(where, fmt::format("undefined service '{}': rules naming it are conditional", name));
        m.possible = {any_l4()};
        m.conditions.push_back(fmt::format("undefined service '{}'", name));
    }
    return services_.emplace(key, std::move(m)).first->second;
}

ServiceMatch Resolver::service_object(std::string_view name, pugi::xml_node entry) {
    ServiceMatch m;
    for (pugi::xml_node p = entry.child("protocol").first_child(); p; p = p.next_sibling()) {
        auto proto = protocol::parse(p.name());
        auto dport = PortSet::parse(p.child_value("port"));
        std::string_view sp = p.child_value("source-port");
        auto sport = sp.empty() ? std::optional<PortSet>(PortSet::all()) : PortSet::parse(sp);
        if (!proto || !dport || !sport) {
            warn(p, fmt::format("service '{}': cannot read protocol {} port '{}' source-port '{}'", name,
                                p.name(), p.child_value("port"), sp));
            m.possible.push_back(any_l4());
            m.conditions.push_back(fmt::format("unreadable service '{}'", name));
            continue;
        }
        m.certain.push_back({ProtocolSet::single(*proto), *dport, *sport});
    }
    if (m.certain.empty() && m.possible.empty()) {
        warn(entry, fmt::format("service '{}' has no protocol", name));
        m.possible.push_back(any_l4());
        m.conditions.push_back(fmt::format("unreadable service '{}'", name));
    }
    return m;
}

}  // namespace flowgap::parsers::paloalto
