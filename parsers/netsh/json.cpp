// The PowerShell export (docs/formats.md): Get-NetFirewallRule joined with its address, port,
// application, service, interface and security filters, then ConvertTo-Json. Property names
// are not localized, which makes it the locale-independent input. Enum properties arrive as
// strings when the pipeline casts them, as numbers when it does not; both are read.
#include <algorithm>

#include <nlohmann/json.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "parsers/netsh/readers.hpp"
#include "parsers/netsh/text.hpp"

namespace flowgap::parsers::netsh {

namespace {

using nlohmann::json;

// A property as text: strings as they are, arrays joined with ',', numbers in decimal.
std::string text_of(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "True" : "False";
    if (v.is_number_integer()) return std::to_string(v.get<long long>());
    if (v.is_array()) {
        std::string out;
        for (const auto& item : v)
            out += (out.empty() ? "" : ",") + text_of(item);
        return out;
    }
    return "";
}

// MSFT_NetFirewallRule's numeric enum values, as text netsh's vocabulary understands.
std::string enum_text(const json& v, std::initializer_list<std::pair<int, std::string_view>> names) {
    if (!v.is_number_integer()) return text_of(v);
    int n = v.get<int>();
    for (const auto& [number, name] : names) {
        if (number == n) return std::string(name);
    }
    return std::to_string(n);
}

// Profile flags: Domain=1, Private=2, Public=4; 0 is Any.
std::string profile_text(const json& v) {
    if (!v.is_number_integer()) return text_of(v);
    int n = v.get<int>();
    if (n == 0) return "Any";
    std::string out;
    for (size_t b = 0; b < 3; ++b) {
        if (n & (1 << b)) out += (out.empty() ? "" : ",") + std::string(kProfileNames[b]);
    }
    return out;
}

std::string security_text(const json& rule) {
    std::string auth =
        rule.contains("Authentication")
            ? lower(enum_text(rule["Authentication"], {{0, "NotRequired"}, {1, "Required"}, {2, "NoEncap"}}))
            : "notrequired";
    std::string enc =
        rule.contains("Encryption")
            ? lower(enum_text(rule["Encryption"], {{0, "NotRequired"}, {1, "Required"}, {2, "Dynamic"}}))
            : "notrequired";
    if (auth == "notrequired" && enc == "notrequired") return "notrequired";
    return fmt::format("authentication {}, encryption {}", auth, enc);
}

}  // namespace

void read_json_rule(const json& j, uint32_t line, std::string_view text, Collected& out) {
    RawRule r;
    r.line = line;
    r.text = text;
    auto set = [&](Field f, const std::string& value) { set_rule_field(r, f, value, line, out); };
    r.name = j.contains("DisplayName") ? text_of(j["DisplayName"]) : text_of(j.value("Name", json("")));
    if (j.contains("Enabled")) set(Field::enabled, enum_text(j["Enabled"], {{1, "True"}, {2, "False"}}));
    if (j.contains("Direction"))
        set(Field::direction, enum_text(j["Direction"], {{1, "Inbound"}, {2, "Outbound"}}));
    std::string action =
        j.contains("Action")
            ? enum_text(j["Action"], {{0, "NotConfigured"}, {2, "Allow"}, {3, "AllowBypass"}, {4, "Block"}})
            : "";
    set(Field::action, action);
    if (j.contains("Profile")) set(Field::profiles, profile_text(j["Profile"]));
    for (auto [key, field] : {std::pair{"LocalAddress", Field::local_ip},
                              {"RemoteAddress", Field::remote_ip},
                              {"Protocol", Field::protocol},
                              {"LocalPort", Field::local_port},
                              {"RemotePort", Field::remote_port},
                              {"Program", Field::program},
                              {"Service", Field::service},
                              {"RemoteUser", Field::remote_users},
                              {"RemoteMachine", Field::remote_computers}}) {
        if (j.contains(key)) set(field, text_of(j[key]));
    }
    if (j.contains("InterfaceType"))
        set(Field::interface_types,
            enum_text(j["InterfaceType"], {{0, "Any"}, {1, "Wired"}, {2, "Wireless"}, {4, "RemoteAccess"}}));
    if (j.contains("EdgeTraversalPolicy"))
        set(Field::edge, enum_text(j["EdgeTraversalPolicy"],
                                   {{0, "Block"}, {1, "Allow"}, {2, "DeferToUser"}, {3, "DeferToApp"}}));
    r.security = security_text(j);
    std::string icmp_types = j.contains("IcmpType") ? text_of(j["IcmpType"]) : "";  // outlives the views
    for (auto item : split(icmp_types, ',')) {
        std::string t = lower(item);
        if (t == "any" || t.empty()) continue;
        r.icmp.push_back(t.find(':') == std::string::npos ? t + ":any" : t);
    }
    if (!r.has_direction || action.empty()) {
        out.warn(line, fmt::format("rule '{}' has no Direction or Action; skipped", r.name));
        ++out.skipped;
        return;
    }
    out.rules.push_back(std::move(r));
}

// Get-NetFirewallProfile: Name, Enabled (GpoBoolean: False=0, True=1, NotConfigured=2) and the
// default actions (NotConfigured=0, Allow=2, Block=4).
void read_json_profile(const json& j, uint32_t line, Collected& out) {
    std::string name = lower(text_of(j.value("Name", json(""))));
    size_t p = name == "domain" ? 0 : name == "private" ? 1 : name == "public" ? 2 : 3;
    if (p == 3) return out.warn(line, fmt::format("profile '{}' not understood; ignored", name));
    ProfileSettings& s = out.profiles[p];
    s = ProfileSettings{};
    s.seen = true;
    s.line = line;
    std::string enabled;
    if (j.contains("Enabled")) {
        enabled = lower(enum_text(j["Enabled"], {{0, "False"}, {1, "True"}, {2, "NotConfigured"}}));
        s.on = enabled != "false";
        s.state_seen = true;
    }
    auto action = [&](const char* key) {
        return j.contains(key) ? lower(enum_text(j[key], {{0, "NotConfigured"}, {2, "Allow"}, {4, "Block"}}))
                               : "";
    };
    std::string in = action("DefaultInboundAction"), outb = action("DefaultOutboundAction");
    if (in == "allow") s.inbound = "allowinbound";
    if (outb == "block") s.outbound = "blockoutbound";
    // NotConfigured: Group Policy, or else Windows' default (ON, BlockInbound, AllowOutbound),
    // decides, and this export (of the local store) does not show which. The default takes neither
    // side for the directions concerned: a GPO may as well block what Windows' default allows.
    s.inbound_unknown = enabled == "notconfigured" || in == "notconfigured";
    s.outbound_unknown = enabled == "notconfigured" || outb == "notconfigured";
    s.policy_seen = !in.empty() && !outb.empty();
    std::vector<std::string_view> unset;
    if (enabled == "notconfigured") unset.push_back("Enabled");
    if (in == "notconfigured") unset.push_back("DefaultInboundAction");
    if (outb == "notconfigured") unset.push_back("DefaultOutboundAction");
    if (!unset.empty())
        out.warn(line,
                 fmt::format("the {} profile's {} {} NotConfigured: the effective value comes from Group "
                             "Policy, or else Windows' default (Enabled, BlockInbound, AllowOutbound), "
                             "which this export does not show, so what the profile does with the packets "
                             "no rule decides is conditional. Export `Get-NetFirewallProfile -PolicyStore "
                             "ActiveStore` for the values in force",
                             kProfileNames[p], fmt::join(unset, " and "), unset.size() == 1 ? "is" : "are"));
}

namespace {

// The text span and line of each element of the array that opens at `open`: nlohmann's DOM
// keeps no positions, so a small scanner finds them for the rules' locations.
std::vector<std::pair<size_t, size_t>> element_spans(std::string_view t, size_t open) {
    std::vector<std::pair<size_t, size_t>> spans;
    int depth = 0;
    bool in_string = false;
    size_t start = 0;
    for (size_t i = open; i < t.size(); ++i) {
        char c = t[i];
        if (in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (c == '"') in_string = true;
        if (c == '{' || c == '[') {
            if (++depth == 2 && c == '{') start = i;
        } else if (c == '}' || c == ']') {
            if (depth == 2 && c == '}') spans.emplace_back(start, i + 1);
            if (--depth == 0) break;
        }
    }
    return spans;
}

size_t array_after_key(std::string_view t, std::string_view key) {
    size_t at = t.find(fmt::format("\"{}\"", key));
    while (at != std::string_view::npos) {
        size_t colon = t.find_first_not_of(" \t\r\n", at + key.size() + 2);
        if (colon != std::string_view::npos && t[colon] == ':') {
            size_t open = t.find_first_not_of(" \t\r\n", colon + 1);
            if (open != std::string_view::npos && t[open] == '[') return open;
        }
        at = t.find(fmt::format("\"{}\"", key), at + 1);
    }
    return std::string_view::npos;
}

template <typename F>
void each_element(std::string_view t, const json& list, size_t open, F&& f) {
    auto spans = open == std::string_view::npos ? decltype(element_spans(t, 0)){} : element_spans(t, open);
    bool located = spans.size() == list.size();
    size_t counted = 0;  // spans ascend, so lines are counted once over the whole text
    uint32_t line = 1;
    for (size_t k = 0; k < list.size(); ++k) {
        size_t from = located ? spans[k].first : 0;
        line +=
            static_cast<uint32_t>(std::count(t.begin() + static_cast<long>(counted),
                                             t.begin() + static_cast<long>(std::max(from, counted)), '\n'));
        counted = std::max(from, counted);
        if (!list[k].is_object()) continue;
        f(list[k], line, located ? t.substr(from, spans[k].second - from) : std::string_view{});
    }
}

}  // namespace

namespace {

// ConvertTo-Json writes rules two or three levels deep (its -Depth defaults to 2). nlohmann's
// parser does not recurse, but text_of does over nested arrays: the nesting is bounded first.
constexpr size_t kMaxNesting = 256;

// Throws, located at the bracket, when arrays and objects nest deeper than kMaxNesting.
void check_nesting(std::string_view t, const Collected& out) {
    size_t depth = 0;
    bool in_string = false;
    uint32_t line = 1;
    size_t line_start = 0;
    for (size_t i = 0; i < t.size(); ++i) {
        char c = t[i];
        if (c == '\n') {
            ++line;
            line_start = i + 1;
        }
        if (in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if ((c == '[' || c == '{') && ++depth > kMaxNesting) {
            throw analysis::InputError(
                {out.path, line, static_cast<uint32_t>(i - line_start + 1)},
                fmt::format("arrays and objects nest more than {} deep; no PowerShell export does",
                            kMaxNesting));
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
}

}  // namespace

void read_json(std::string_view text, Collected& out) {
    check_nesting(text, out);
    json doc = json::parse(text.begin(), text.end(), nullptr, false);
    if (doc.is_discarded())
        throw analysis::InputError({out.path, 1, 1},
                                   "invalid JSON (expected the PowerShell export of docs/formats.md)");
    auto rule = [&](const json& r, uint32_t line, std::string_view t) { read_json_rule(r, line, t, out); };
    const json* rules = &doc;  // a view into the document, never a copy of it
    size_t open = std::string_view::npos;
    if (doc.is_object() && doc.contains("Rules")) {
        if (doc.contains("Profiles") && doc["Profiles"].is_array())
            each_element(
                text, doc["Profiles"], array_after_key(text, "Profiles"),
                [&](const json& p, uint32_t line, std::string_view) { read_json_profile(p, line, out); });
        rules = &doc["Rules"];
        open = array_after_key(text, "Rules");
    } else {
        open = text.find_first_not_of(" \t\r\n");
        if (open != std::string_view::npos && text[open] != '[') open = std::string_view::npos;
    }
    if (rules->is_array()) {
        each_element(text, *rules, open, rule);
    } else if (rules->is_object()) {
        rule(*rules, 1, {});  // ConvertTo-Json prints a single rule bare, unlocated as before
    }
}

}  // namespace flowgap::parsers::netsh
