// The three input shapes, each read from decoded text into a Collected.
#pragma once

#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "parsers/netsh/raw.hpp"
#include "parsers/netsh/vocabulary.hpp"

namespace flowgap::parsers::netsh {

// `netsh advfirewall firewall show rule name=all [verbose]` and `netsh advfirewall show
// allprofiles|currentprofile` output, in any order and any number, in one text.
void read_listing(std::string_view text, Collected& out);

// Lines of `netsh advfirewall firewall add rule ...` (also `set rule ... new ...`, `delete rule`,
// and `netsh advfirewall set <x>profile state|firewallpolicy ...`), as in .bat/.cmd files.
void read_script(std::string_view text, Collected& out);

// The PowerShell export documented in docs/formats.md: a JSON array of rules, or an object
// {"Profiles": [...], "Rules": [...]}. Throws analysis::InputError for invalid JSON.
void read_json(std::string_view text, Collected& out);

// PowerShell `Get-NetFirewallRule` and `Get-NetFirewallProfile` output as Format-List writes it
// (`Name : value` records between blank lines, long values wrapped onto indented lines). Rule
// records carry no filters: each rule is marked filters_unknown.
void read_format_list(std::string_view text, Collected& out);

// One rule object (Get-NetFirewallRule's properties, strings or enum numbers) and one profile
// object (Get-NetFirewallProfile's), from the JSON export or a Format-List record.
void read_json_rule(const nlohmann::json& rule, uint32_t line, std::string_view text, Collected& out);
void read_json_profile(const nlohmann::json& profile, uint32_t line, Collected& out);

// A command that names the firewall but cannot be read (scripts): a rule of unknown action
// that may match every packet of its direction (translate.cpp), located at its line.
void add_unreadable(Collected& out, uint32_t line, std::string_view text, bool inbound,
                    const std::string& why);

// PowerShell scripts of the NetSecurity cmdlets (New-NetFirewallRule, Set-/Remove-/Enable-/
// Disable-NetFirewallRule, Set-NetFirewallProfile), read in order like netsh scripts.
void read_powershell(std::string_view text, Collected& out);
// Whether a line starts with one of those cmdlets (for detection).
bool is_firewall_cmdlet_line(std::string_view line);

// Applies one netsh-style value to a rule: shared by the listing and script readers, which
// differ only in how they name the field. Returns false when the value is not understood
// (a warning and, where it matters, a condition are already recorded).
bool set_rule_field(RawRule& rule, Field field, std::string_view value, uint32_t line, Collected& out);

}  // namespace flowgap::parsers::netsh
