// The table of supported vendors: everything outside parsers/<vendor>/ that differs by vendor
// goes through one row of it. Adding a vendor costs its folder and one row in vendors.cpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analysis/checks.hpp"
#include "analysis/remediation.hpp"
#include "analysis/rule.hpp"
#include "parsers/input.hpp"
#include "parsers/options.hpp"

namespace flowgap::parsers {

struct Vendor {
    std::string_view id;           // as `format:` and reports name it: "iptables"
    std::string_view description;  // for messages: "an iptables-save dump"
    // Whether a file's bytes are this vendor's export. Rows are asked in table order.
    bool (*looks_like)(std::string_view content);
    // Parses the configs of one firewall (all of this vendor); `entry` locates errors about the
    // list as a whole. Throws analysis::InputError.
    analysis::Firewall (*parse)(const std::vector<Input>& inputs, const ParseOptions& options,
                                const analysis::SourceLocation& entry);
    // The commands that carry out a fix, in the firewall's own syntax.
    analysis::Remedy (*fix)(const analysis::Fix& fix, const analysis::Flow& flow);
    // An app-id-rule finding's replacement by port-based matching; null for vendors without
    // App-ID. No commands: nothing to propose.
    analysis::Remedy (*replace_app_rule)(const analysis::Finding& finding);
    // A rule's identity across two exports of one firewall, from what a report states of it:
    // what stays the same when rules are added above it (see diff::rule_identity).
    std::string (*identity)(std::string_view policy, std::string_view rule_name, std::string_view rule_text);
};

// Every supported vendor, in the order detection asks them.
const std::vector<Vendor>& vendors();
// The row of `id`, or null.
const Vendor* vendor_named(std::string_view id);
// The ids joined with ", ": "iptables, paloalto, netsh".
std::string vendor_ids();

// The identity of a rule whose name its administrator gave it: the policy and the name.
std::string named_rule_identity(std::string_view policy, std::string_view rule_name,
                                std::string_view rule_text);

}  // namespace flowgap::parsers
