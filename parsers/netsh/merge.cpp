// Joining what several inputs of one host say. Rules simply add up (Windows evaluates them as
// one set); a profile's State and Firewall Policy are facts of the host, so two inputs that
// state them differently cannot both be current, and flowgap will not guess which is.
#include "parsers/netsh/merge.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "parsers/netsh/text.hpp"

namespace flowgap::parsers::netsh {

namespace {

using analysis::InputError;
using analysis::SourceLocation;

void stamp(Collected& in) {
    for (auto& r : in.rules)
        r.file = in.path;
    for (auto& p : in.profiles) {
        if (p.seen) p.file = in.path;
    }
}

// What identifies a rule across a listing with filters and one without: the filters are the
// only thing the Format-List record lacks.
using Key = std::tuple<std::string, bool, std::string, unsigned, bool>;
Key key_of(const RawRule& r) {
    return {lower(r.name), r.inbound, r.action, r.profiles, r.enabled};
}

// Format-List records that another input lists with its filters add nothing but doubt.
std::vector<size_t> drop_listed_elsewhere(std::vector<Collected>& inputs) {
    std::vector<size_t> dropped(inputs.size(), 0);
    bool any =
        std::any_of(inputs.begin(), inputs.end(), [](const Collected& in) { return in.format_list_line; });
    if (!any || inputs.size() < 2) return dropped;
    std::map<Key, size_t> with_filters;
    for (const auto& in : inputs) {
        for (const auto& r : in.rules) {
            if (!r.filters_unknown) ++with_filters[key_of(r)];
        }
    }
    if (with_filters.empty()) return dropped;
    for (size_t i = 0; i < inputs.size(); ++i) {
        std::erase_if(inputs[i].rules, [&](const RawRule& r) {
            if (!r.filters_unknown) return false;
            auto it = with_filters.find(key_of(r));
            if (it == with_filters.end() || it->second == 0) return false;
            --it->second;
            ++dropped[i];
            return true;
        });
    }
    return dropped;
}

void warn_format_list(Collected& in, size_t dropped) {
    if (!in.format_list_line) return;
    size_t enabled = 0;
    for (const auto& r : in.rules)
        enabled += r.enabled ? 1 : 0;
    if (enabled == 0) return;
    std::string elsewhere =
        dropped == 0 ? ""
        : dropped == 1
            ? " (1 more record repeats a rule another file lists with its filters, and is read from there)"
            : fmt::format(
                  " ({} more records repeat rules another file lists with their filters, and are "
                  "read from there)",
                  dropped);
    in.warn(
        in.format_list_line,
        fmt::format("Get-NetFirewallRule output lists no address, port, protocol or program filters: the "
                    "packets its {} enabled rule{} could match are conditional, never allowed{}. For a full "
                    "audit export the rules with their filters as JSON (the `Get-NetFirewallRule ... | "
                    "ConvertTo-Json` command in docs/formats.md, section Windows Defender Firewall)",
                    enabled, enabled == 1 ? "" : "s", elsewhere));
}

std::string state_text(const ProfileSettings& s) {
    return s.on ? "ON" : "OFF";
}

// As netsh prints it: the settings keep their canonical lowercase spelling here.
std::string_view netsh_word(std::string_view canonical) {
    constexpr std::string_view kWords[] = {"BlockInboundAlways", "BlockInbound", "AllowInbound",
                                           "AllowOutbound", "BlockOutbound"};
    for (auto w : kWords) {
        if (lower(w) == canonical) return w;
    }
    return canonical;
}

std::string policy_text(const ProfileSettings& s) {
    return fmt::format("{},{}", netsh_word(s.inbound), netsh_word(s.outbound));
}

[[noreturn]] void contradiction(const ProfileSettings& have, const ProfileSettings& next, size_t p,
                                std::string_view what, const std::string& here, const std::string& there) {
    throw InputError(
        SourceLocation{next.file, next.line, 1},
        fmt::format("the {} profile's {} here ({}) contradicts {} ({}): were the files taken "
                    "from different hosts or at different times? Give the host's current "
                    "settings once",
                    kProfileNames[p], what, here, SourceLocation{have.file, have.line, 0}.str(), there));
}

// A profile's settings from several inputs: each part from whichever input states it.
void merge_profile(ProfileSettings& have, const ProfileSettings& next, size_t p) {
    if (!next.seen) return;
    if (!have.seen) {
        have = next;
        return;
    }
    if (next.state_seen) {
        if (have.state_seen && have.on != next.on)
            contradiction(have, next, p, "State", state_text(next), state_text(have));
        have.on = next.on;
        have.state_seen = true;
    }
    if (next.policy_seen) {
        if (have.policy_seen && (have.inbound != next.inbound || have.outbound != next.outbound))
            contradiction(have, next, p, "Firewall Policy", policy_text(next), policy_text(have));
        if (!have.policy_seen) {  // the default rule is located where its policy is stated
            have.file = next.file;
            have.line = next.line;
        }
        have.inbound = next.inbound;
        have.outbound = next.outbound;
        have.inbound_unknown = next.inbound_unknown;
        have.outbound_unknown = next.outbound_unknown;
        have.policy_seen = true;
    }
}

}  // namespace

Collected merge(std::vector<Collected> inputs) {
    for (auto& in : inputs)
        stamp(in);
    std::vector<size_t> dropped = drop_listed_elsewhere(inputs);
    Collected out;
    out.path = inputs.front().path;
    for (size_t i = 0; i < inputs.size(); ++i) {
        Collected& in = inputs[i];
        warn_format_list(in, dropped[i]);
        out.warnings.insert(out.warnings.end(), in.warnings.begin(), in.warnings.end());
        for (auto& r : in.rules)
            out.rules.push_back(std::move(r));
        out.skipped += in.skipped;
        for (size_t p = 0; p < 3; ++p)
            merge_profile(out.profiles[p], in.profiles[p], p);
    }
    return out;
}

}  // namespace flowgap::parsers::netsh
