// Internal types shared by the iptables parser's stages: reading lines (iptables.cpp), turning
// a rule's arguments into packet sets (matches.cpp), and inlining chains (chains.cpp).
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analysis/rule.hpp"
#include "parsers/iptables/grammar.hpp"
#include "parsers/iptables/names.hpp"
#include "parsers/options.hpp"

namespace flowgap::parsers::iptables {

// What an interface name of `-i`/`-o` stands for, given the deployment's interface map: the
// addresses certainly behind it, those possibly behind it (the unmapped interfaces that an
// unknown name or a wildcard may be), and those certainly not behind it (what `! -i NAME`
// certainly matches).
struct InterfaceSets {
    analysis::AddressSet sure;
    analysis::AddressSet unsure;
    analysis::AddressSet sure_not;
};

// Lets a map keyed by std::string be searched with a string_view, without a temporary string.
struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// What every stage needs: where diagnostics go, the deployment options, and the address family
// of the dump ("any address" means the family's universe, not both families).
struct Context {
    std::shared_ptr<const std::string> path;
    std::vector<analysis::Diagnostic>* warnings = nullptr;
    const ParseOptions* options = nullptr;
    analysis::Family family = analysis::Family::v4;
    analysis::AddressSet universe;    // all_v4() or all_v6()
    analysis::AddressSet all_mapped;  // the union of options->interfaces, within the universe
    analysis::Box everything;         // every packet of the universe: a rule's starting point
    // For an `iptables -S` listing (listing.hpp), the line of its first command; 0 for a dump.
    uint32_t listing = 0;
    // Address families the rules name, counted while parsing to confirm the family.
    struct Tally {
        size_t v4 = 0, v6 = 0, icmp6 = 0;
    };
    mutable Tally tally;
    // How far the file's non-contiguous masks may still expand (see analysis::MaskBudget).
    mutable analysis::MaskBudget masks;
    // Interface names resolved so far: a dump names the same few interfaces on every rule, and
    // resolving one walks the interface map and combines address sets.
    mutable std::unordered_map<std::string, InterfaceSets, StringHash, std::equal_to<>> interfaces;
    // The last name looked up for -i and for -o: most rules repeat it, and comparing a short
    // name costs less than hashing it. The view is the map's key, the pointer its value.
    struct LastInterface {
        std::string_view name;
        const InterfaceSets* sets = nullptr;
    };
    mutable LastInterface last_interface[2];
    // Room for the items of the list argument being read, reused: a vector per rule would be
    // an allocation per rule.
    mutable std::vector<PortItem> port_items;
    mutable std::vector<analysis::PortSet::Set::Interval> port_ranges;  // the items as numbers
    mutable std::vector<std::string_view> names;

    analysis::SourceLocation at(uint32_t line, uint32_t column) const { return {path, line, column}; }
    [[noreturn]] void fail(uint32_t line, uint32_t column, const std::string& message) const {
        throw analysis::InputError(at(line, column), message);
    }
    void warn(uint32_t line, uint32_t column, std::string message) const {
        warnings->push_back({analysis::Diagnostic::Severity::warning, at(line, column), std::move(message)});
    }
};

// The condition of a `--ctstate DNAT`/`SNAT` test while flowgap cannot tell whether the packet
// was translated (modules.cpp); tables.cpp resolves it where it follows a DNAT exactly.
inline constexpr std::string_view kNatStateUnknown = "whether the connection was NATed is unknown";

// One rule line after its arguments are understood. `rule` holds the name, location, text and
// the packets it matches; the target decides what inlining does with it.
struct RuleSpec {
    analysis::Rule rule;
    TargetKind target = TargetKind::none;
    bool is_goto = false;
    std::string_view target_name;  // the -j/-g argument (a chain, or an unknown target)
    uint32_t target_column = 0;
    int family_tag = 0;         // 4 or 6 for rules prefixed -4/-6, which the other restore tool ignores
    uint32_t target_chain = 0;  // for TargetKind::chain, the chain's index (set when the table ends)
    // Conntrack state tests (`-m state`, `--ctstate`) assume the packet is NEW. Where it may not
    // be (the raw table runs before conntrack; CT --notrack makes it UNTRACKED), tables.cpp
    // needs what the rule matches whatever the state: `state_free` (certain and possible), set
    // only when the test fails for NEW (the rule's own spaces are empty then; otherwise they
    // are the state-free ones).
    bool tests_state = false;
    bool notrack = false;  // NOTRACK, or CT --notrack: later state tests see UNTRACKED
    // `--ctstate DNAT` without NEW or SNAT: 1 (the rule needs the destination translated), -1
    // (negated: needs it untranslated), else 0. The rule's packets stay possible, under the one
    // condition kNatStateUnknown, until tables.cpp knows which packets a DNAT translated.
    int8_t dnat_test = 0;
    // Behind a pointer: a FlowSpace inline would grow every one of a dump's RuleSpecs.
    std::shared_ptr<const analysis::FlowSpace> state_free;
};

// A dump's parsed rules wait in std::deque, whose libstdc++ blocks hold 512 bytes: past 256 bytes
// a RuleSpec gets a block of its own and half of every block is waste (48 MB on a 200,000-rule
// dump when Rule grew by 24 bytes). Grow it only with that in mind.
static_assert(sizeof(RuleSpec) <= 256, "RuleSpec no longer fits twice in a std::deque block");

// A chain of one table, in the order rules were appended.
struct Chain {
    std::string_view name;
    bool builtin = false;
    analysis::Action policy = analysis::Action::allow;  // built-in chains only
    std::string_view policy_name = "ACCEPT";
    uint32_t decl_line = 0;  // the `:CHAIN` or `-N` line; 0 when never declared
    uint32_t decl_column = 0;
    std::string_view decl_text;
    std::deque<RuleSpec> rules;  // a deque: no reallocation while a 200k-rule chain grows
    // The positions in `rules` of the jumps and gotos to user chains, in order (set when the
    // table ends), so that looking for cycles need not read every rule again.
    std::vector<uint32_t> calls;
};

}  // namespace flowgap::parsers::iptables
