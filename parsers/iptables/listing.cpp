// `iptables -S` listings: recognising one, and what reading one can prove (listing.hpp).
#include "parsers/iptables/listing.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace flowgap::parsers::iptables {

using analysis::Action;
using analysis::FlowSpace;
using analysis::Rule;

namespace {

constexpr std::string_view kBuiltins[] = {"INPUT", "FORWARD", "OUTPUT"};

// Calls f(number, line) for each line that is not blank or a comment, without leading blanks or
// the line break, until f returns false.
template <typename F>
void for_each_command(std::string_view content, F&& f) {
    size_t pos = content.starts_with("\xEF\xBB\xBF") ? 3 : 0;  // a UTF-8 byte order mark
    for (uint32_t number = 1; pos < content.size(); ++number) {
        size_t end = std::min(content.find('\n', pos), content.size());
        std::string_view line = content.substr(pos, end - pos);
        pos = end + 1;
        size_t first = line.find_first_not_of(" \t\r");
        if (first == std::string_view::npos || line[first] == '#') continue;
        if (!f(number, line.substr(first))) return;
    }
}

// The built-in chain `name` as the listing showed it: with its `-P` line. nullptr when the
// listing printed no policy for it (`iptables -S OTHER`, or a hand-cut listing).
const Chain* shown(const std::vector<Chain>& chains, std::string_view name) {
    for (const auto& c : chains) {
        if (c.builtin && c.name == name && c.decl_line) return &c;
    }
    return nullptr;
}

Rule unproven(FlowSpace packets, std::string condition, analysis::SourceLocation at,
              const std::string& chain) {
    Rule r;
    r.name = "tables not in the listing (raw, mangle, nat, security)";
    r.action = Action::block;
    r.may_match = std::move(packets);
    r.conditions.push_back(std::move(condition));
    r.location = std::move(at);
    r.container = chain;
    return r;
}

}  // namespace

bool looks_like_listing(std::string_view content) {
    bool any = false, all = true;
    for_each_command(content, [&](uint32_t, std::string_view line) {
        all = line.starts_with("-P ") || line.starts_with("-N ") || line.starts_with("-A ");
        any = true;
        return all;
    });
    return any && all;
}

uint32_t listing_start(std::string_view content) {
    uint32_t out = 0;
    for_each_command(content, [&](uint32_t number, std::string_view line) {
        if (line.starts_with('-')) out = number;
        return false;
    });
    return out;
}

void warn_listing(const Context& ctx, const std::vector<Chain>& chains, uint32_t line) {
    std::vector<std::string_view> missing;
    for (auto name : kBuiltins) {
        if (!shown(chains, name)) missing.push_back(name);
    }
    std::string_view tool = ctx.family == analysis::Family::v6 ? "ip6tables" : "iptables";
    std::string message = fmt::format(
        "an {0} -S listing shows only the filter table, not the raw, mangle, nat and security tables that "
        "may drop or rewrite a packet first: what it blocks is exact, what it allows is conditional (give "
        "{0}-save output to prove a flow allowed)",
        tool);
    if (!missing.empty()) {
        message +=
            fmt::format("; it has no -P line for {}: {} policy and rules are unknown",
                        fmt::join(missing, ", "), missing.size() == 1 ? "that chain's" : "those chains'");
    }
    // First among the file's warnings: it qualifies every verdict the file gives.
    ctx.warnings->insert(ctx.warnings->begin(),
                         {analysis::Diagnostic::Severity::warning, ctx.at(line, 1), std::move(message)});
}

void mark_unproven(const Context& ctx, const std::vector<Chain>& chains,
                   std::vector<analysis::Policy>& policies, uint32_t at) {
    for (auto& policy : policies) {
        const Chain* chain = shown(chains, policy.name);
        std::deque<Rule> rules;
        for (auto& rule : policy.rules) {
            if (rule.action == Action::allow) {
                rules.push_back(unproven(rule.match | rule.may_match, std::string(kListingCondition),
                                         ctx.at(at, 1), policy.name));
            }
            rules.push_back(std::move(rule));
        }
        const Rule& def = policy.default_rule;
        if (def.action == Action::allow) {
            std::string why = chain ? std::string(kListingCondition)
                                    : fmt::format(
                                          "the listing has no -P {} line: that chain's policy and "
                                          "rules are unknown",
                                          policy.name);
            rules.push_back(unproven(FlowSpace::all(), std::move(why), chain ? def.location : ctx.at(at, 1),
                                     policy.name));
        }
        policy.rules = std::move(rules);
    }
}

}  // namespace flowgap::parsers::iptables
