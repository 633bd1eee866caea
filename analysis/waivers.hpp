// The waiver file (flowgap-waivers.yaml): accepted risks, each naming what it waives, why and
// until when. Schema: docs/usage.md ("Waivers").
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/deployment.hpp"
#include "analysis/rule.hpp"

namespace flowgap::analysis {

// A calendar day. Waivers expire by day, so no time of day or zone is involved beyond "today".
struct Date {
    int year = 1970;
    int month = 1;
    int day = 1;
    auto operator<=>(const Date&) const = default;
    std::string str() const;                             // YYYY-MM-DD
    static std::optional<Date> parse(std::string_view);  // YYYY-MM-DD, a real day
    static Date today_utc();
};

struct Waiver {
    std::string check;     // a check id, or "required-flow" for a flow that is not allowed
    std::string firewall;  // the firewall's name in the deployment
    std::string rule;      // findings: the rule's name as reports print it (iptables: CHAIN#N suffices)
    std::string flow;      // required-flow: the catalog flow id
    std::string reason;
    Date expires;  // the last day the waiver applies
    SourceLocation location;
};

// The check id of the gate items that required flows which are not allowed become.
inline constexpr std::string_view kRequiredFlowCheck = "required-flow";

// Reads a waiver file. Throws InputError (file:line:column) for YAML errors, unknown keys,
// missing fields, unknown check or flow ids and bad dates.
std::vector<Waiver> load_waivers(const std::string& path);
// The same for a waiver file held in memory (an upload), called `name` in errors.
std::vector<Waiver> parse_waivers(const std::string& name, const std::string& text);

// The waivers that go with a deployment when none are named: flowgap-waivers.yaml beside the
// deployment file, like the configs it names; none when there is no such file (or the
// deployment was uploaded, with no folder).
std::vector<Waiver> default_waivers(const Deployment& d);

}  // namespace flowgap::analysis
