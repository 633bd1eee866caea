// Tables in netfilter's order, and what a dump leaves out. See tables.hpp.
#include "parsers/iptables/tables.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "parsers/iptables/chains.hpp"
#include "parsers/iptables/dnat.hpp"

namespace flowgap::parsers::iptables {

using analysis::Action;
using analysis::Direction;
using analysis::FlowSpace;
using analysis::Policy;
using analysis::Rule;

namespace {

struct Stage {
    std::string_view table;
    std::string_view chain;
    Direction direction;
};

// The hooks each direction's packets pass, in the kernel's order (priorities: raw -300, mangle
// -150, nat destination -100, filter 0, security 50, nat source 100). The directions come in the
// order reports have always listed the filter policies: INPUT, OUTPUT, FORWARD.
constexpr Stage kStages[] = {
    {"raw", "PREROUTING", Direction::inbound},      {"mangle", "PREROUTING", Direction::inbound},
    {"nat", "PREROUTING", Direction::inbound},      {"mangle", "INPUT", Direction::inbound},
    {"filter", "INPUT", Direction::inbound},        {"security", "INPUT", Direction::inbound},
    {"nat", "INPUT", Direction::inbound},           {"raw", "OUTPUT", Direction::outbound},
    {"mangle", "OUTPUT", Direction::outbound},      {"nat", "OUTPUT", Direction::outbound},
    {"filter", "OUTPUT", Direction::outbound},      {"security", "OUTPUT", Direction::outbound},
    {"mangle", "POSTROUTING", Direction::outbound}, {"nat", "POSTROUTING", Direction::outbound},
    {"raw", "PREROUTING", Direction::transit},      {"mangle", "PREROUTING", Direction::transit},
    {"nat", "PREROUTING", Direction::transit},      {"mangle", "FORWARD", Direction::transit},
    {"filter", "FORWARD", Direction::transit},      {"security", "FORWARD", Direction::transit},
    {"mangle", "POSTROUTING", Direction::transit},  {"nat", "POSTROUTING", Direction::transit},
};

constexpr Direction kDirections[] = {Direction::inbound, Direction::outbound, Direction::transit};

std::string policy_name(std::string_view table, std::string_view chain) {
    return table == "filter" ? std::string(chain) : fmt::format("{} {}", table, chain);
}

std::string policy_name_of(const Stage& s) {
    return policy_name(s.table, s.chain);
}

constexpr std::string_view kLegacyPolicy = "iptables-legacy tables";

// One (table, hook) built once, then copied into each direction it serves.
struct Built {
    std::string_view table;
    std::string_view chain;
    Policy policy;
    Rewrites rewrites;
    bool present = false;  // the dump has the table
    int uses = 0;          // directions still to serve: the last one takes the policy itself
};

// Moves what `spec` matches within `where` whatever its state test from certain (or never) to
// possible, with the reason.
void make_unsure(RuleSpec& spec, const std::string& why, const FlowSpace& where) {
    const FlowSpace free = spec.state_free ? *spec.state_free : spec.rule.match | spec.rule.may_match;
    FlowSpace unsure = free & where;
    if (unsure.empty()) return;
    spec.rule.match -= where;
    spec.rule.may_match = (spec.rule.may_match | unsure) - spec.rule.match;
    spec.rule.conditions.push_back(why);
}

template <typename F>
void for_each_rule(std::vector<TableDump>& tables, F&& f) {
    for (auto& t : tables) {
        for (auto& c : t.chains) {
            for (auto& spec : c.rules)
                f(t, spec);
        }
    }
}

// The first-packet model says NEW, which holds from the conntrack hook on. The raw table runs
// before it (the kernel sees INVALID there, or UNTRACKED after CT --notrack), and packets that
// CT --notrack matched stay UNTRACKED in every later table: those state tests are conditional.
// Returns the packets CT --notrack may match (the nat table never sees them).
FlowSpace prepare_states(std::vector<TableDump>& tables) {
    FlowSpace untracked;
    std::string why;
    for_each_rule(tables, [&](const TableDump& t, RuleSpec& spec) {
        if (t.name != "raw") return;
        if (spec.tests_state) {
            make_unsure(spec, "conntrack state in the raw table, before conntrack sees the packet",
                        FlowSpace::all());
        }
        if (!spec.notrack) return;
        untracked |= spec.rule.match | spec.rule.may_match;
        if (why.empty()) {
            why = fmt::format("{} ({}) may leave the packet UNTRACKED for this state test",
                              spec.target_name == "CT" ? "CT --notrack" : spec.target_name,
                              spec.rule.location.str());
        }
    });
    if (untracked.empty()) return untracked;
    for_each_rule(tables, [&](const TableDump& t, RuleSpec& spec) {
        if (t.name != "raw" && spec.tests_state) make_unsure(spec, why, untracked);
    });
    return untracked;
}

TableDump* find_table(std::vector<TableDump>& tables, std::string_view name) {
    for (auto& t : tables) {
        if (t.name == name) return &t;
    }
    return nullptr;
}

// Each (table, hook) of kStages once, in kStages' order.
std::vector<Built> build_hooks(const Context& ctx, std::vector<TableDump>& tables, size_t budget) {
    for (auto& t : tables)
        check_cycles(ctx, t.chains);
    // Reserved: a Policy holds a std::deque, whose move constructor is not noexcept, so a growing
    // vector would copy every policy built so far (a whole filter table's rules) when it moves.
    std::vector<Built> out;
    out.reserve(std::size(kStages));
    for (const Stage& s : kStages) {
        bool seen = false;
        for (auto& b : out) {
            if (b.table == s.table && b.chain == s.chain) {
                ++b.uses;
                seen = true;
            }
        }
        if (seen) continue;
        Built& b = out.emplace_back();
        b.uses = 1;
        b.table = s.table;
        b.chain = s.chain;
        TableDump* t = find_table(tables, s.table);
        b.present = t != nullptr;
        const Chain* builtin = nullptr;
        if (t) {
            for (const auto& c : t->chains) {
                if (c.builtin && c.name == s.chain) builtin = &c;
            }
        }
        Hook hook{s.table, s.chain, policy_name(s.table, s.chain)};
        std::vector<Chain> none;
        b.policy = build_policy(ctx, t ? t->chains : none, builtin, hook, budget, b.rewrites);
    }
    return out;
}

// A policy for rules the dump does not hold: every packet may meet them, with an outcome flowgap
// cannot know, so none is allowed there (and what other tables block stays blocked).
Policy hidden(const Context& ctx, std::string name, Direction direction, uint32_t line, std::string_view text,
              std::string why) {
    Policy p;
    p.name = std::move(name);
    p.direction = direction;
    p.admits = false;
    Rule& r = p.rules.emplace_back();
    r.name = fmt::format("{} (rules not in this dump)", p.name);
    r.action = Action::unknown;
    r.may_match = FlowSpace::all();
    r.conditions.push_back(std::move(why));
    r.location = ctx.at(line, line ? 1 : 0);
    r.text = text;
    r.container = p.name;
    Rule& def = p.default_rule;
    def.name = fmt::format("{} policy (not in this dump)", p.name);
    def.action = Action::unknown;
    def.match = FlowSpace::all();
    def.location = r.location;
    def.text = text;
    def.container = p.name;
    return p;
}

const Omissions::Incompatible* incompatible(const Omissions& o, std::string_view table) {
    for (const auto& i : o.incompatible) {
        if (i.table == table) return &i;
    }
    return nullptr;
}

// Where a note about the dump as a whole goes: its first table, else iptables-nft's first note.
uint32_t first_line(const Omissions& o) {
    if (o.first_table_line) return o.first_table_line;
    return o.incompatible.empty() ? 1 : o.incompatible.front().line;
}

// The policy of one stage, if it has one: the table's own, or one for rules the dump leaves out.
std::optional<Policy> stage_policy(const Context& ctx, const Stage& s, Built& b, const Omissions& o) {
    std::string name = policy_name(s.table, s.chain);
    const bool last_use = --b.uses == 0;
    if (const auto* i = incompatible(o, s.table)) {
        return hidden(
            ctx, name, s.direction, i->line, i->text,
            fmt::format("the {} table is not in this dump (incompatible with iptables-nft)", s.table));
    }
    if (s.table == "filter" && !b.present) {
        std::string_view text =
            o.first_table_line || o.incompatible.empty() ? o.first_table_text : o.incompatible.front().text;
        return hidden(ctx, name, s.direction, first_line(o), text,
                      "the dump has no filter table: it is empty or was not exported");
    }
    if (!b.present || (s.table != "filter" && !stops_packets(b.policy))) return std::nullopt;
    Policy p = last_use ? std::move(b.policy) : b.policy;
    p.direction = s.direction;
    p.admits = s.table == "filter";  // ACCEPT elsewhere only hands the packet to the next table
    return p;
}

// Packets an earlier nat rule sent elsewhere: the later table sees another destination, so
// their outcome there is unknown, whatever its rules written for the flow's destination say.
void prepend_rewrites(Policy& p, const std::vector<const Rewrites*>& earlier) {
    for (auto it = earlier.rbegin(); it != earlier.rend(); ++it) {
        for (auto r = (*it)->rules.rbegin(); r != (*it)->rules.rend(); ++r)
            p.rules.push_front(*r);
    }
}

Built* find_built(std::vector<Built>& built, std::string_view table, std::string_view chain) {
    for (auto& b : built) {
        if (b.table == table && b.chain == chain) return b.present ? &b : nullptr;
    }
    return nullptr;
}

// The DNATs of nat `chain` that flowgap follows exactly, applied to that hook's raw, mangle and
// nat policies (dnat.hpp).
std::vector<analysis::Translation> follow(std::vector<Built>& built, std::string_view chain,
                                          const FlowSpace& untracked) {
    Built* nat = find_built(built, "nat", chain);
    if (!nat || nat->rewrites.certain.empty()) return {};
    std::vector<Policy*> before;
    for (std::string_view table : {"raw", "mangle"}) {
        if (Built* b = find_built(built, table, chain)) before.push_back(&b->policy);
    }
    return follow_dnat(nat->policy, nat->rewrites, before, untracked, iptables_destination);
}

// Where a destination rewrite sends its packets, as its target says: `--to-destination
// A[-B][:P[-Q]]` (`--to` for NETMAP), REDIRECT's `--to-ports P` (the host's own address, which
// the text does not give), nothing where the text does not say.
std::string iptables_target(const Rule& rewrite) {
    std::string_view text = rewrite.text;
    for (std::string_view option : {"--to-destination ", "--to ", "--to-ports "}) {
        size_t at = text.find(option);
        if (at == std::string_view::npos) continue;
        std::string_view rest = text.substr(at + option.size());
        std::string to(rest.substr(0, rest.find(' ')));
        return option == "--to-ports " ? ":" + to : to;
    }
    return "";
}

// A destination rewrite flowgap does not follow exactly still sent its packets from another
// destination: the raw and mangle tables of its hook saw that one, so what they decide for the
// packets it produces is unknown (a drop on the public address must never read as allowed).
void guard_unfollowed(std::vector<Built>& built, std::string_view chain,
                      const std::vector<analysis::Translation>& followed) {
    Built* nat = find_built(built, "nat", chain);
    if (!nat || nat->rewrites.rules.empty()) return;
    FlowSpace exact;
    for (const auto& t : followed)
        exact |= t.packets;
    std::vector<Rule> guards = guards_before(nat->rewrites, exact, iptables_target);
    for (std::string_view table : {"raw", "mangle"}) {
        Built* b = find_built(built, table, chain);
        if (!b || !stops_packets(b->policy)) continue;
        for (auto it = guards.rbegin(); it != guards.rend(); ++it)
            b->policy.rules.push_front(*it);
    }
}

void warn_omissions(const Context& ctx, const std::vector<TableDump>& tables, const Omissions& o) {
    for (const auto& i : o.incompatible) {
        ctx.warn(i.line, 1,
                 fmt::format("the {} table is not in this dump (iptables-nft cannot print its rules): flows "
                             "through its chains are conditional; export the ruleset with `nft list ruleset`",
                             i.table));
    }
    if (o.legacy_line) {
        ctx.warn(
            o.legacy_line, 1,
            "iptables-legacy tables are present but not in this dump: no flow can be allowed; export them "
            "with `iptables-legacy-save`");
    }
    bool filter =
        std::any_of(tables.begin(), tables.end(), [](const TableDump& t) { return t.name == "filter"; });
    if (!filter && !incompatible(o, "filter")) {
        ctx.warn(
            first_line(o), 1,
            "this dump has no filter table: the kernel's is empty or was not exported, so INPUT, FORWARD "
            "and OUTPUT are conditional; give the full iptables-save");
    }
}

}  // namespace

std::optional<std::string_view> incompatible_table(std::string_view comment) {
    constexpr std::string_view kOpen = "# Table `";
    if (!comment.starts_with(kOpen) || comment.find("is incompatible") == std::string_view::npos)
        return std::nullopt;
    size_t end = comment.find('\'', kOpen.size());
    if (end == std::string_view::npos) return std::nullopt;
    return comment.substr(kOpen.size(), end - kOpen.size());
}

bool legacy_tables_note(std::string_view comment) {
    return comment.starts_with("# Warning: iptables-legacy tables present");
}

size_t stage_rank(std::string_view policy_name, Direction direction) {
    size_t base = static_cast<size_t>(std::find(std::begin(kDirections), std::end(kDirections), direction) -
                                      std::begin(kDirections)) *
                  (std::size(kStages) + 1);
    if (policy_name == kLegacyPolicy) return base;
    for (size_t i = 0; i < std::size(kStages); ++i) {
        const Stage& s = kStages[i];
        if (s.direction == direction && policy_name == policy_name_of(s)) return base + 1 + i;
    }
    return base + std::size(kStages);
}

std::vector<Policy> build_tables(const Context& ctx, std::vector<TableDump>& tables,
                                 const Omissions& omissions, size_t budget,
                                 std::vector<analysis::Translation>& translations) {
    warn_omissions(ctx, tables, omissions);
    const FlowSpace untracked = prepare_states(tables);
    std::vector<Built> built = build_hooks(ctx, tables, budget);
    const std::vector<analysis::Translation> prerouting = follow(built, "PREROUTING", untracked);
    const std::vector<analysis::Translation> output = follow(built, "OUTPUT", untracked);
    guard_unfollowed(built, "PREROUTING", prerouting);
    guard_unfollowed(built, "OUTPUT", output);
    std::vector<Policy> out;
    for (Direction d : kDirections) {
        if (omissions.legacy_line) {
            out.push_back(hidden(ctx, std::string(kLegacyPolicy), d, omissions.legacy_line,
                                 omissions.legacy_text, "iptables-legacy tables are not in this dump"));
        }
        std::vector<const Rewrites*> rewrites;
        const std::vector<analysis::Translation>* translated = nullptr;  // by the nat hook passed
        for (const Stage& s : kStages) {
            if (s.direction != d) continue;
            Built* b = nullptr;
            for (auto& x : built) {
                if (x.table == s.table && x.chain == s.chain) b = &x;
            }
            auto p = stage_policy(ctx, s, *b, omissions);
            if (p) {
                if (translated && p->name != kLegacyPolicy) resolve_dnat_tests(*p, b->rewrites, *translated);
                prepend_rewrites(*p, rewrites);
                out.push_back(std::move(*p));
            }
            if (!b->rewrites.rules.empty()) rewrites.push_back(&b->rewrites);
            if (s.table == "nat" && s.chain == "PREROUTING") translated = &prerouting;
            if (s.table == "nat" && s.chain == "OUTPUT") translated = &output;
        }
    }
    translations.insert(translations.end(), prerouting.begin(), prerouting.end());
    translations.insert(translations.end(), output.begin(), output.end());
    return out;
}

}  // namespace flowgap::parsers::iptables
