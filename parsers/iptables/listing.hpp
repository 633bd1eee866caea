// `iptables -S` / `ip6tables -S` listings: the rule commands of the filter table (`-P INPUT
// DROP`, `-N chain`, `-A ...`) with no `*filter` header and no COMMIT; `iptables -S CHAIN` lists
// one chain only.
//
// The line reader (iptables.cpp) reads a listing as the body of a filter table. What a listing
// cannot show decides how it is evaluated: the raw, mangle, nat and security tables run before
// (or beside) the filter table and may drop or rewrite a packet the filter table accepts. So what
// a listing's filter table blocks stays exact, and what it allows is conditional (mark_unproven).
#pragma once

#include <string_view>
#include <vector>

#include "parsers/iptables/model.hpp"

namespace flowgap::parsers::iptables {

// The condition every allowing decision of a listing carries.
inline constexpr std::string_view kListingCondition =
    "iptables -S shows only the filter table; give iptables-save";

// For format detection: every line that is not blank or a comment is `-P `, `-N ` or `-A `,
// and there is at least one. Other vendors' files never start that way.
bool looks_like_listing(std::string_view content);

// For parsing: the line of the first command (`-...`) when no other line that is not blank or a
// comment comes before it, else 0. A listing with a bad line further down is still read as a
// listing, so that the error names that line.
uint32_t listing_start(std::string_view content);

// The located warning a listing gets, once per file: what it can and cannot prove, and which
// built-in chains of the filter table it leaves out (`iptables -S INPUT`).
void warn_listing(const Context& ctx, const std::vector<Chain>& chains, uint32_t line);

// Makes what each policy allows unproven without touching what it blocks: before every allow
// rule goes a rule that may block the same packets (the tables the listing does not show), and
// an allowing policy default gets one too. The allow rules themselves stay as they are, so the
// exposure checks see the same openings as for the same rules in an iptables-save dump.
// `chains` tells which built-in chains the listing showed; a policy for one it did not show is
// unknown as a whole. `at` locates the added rules (the listing's warning).
void mark_unproven(const Context& ctx, const std::vector<Chain>& chains,
                   std::vector<analysis::Policy>& policies, uint32_t at);

}  // namespace flowgap::parsers::iptables
