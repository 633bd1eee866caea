// What the three readers (netsh listings, `add rule` scripts, PowerShell JSON) produce: rules
// and profile settings in netsh's own terms, with localized words already mapped to English
// canonical values. translate.cpp turns them into the rule model.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/rule.hpp"

namespace flowgap::parsers::netsh {

// Profile bits, as PowerShell numbers them (Domain=1, Private=2, Public=4).
enum ProfileBits : unsigned { kDomain = 1, kPrivate = 2, kPublic = 4, kAllProfiles = 7 };
constexpr std::array<std::string_view, 3> kProfileNames = {"Domain", "Private", "Public"};

struct RawRule {
    std::string name;
    std::shared_ptr<const std::string> file;  // set when the inputs are merged (merge.cpp)
    uint32_t line = 0;                        // of its `Rule Name:` line, `add rule` line or JSON object
    std::string_view text;                    // the rule as written, in the decoded text
    bool enabled = true;
    bool has_direction = false;
    bool inbound = true;
    std::string action;  // "allow", "block", "bypass"; anything else is an unknown action
    unsigned profiles = kAllProfiles;
    // Values as written ("Any" already canonical "any"); parsed in translate.cpp.
    std::string local_ip = "any", remote_ip = "any";
    std::string protocol = "any";
    std::string local_port = "any", remote_port = "any";
    std::vector<std::string> icmp;  // "type:code" rows ("8:any"); empty = any
    std::string edge = "no";        // "no", "yes", "deferapp", "deferuser"
    std::string program = "any", service = "any", interface_types = "any", security = "notrequired";
    // Restrictions the model cannot evaluate (remote user/computer groups, fields this parser
    // does not know, values it did not understand): each makes the rule conditional.
    std::vector<std::string> conditions;
    // Read from Get-NetFirewallRule's Format-List output, which shows no filters: the fields
    // above are "any" only because the input does not say.
    bool filters_unknown = false;
    // A script line naming the firewall that flowgap cannot read (why, for the report): it stands
    // for whatever the line does to this direction, so every packet of it is conditional.
    std::string unreadable;
};

struct ProfileSettings {
    bool seen = false;         // the input shows this profile's settings
    bool state_seen = false;   // ... including its `State` line
    bool policy_seen = false;  // ... including its `Firewall Policy` line
    bool on = true;
    std::string inbound = "blockinbound";     // blockinbound, blockinboundalways, allowinbound
    std::string outbound = "allowoutbound";   // allowoutbound, blockoutbound
    std::shared_ptr<const std::string> file;  // set when the inputs are merged (merge.cpp)
    uint32_t line = 0;                        // of the profile's header
    // NotConfigured (the local store leaves the setting to Group Policy, else Windows' default):
    // the export does not say what the host does with the packets no rule decides.
    bool inbound_unknown = false, outbound_unknown = false;
};

// Everything read from one input, plus its problems.
struct Collected {
    std::shared_ptr<const std::string> path;
    std::vector<RawRule> rules;
    std::array<ProfileSettings, 3> profiles;  // domain, private, public
    std::vector<analysis::Diagnostic> warnings;
    size_t skipped = 0;  // rules read but not usable (incomplete), still counted as written
    // Get-NetFirewallRule Format-List output: the line of its first record (0: another input).
    uint32_t format_list_line = 0;

    void warn(uint32_t line, std::string message, uint32_t column = 1) {
        warnings.push_back({analysis::Diagnostic::Severity::warning,
                            analysis::SourceLocation{path, line, line ? column : 0}, std::move(message)});
    }
};

}  // namespace flowgap::parsers::netsh
