// netsh's words in each language, as data: field labels and enumerated values mapped to
// canonical English keys. Adding a language is adding rows to the tables in vocabulary.cpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace flowgap::parsers::netsh {

enum class Field {
    rule_name,
    description,
    enabled,
    direction,
    profiles,
    grouping,
    local_ip,
    remote_ip,
    protocol,
    local_port,
    remote_port,
    edge,
    program,
    service,
    interface_types,
    security,
    rule_source,
    action,
    remote_computers,  // authorized remote computers/users: the model cannot evaluate them
    remote_users,
    local_users,
};

// Kinds of enumerated values, each with its own vocabulary ("Aus" is `out` as a direction but
// `off` as a profile state).
enum class ValueKind { boolean, direction, action, any, profile, edge, state };

// Lowercase (ASCII and Latin-1 letters), trimmed; spaces and hyphens removed for labels.
std::string normalize(std::string_view text, bool is_label);

std::optional<Field> field_of(std::string_view label);
// The canonical value ("yes", "in", "allow", "any", "domain", "deferuser", "on"), or nullopt.
std::optional<std::string_view> value_of(ValueKind kind, std::string_view word);

// Profile settings blocks: the header names a profile ("Domain Profile Settings:",
// "Einstellungen für Domänenprofil:"); 0 = not a profile header, else the profile bit.
unsigned profile_header(std::string_view line);
enum class ProfileKey { state, policy, other };
ProfileKey profile_key(std::string_view key);

// The line that ends a netsh listing ("Ok.", "OK.").
bool is_ok_line(std::string_view line);
// "No rules match the specified criteria." and its translations.
bool is_no_rules_line(std::string_view line);

}  // namespace flowgap::parsers::netsh
