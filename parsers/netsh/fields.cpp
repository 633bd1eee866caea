// One field value into a RawRule, whatever the language or input shape it came from.
#include <fmt/format.h>

#include "parsers/netsh/readers.hpp"
#include "parsers/netsh/text.hpp"

namespace flowgap::parsers::netsh {

namespace {

// "Any" in any language becomes "any"; other values are kept as written.
std::string any_or(std::string_view value) {
    if (value_of(ValueKind::any, value)) return "any";
    return std::string(value);
}

bool set_profiles(RawRule& rule, std::string_view value, uint32_t line, Collected& out) {
    unsigned bits = 0;
    for (auto item : split(value, ',')) {
        auto p = value_of(ValueKind::profile, item);
        if (!p) {
            out.warn(line, fmt::format("rule '{}': profile '{}' not understood; the rule is treated as "
                                       "conditional",
                                       rule.name, item));
            rule.conditions.push_back(fmt::format("profiles '{}' (not understood)", value));
            bits = kAllProfiles;
            break;
        }
        bits |= *p == "any" ? kAllProfiles : *p == "domain" ? kDomain : *p == "private" ? kPrivate : kPublic;
    }
    rule.profiles = bits ? bits : kAllProfiles;
    return true;
}

// netsh's script form carries ICMP type and code in the protocol: `icmpv4:8,any`.
void set_protocol(RawRule& rule, std::string_view value) {
    std::string v = lower(value);
    if (value_of(ValueKind::any, v)) v = "any";
    if (auto colon = v.find(':'); colon != std::string::npos) {
        std::string tc = v.substr(colon + 1);
        v.resize(colon);
        if (auto comma = tc.find(','); comma != std::string::npos) tc[comma] = ':';
        rule.icmp.push_back(tc);
    }
    rule.protocol = v;
}

bool not_understood(RawRule& rule, Collected& out, uint32_t line, std::string_view what,
                    std::string_view value) {
    out.warn(line, fmt::format("rule '{}': {} '{}' not understood", rule.name, what, value));
    rule.conditions.push_back(fmt::format("{} '{}' (not understood)", what, value));
    return false;
}

}  // namespace

bool set_rule_field(RawRule& rule, Field field, std::string_view value, uint32_t line, Collected& out) {
    value = trim(value);
    if (value.empty() && field != Field::rule_name) return true;  // netsh prints empty optional fields
    switch (field) {
        case Field::rule_name: rule.name = std::string(value); return true;
        case Field::enabled:
            if (auto v = value_of(ValueKind::boolean, value)) return rule.enabled = *v == "yes", true;
            return not_understood(rule, out, line, "Enabled", value);
        case Field::direction:
            if (auto v = value_of(ValueKind::direction, value)) {
                rule.has_direction = true;
                rule.inbound = *v == "in";
                return true;
            }
            out.warn(line, fmt::format("rule '{}': direction '{}' not understood", rule.name, value));
            return false;
        case Field::action:
            if (auto v = value_of(ValueKind::action, value)) return rule.action = *v, true;
            rule.action = lower(value);  // an unknown action: translate.cpp warns
            return false;
        case Field::profiles: return set_profiles(rule, value, line, out);
        case Field::local_ip: rule.local_ip = any_or(value); return true;
        case Field::remote_ip: rule.remote_ip = any_or(value); return true;
        case Field::local_port: rule.local_port = any_or(value); return true;
        case Field::remote_port: rule.remote_port = any_or(value); return true;
        case Field::protocol: set_protocol(rule, value); return true;
        case Field::edge:
            if (auto v = value_of(ValueKind::edge, value)) return rule.edge = *v, true;
            out.warn(line, fmt::format("rule '{}': edge traversal '{}' not understood (it only concerns "
                                       "traffic tunnelled through NAT (Teredo), not ordinary connections)",
                                       rule.name, value));
            return false;
        case Field::program: rule.program = any_or(value); return true;
        case Field::service: rule.service = any_or(value); return true;
        case Field::interface_types: rule.interface_types = lower(any_or(value)); return true;
        case Field::security: rule.security = lower(value); return true;
        case Field::remote_computers:
        case Field::remote_users:
        case Field::local_users:
            if (any_or(value) != "any")
                rule.conditions.push_back(
                    fmt::format("authorized users or computers {} (IPsec identities)", value));
            return true;
        case Field::description:
        case Field::grouping:
        case Field::rule_source: return true;
    }
    return true;
}

void add_unreadable(Collected& out, uint32_t line, std::string_view text, bool inbound,
                    const std::string& why) {
    RawRule r;
    r.name = fmt::format("line {} (not read)", line);
    r.line = line;
    r.text = text;
    r.has_direction = true;
    r.inbound = inbound;
    r.action = "unknown";
    r.unreadable = fmt::format("line {} acts on these packets ({})", line, why);
    out.rules.push_back(std::move(r));
}

}  // namespace flowgap::parsers::netsh
