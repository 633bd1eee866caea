// The structure of a ruleset: tables, their chains (base chains with hook, priority and policy),
// sets and maps, each rule as the tokens it holds. What the rules match is rules.cpp's job.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/diagnostic.hpp"
#include "parsers/nftables/lexer.hpp"

namespace flowgap::parsers::nftables {

// A token range [begin, end) of Ruleset::tokens.
struct Span {
    size_t begin = 0;
    size_t end = 0;
    bool empty() const { return begin == end; }
};

struct RuleDecl {
    Span tokens;
    std::string_view text;    // the rule as written, from its first to its last token
    std::string_view handle;  // `# handle N`, when the ruleset was listed with -a
};

struct ChainDecl {
    std::string_view name;
    uint32_t line = 0;
    std::string_view text;  // the `chain NAME {` line
    // Base chains only (`type T hook H priority P;`):
    bool base = false;
    std::string_view type;  // filter, nat, route
    std::string_view hook;  // prerouting, input, forward, output, postrouting, ingress
    int priority = 0;
    bool drop_policy = false;  // `policy drop;` (the default is accept)
    uint32_t type_line = 0;
    uint32_t type_column = 0;
    std::string_view type_text;             // the `type ... ;` statement, where the policy applies
    std::vector<std::string_view> devices;  // netdev chains: `device "eth0"` / `devices = { ... }`
    std::vector<RuleDecl> rules;
};

struct SetDecl {
    std::string_view name;
    uint32_t line = 0;
    uint32_t column = 0;
    bool map = false;      // `map NAME`: elements are KEY : VALUE
    Span key_type;         // after `type` or `typeof`, up to `;`/newline (a map: up to `:`)
    Span value_type;       // a map's value type (`verdict` for a verdict map)
    bool dynamic = false;  // flags dynamic or timeout: the packet path changes its elements
    Span elements;         // inside `elements = { ... }`
};

struct TableDecl {
    std::string_view family;  // ip, ip6, inet, arp, bridge, netdev
    std::string_view name;
    uint32_t line = 0;
    std::string_view text;
    bool dormant = false;  // `flags dormant`: its chains do not run
    std::vector<ChainDecl> chains;
    std::vector<SetDecl> sets;
    const ChainDecl* chain(std::string_view name) const;
    const SetDecl* set(std::string_view name) const;
};

// A line the parser could not follow into the ruleset (an `include`): what it adds is unknown.
struct Hidden {
    uint32_t line = 0;
    std::string_view text;
    std::string reason;
};

struct Ruleset {
    std::vector<Token> tokens;
    std::vector<TableDecl> tables;
    std::map<std::string, Span, std::less<>> defines;  // `define NAME = VALUE`
    std::vector<Hidden> hidden;
    bool notrack = false;  // some rule sets `notrack`: later `ct state` tests may see UNTRACKED
    // Some rule translates destinations (dnat, redirect) or sources (snat, masquerade): without,
    // no connection has the `ct status dnat` (or `snat`) bit.
    bool dnat = false;
    bool snat = false;
};

// Reads the structure. Throws analysis::InputError, located, for text that is not a ruleset
// (an unknown top-level command, unbalanced braces, a chain without a name, ...).
Ruleset read_ruleset(const std::shared_ptr<const std::string>& path, std::string_view content,
                     std::vector<analysis::Diagnostic>& warnings);

// A priority as nft prints it: a number, or a standard name with an optional offset
// (`filter`, `mangle - 5`, `dstnat + 10`); nullopt when unknown for the family.
std::optional<int> priority_of(std::string_view family, const std::vector<std::string_view>& words);

}  // namespace flowgap::parsers::nftables
