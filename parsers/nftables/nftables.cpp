#include "parsers/nftables/nftables.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "parsers/iptables/chains.hpp"
#include "parsers/iptables/dnat.hpp"
#include "parsers/iptables/iptables.hpp"
#include "parsers/nftables/json.hpp"
#include "parsers/nftables/legacy.hpp"
#include "parsers/nftables/rules.hpp"

namespace flowgap::parsers::nftables {

using analysis::Action;
using analysis::AddressSet;
using analysis::Direction;
using analysis::Family;
using analysis::FlowSpace;
using analysis::InputError;
using analysis::Policy;
using analysis::Rule;
using analysis::SourceLocation;

namespace {

// Hooks in the order a packet meets them, and the directions whose packets meet each.
struct HookInfo {
    std::string_view name;
    std::string_view iptables_chain;  // the built-in chain of the same hook (for the inliner)
    bool inbound, transit, outbound;
};
constexpr HookInfo kHooks[] = {
    {"ingress", "PREROUTING", true, true, false}, {"prerouting", "PREROUTING", true, true, false},
    {"input", "INPUT", true, false, false},       {"forward", "FORWARD", false, true, false},
    {"output", "OUTPUT", false, false, true},     {"postrouting", "POSTROUTING", false, true, true},
};

const HookInfo* hook_info(std::string_view hook) {
    for (const auto& h : kHooks)
        if (h.name == hook) return &h;
    return nullptr;
}

// Conntrack runs at priority -200 on prerouting and output (nft(8)); netdev ingress runs before.
bool before_conntrack(const TableDecl& t, const ChainDecl& c) {
    return t.family == "netdev" || c.priority < -200;
}

bool in_pass(std::string_view family, Family f) {
    if (family == "ip") return f == Family::v4;
    if (family == "ip6") return f == Family::v6;
    return family == "inet" || family == "netdev";
}

FlowSpace family_space(Family f) {
    AddressSet all = f == Family::v4 ? AddressSet::all_v4() : AddressSet::all_v6();
    return FlowSpace::of(all, all, analysis::ProtocolSet::all());
}

// One base chain read for one family.
struct Built {
    const TableDecl* table = nullptr;
    const ChainDecl* chain = nullptr;
    size_t order = 0;  // the chain's place in the file: ties of priority keep it
    Policy v4, v6;
    bool has_v4 = false, has_v6 = false;
    // One Rewrites for both families' builds: its `certain` entries from `v6_from` on index the
    // IPv6 policy (merge() moves every index to the merged policy).
    iptables::Rewrites rewrites;
    size_t v6_from = SIZE_MAX;
};

std::string container_of(const TableDecl& t, const ChainDecl& c) {
    return fmt::format("{} {} {}", t.family, t.name, c.name);
}

class Composer {
  public:
    Composer(const Input& in, const ParseOptions& options, analysis::Firewall& fw)
        : in_(in), options_(options), fw_(fw) {}

    void run();
    // What a merge with iptables-legacy tables needs (legacy.hpp), once run() is done.
    const NftSide& side() const { return side_; }

  private:
    iptables::Context context(Family f);
    void read_table(const TableDecl& t, Family f, size_t& order);
    Policy merge(Built& b) const;
    void device_scoped(Policy& p, const ChainDecl& c) const;
    void add_directions(std::vector<Built>& built);
    FlowSpace follow(Policy& p, const Built& b, size_t first);
    void note_rewritten(Direction d, const iptables::Rewrites& rewrites, const FlowSpace& followed);
    void guard_earlier(const iptables::Rewrites& rewrites, size_t first, size_t end,
                       const FlowSpace& followed);
    Policy hidden_policy(Direction d) const;

    const Input& in_;
    const ParseOptions& options_;
    analysis::Firewall& fw_;
    Ruleset rs_;
    std::vector<Built> built_;
    size_t budget_ = 0;
    NftSide side_;
};

iptables::Context Composer::context(Family f) {
    iptables::Context ctx;
    ctx.path = in_.path;
    ctx.warnings = &fw_.warnings;
    ctx.options = &options_;
    ctx.family = f;
    ctx.universe = f == Family::v4 ? AddressSet::all_v4() : AddressSet::all_v6();
    for (const auto& [name, addresses] : options_.interfaces)
        ctx.all_mapped |= addresses & ctx.universe;
    ctx.everything = analysis::Box{ctx.universe, ctx.universe, analysis::ProtocolSet::all(),
                                   analysis::PortSet::all(), analysis::PortSet::all()};
    return ctx;
}

void Composer::read_table(const TableDecl& t, Family f, size_t& order) {
    iptables::Context ctx = context(f);
    std::vector<iptables::Chain> chains(t.chains.size());
    for (size_t i = 0; i < t.chains.size(); ++i) {
        const ChainDecl& c = t.chains[i];
        iptables::Chain& out = chains[i];
        out.name = c.name;
        out.builtin = c.base;
        out.policy = c.drop_policy ? Action::block : Action::allow;
        out.policy_name = c.drop_policy ? "drop" : "accept";
        out.decl_line = c.base ? c.type_line : c.line;
        out.decl_column = 1;
        out.decl_text = c.base ? c.type_text : c.text;
        ChainPlace place{&t, &c, c.base && before_conntrack(t, c), container_of(t, c)};
        if (!c.base) place.before_conntrack = t.family == "netdev";
        read_rules(rs_, place, ctx, out.rules);
    }
    for (auto& chain : chains) {
        for (uint32_t r = 0; r < chain.rules.size(); ++r) {
            auto& spec = chain.rules[r];
            if (spec.target != iptables::TargetKind::chain) continue;
            auto it = std::find_if(t.chains.begin(), t.chains.end(),
                                   [&](const ChainDecl& c) { return c.name == spec.target_name; });
            if (it == t.chains.end() || it->base) {
                ctx.fail(spec.rule.location.line, spec.rule.location.column,
                         fmt::format("'{}' jumps to {} chain {}", spec.rule.text,
                                     it == t.chains.end() ? "the undefined" : "the base", spec.target_name));
            }
            spec.target_chain = static_cast<uint32_t>(it - t.chains.begin());
            chain.calls.push_back(r);
        }
    }
    iptables::check_cycles(ctx, chains);
    for (size_t i = 0; i < t.chains.size(); ++i) {
        const ChainDecl& c = t.chains[i];
        const HookInfo* h = c.base ? hook_info(c.hook) : nullptr;
        if (!c.base) continue;
        if (!h) {
            fw_.warnings.push_back(
                {analysis::Diagnostic::Severity::warning, SourceLocation{in_.path, c.type_line, 1},
                 fmt::format("chain {}: hook {} is not on the path of a flow's packets; not evaluated",
                             c.name, c.hook)});
            continue;
        }
        auto found =
            std::find_if(built_.begin(), built_.end(), [&](const Built& b) { return b.chain == &c; });
        if (found == built_.end()) {
            built_.push_back({&t, &c, order++, {}, {}, false, false, {}, SIZE_MAX});
            found = built_.end() - 1;
        }
        iptables::Hook hook{c.type == "nat" ? "nat" : "filter", h->iptables_chain, container_of(t, c)};
        if (f == Family::v6) found->v6_from = found->rewrites.certain.size();
        Policy p = iptables::build_policy(ctx, chains, &chains[i], hook, budget_, found->rewrites);
        (f == Family::v4 ? found->v4 : found->v6) = std::move(p);
        (f == Family::v4 ? found->has_v4 : found->has_v6) = true;
    }
}

// One policy for both families: IPv4 rules, then the chain's policy for every IPv4 packet, then
// the IPv6 rules and policy. A table of one family lets the other family's packets pass.
Policy Composer::merge(Built& b) const {
    // The inliner places a chain's policy at column 1 of its line; nft indents it.
    b.v4.default_rule.location.column = b.chain->type_column;
    b.v6.default_rule.location.column = b.chain->type_column;
    Policy out;
    out.name = container_of(*b.table, *b.chain);
    out.combine = analysis::Combine::first_match;
    // A family without rules is one passing rule; the IPv4 policy ends in one rule too.
    const size_t v6_offset = b.has_v4 ? b.v4.rules.size() + 1 : 1;
    for (size_t k = 0; k < b.rewrites.certain.size(); ++k)
        b.rewrites.certain[k].index += k >= b.v6_from ? v6_offset : (b.has_v4 ? 0 : 1);
    auto pass = [&](Family f) {
        Rule r;
        r.name = fmt::format("{} ({} table: no {} packet meets it)", out.name, b.table->family,
                             f == Family::v4 ? "IPv4" : "IPv6");
        r.action = Action::allow;
        r.match = family_space(f);
        r.location = SourceLocation{in_.path, b.table->line, 1};
        r.text = b.table->text;
        r.container = out.name;
        return r;
    };
    if (b.has_v4) {
        for (auto& r : b.v4.rules)
            out.rules.push_back(std::move(r));
        Rule end = std::move(b.v4.default_rule);
        end.match = family_space(Family::v4);
        out.rules.push_back(std::move(end));
    } else {
        out.rules.push_back(pass(Family::v4));
    }
    if (b.has_v6) {
        for (auto& r : b.v6.rules)
            out.rules.push_back(std::move(r));
        out.default_rule = std::move(b.v6.default_rule);
    } else {
        out.default_rule = pass(Family::v6);
        out.default_rule.match = FlowSpace::all();
    }
    if (b.table->family == "netdev" && !b.chain->devices.empty()) device_scoped(out, *b.chain);
    return out;
}

// A netdev chain sees only the packets of its devices: which of a flow's packets those are
// depends on the interfaces, so everything it decides is conditional.
void Composer::device_scoped(Policy& p, const ChainDecl& c) const {
    std::string why = fmt::format("arrives on device {}", fmt::join(c.devices, ","));
    auto scope = [&](Rule& r) {
        r.may_match |= r.match;
        r.match = {};
        r.conditions.push_back(why);
    };
    for (auto& r : p.rules)
        scope(r);
    if (p.default_rule.action != Action::allow) {
        Rule end = p.default_rule;
        scope(end);
        p.rules.push_back(std::move(end));
        p.default_rule.action = Action::allow;
    }
}

Policy Composer::hidden_policy(Direction d) const {
    Policy p;
    p.name = "included files";
    p.direction = d;
    p.admits = false;
    for (const auto& h : rs_.hidden) {
        Rule r;
        r.name = fmt::format("{} (not read)", h.text);
        r.action = Action::unknown;
        r.may_match = FlowSpace::all();
        r.conditions.push_back(h.reason);
        r.location = SourceLocation{in_.path, h.line, 1};
        r.text = h.text;
        r.container = p.name;
        p.rules.push_back(std::move(r));
    }
    p.default_rule.action = Action::allow;
    p.default_rule.match = FlowSpace::all();
    p.default_rule.name = "included files: nothing more is known";
    p.default_rule.location = p.rules.front().location;
    p.default_rule.text = p.rules.front().text;
    p.default_rule.container = p.name;
    return p;
}

// An included file may insert rules anywhere, add chains, or flush what this file holds: no
// rule here certainly decides anything, and what no rule decides is unknown too.
void unsettle(Policy& p, const std::string& why) {
    for (auto& r : p.rules) {
        r.may_match |= r.match;
        r.match = {};
        r.conditions.push_back(why);
    }
    p.default_rule.action = Action::unknown;
    p.default_rule.conditions.push_back(why);
}

}  // namespace

namespace {

size_t hook_rank(std::string_view hook) {
    for (size_t i = 0; i < std::size(kHooks); ++i)
        if (kHooks[i].name == hook) return i;
    return std::size(kHooks);
}

bool meets(const HookInfo& h, Direction d) {
    return d == Direction::inbound ? h.inbound : d == Direction::transit ? h.transit : h.outbound;
}

// Where a dnat or redirect sends its packets: what follows `to` (`dnat to 10.0.0.5:80`,
// `redirect to :8080`), nothing where the rule does not say.
std::string nft_target(const Rule& rewrite) {
    std::string_view text = rewrite.text;
    size_t at = text.find(" to ");
    if (at == std::string_view::npos) return "";
    std::string_view to = text.substr(at + 4);
    return std::string(to.substr(0, to.find(' ')));
}

// The one destination of `dnat [ip|ip6] to X` with nothing else (a comment aside); flags
// (`persistent`, `random`), maps and ranges are not followed exactly.
std::optional<std::string_view> nft_destination(std::string_view target) {
    if (size_t c = target.find(" comment "); c != std::string_view::npos) target = target.substr(0, c);
    std::vector<std::string_view> words;
    for (size_t at = 0; at < target.size() && words.size() <= 4;) {
        size_t start = target.find_first_not_of(" \t", at);
        if (start == std::string_view::npos) break;
        size_t end = std::min(target.find_first_of(" \t", start), target.size());
        words.push_back(target.substr(start, end - start));
        at = end;
    }
    if (words.size() == 4 && (words[1] == "ip" || words[1] == "ip6")) words.erase(words.begin() + 1);
    if (words.size() != 3 || words[0] != "dnat" || words[1] != "to") return std::nullopt;
    return words[2];
}

// A nat chain's simple DNATs (iptables/dnat.hpp), followed exactly: `p` (the chain's policy in
// direction d, before anything is put ahead of its rules) takes the translated packets, and the
// chains that ran before it, fw_.policies[first, end), get copies of their rules for the packets
// as sent. Returns the packets followed.
FlowSpace Composer::follow(Policy& p, const Built& b, size_t first) {
    const ChainDecl& c = *b.chain;
    if (c.type != "nat" || (c.hook != "prerouting" && c.hook != "output") || b.rewrites.certain.empty() ||
        !rs_.hidden.empty())
        return {};
    std::vector<Policy*> before;
    for (size_t k = first; k < fw_.policies.size(); ++k)
        before.push_back(&fw_.policies[k]);
    // A notrack anywhere may leave the packet untracked, and the kernel skips nat for those.
    FlowSpace untracked = rs_.notrack ? FlowSpace::all() : FlowSpace();
    FlowSpace followed;
    for (auto& t : iptables::follow_dnat(p, b.rewrites, before, untracked, nft_destination)) {
        followed |= t.packets;
        bool known = std::any_of(fw_.translations.begin(), fw_.translations.end(), [&](const auto& x) {
            return x.location.line == t.location.line && x.location.column == t.location.column;
        });
        if (!known) fw_.translations.push_back(std::move(t));
    }
    return followed;
}

// For iptables-legacy tables beside this ruleset (legacy.hpp): a rewrite's sources to any
// destination, or a followed translation's packets as sent and as translated.
void Composer::note_rewritten(Direction d, const iptables::Rewrites& rewrites, const FlowSpace& followed) {
    auto it = std::find_if(side_.rewritten.begin(), side_.rewritten.end(),
                           [&](const Rewritten& x) { return x.direction == d; });
    Rewritten& r = it != side_.rewritten.end() ? *it : side_.rewritten.emplace_back(Rewritten{d, {}, {}});
    r.exact |= followed;
    for (const auto& t : fw_.translations)
        if (followed.intersects(t.packets)) r.exact |= t.as_sent();
    for (const Rule& rule : rewrites.rules) {
        FlowSpace produced = FlowSpace::of((rule.match | rule.may_match).sources(), AddressSet::all(),
                                           analysis::ProtocolSet::all());
        r.unknown |= followed.empty() ? produced : produced - followed;
    }
}

// A dnat (or redirect) sent its packets from another destination: the chains of its direction
// that ran before it, fw_.policies[first, end), saw that one (a drop on the public address must
// never read as allowed), except for the packets of `followed` (exact translations: copies).
void Composer::guard_earlier(const iptables::Rewrites& rewrites, size_t first, size_t end,
                             const FlowSpace& followed) {
    std::vector<Rule> guards = iptables::guards_before(rewrites, followed, nft_target);
    for (size_t i = first; i < end; ++i) {
        Policy& p = fw_.policies[i];
        if (!iptables::stops_packets(p)) continue;
        for (auto it = guards.rbegin(); it != guards.rend(); ++it)
            p.rules.push_front(*it);
    }
}

void Composer::add_directions(std::vector<Built>& built) {
    std::vector<Policy> merged;
    for (auto& b : built)
        merged.push_back(merge(b));
    std::vector<size_t> order(built.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        const ChainDecl& x = *built[a].chain;
        const ChainDecl& y = *built[b].chain;
        if (hook_rank(x.hook) != hook_rank(y.hook)) return hook_rank(x.hook) < hook_rank(y.hook);
        if (x.priority != y.priority) return x.priority < y.priority;
        return built[a].order < built[b].order;
    });
    for (Direction d : {Direction::inbound, Direction::outbound, Direction::transit}) {
        if (!rs_.hidden.empty()) fw_.policies.push_back(hidden_policy(d));
        std::vector<const iptables::Rewrites*> rewrites;
        const size_t first = fw_.policies.size();
        for (size_t i : order) {
            const ChainDecl& c = *built[i].chain;
            if (!meets(*hook_info(c.hook), d)) continue;
            Policy p = merged[i];
            p.direction = d;
            p.admits = c.type == "filter" && (c.hook == "input" || c.hook == "forward" || c.hook == "output");
            FlowSpace followed = follow(p, built[i], first);
            // An earlier DNAT sent these packets elsewhere: see iptables' Rewrites.
            for (auto it = rewrites.rbegin(); it != rewrites.rend(); ++it)
                for (auto r = (*it)->rules.rbegin(); r != (*it)->rules.rend(); ++r)
                    p.rules.push_front(*r);
            if (!rs_.hidden.empty())
                unsettle(p,
                         fmt::format("no included file changes it ({}:{})", *in_.path, rs_.hidden[0].line));
            fw_.policies.push_back(std::move(p));
            if (c.hook == "ingress" || ((c.hook == "prerouting" || c.hook == "output") && c.priority <= -100))
                side_.before_dstnat.push_back(fw_.policies.size() - 1);
            if (!built[i].rewrites.rules.empty()) {
                note_rewritten(d, built[i].rewrites, followed);
                rewrites.push_back(&built[i].rewrites);
                guard_earlier(built[i].rewrites, first, fw_.policies.size() - 1, followed);
            }
        }
    }
}

void Composer::run() {
    rs_ = read_ruleset(in_.path, *in_.content, fw_.warnings);
    if (rs_.tables.empty()) {
        throw InputError(SourceLocation{in_.path, 1, 1},
                         "no table in this file: a truncated or wrong export (give `nft list ruleset`)");
    }
    size_t rules = 0;
    for (const auto& t : rs_.tables)
        for (const auto& c : t.chains)
            rules += c.rules.size();
    fw_.rule_count = rules;
    budget_ = std::max<size_t>(200000, 8 * rules);
    for (const auto& t : rs_.tables) {
        SourceLocation at{in_.path, t.line, 1};
        if (t.family == "arp" || t.family == "bridge") {
            fw_.warnings.push_back(
                {analysis::Diagnostic::Severity::warning, at,
                 fmt::format("table {} {}: {} tables see no routed or local IP traffic; not "
                             "evaluated",
                             t.family, t.name, t.family)});
        } else if (t.dormant) {
            fw_.warnings.push_back(
                {analysis::Diagnostic::Severity::warning, at,
                 fmt::format("table {} {} is dormant (flags dormant): its chains do not run", t.family,
                             t.name)});
        }
    }
    size_t order = 0;
    for (Family f : {Family::v4, Family::v6})
        for (const auto& t : rs_.tables)
            if (in_pass(t.family, f) && !t.dormant) read_table(t, f, order);
    if (built_.empty()) {
        throw InputError(
            SourceLocation{in_.path, rs_.tables.front().line, 1},
            "no base chain (a chain with `type ... hook ...`) in an ip, ip6, inet or netdev table: "
            "nothing in this file filters packets, which is a truncated or wrong export");
    }
    add_directions(built_);
    for (const auto& t : rs_.tables)
        side_.tables.emplace_back(std::string(t.family), std::string(t.name));
    // Each family's pass reads an inet table again: one warning per place is enough.
    std::vector<analysis::Diagnostic> kept;
    std::set<std::tuple<uint32_t, uint32_t, std::string_view>> seen;
    for (auto& w : fw_.warnings)
        if (seen.insert({w.location.line, w.location.column, w.message}).second) kept.push_back(w);
    fw_.warnings = std::move(kept);
}

}  // namespace

bool looks_like(std::string_view content) {
    if (looks_like_json(content)) return true;
    size_t at = 0;
    while (at < content.size()) {
        size_t end = content.find('\n', at);
        if (end == std::string_view::npos) end = content.size();
        std::string_view line = content.substr(at, end - at);
        at = end + 1;
        size_t first = line.find_first_not_of(" \t\r");
        if (first == std::string_view::npos || line[first] == '#') continue;
        line.remove_prefix(first);
        if (line.starts_with("flush ruleset") || line.starts_with("define ")) return true;
        if (!line.starts_with("table ")) return false;
        return line.find('{') != std::string_view::npos;
    }
    return false;
}

namespace {

analysis::Firewall parse_ruleset(const Input& in, const ParseOptions& options, NftSide& side);

}  // namespace

analysis::Firewall parse(const std::vector<Input>& inputs, const ParseOptions& options) {
    // The nft ruleset, and the iptables-save dumps of the same host's legacy tables beside it.
    const Input* ruleset = nullptr;
    std::vector<Input> dumps;
    for (const Input& in : inputs) {
        if (iptables::looks_like(*in.content) && !looks_like(*in.content)) {
            dumps.push_back(in);
        } else if (ruleset) {
            throw InputError(
                SourceLocation{in.path},
                "one nft ruleset per firewall: `nft list ruleset` holds every table of the host");
        } else {
            ruleset = &in;
        }
    }
    if (!ruleset) {
        throw InputError(SourceLocation{inputs.front().path},
                         "no nft ruleset among this firewall's configs (iptables-save dumps go with one)");
    }
    NftSide side;
    analysis::Firewall fw = parse_ruleset(*ruleset, options, side);
    if (!dumps.empty()) merge_legacy(fw, side, dumps, options);
    return fw;
}

namespace {

analysis::Firewall parse_ruleset(const Input& in, const ParseOptions& options, NftSide& side) {
    analysis::Firewall fw;
    fw.format = "nftables";
    fw.path = in.path;
    fw.sources.push_back(in.content);
    if (!looks_like_json(*in.content)) {
        Composer c(in, options, fw);
        c.run();
        side = c.side();
        return fw;
    }
    // `nft -j list ruleset`: read as the text it renders to, every location moved back to the
    // JSON object the line came from.
    Rendered r = render_json(in.path, *in.content);
    auto text = std::make_shared<const std::string>(std::move(r.text));
    fw.sources.push_back(text);
    auto back = [&](SourceLocation& at) {
        if (at.file && *at.file == *in.path && at.line >= 1 && at.line <= r.lines.size())
            at = r.lines[at.line - 1];
    };
    try {
        const Input rendered{in.path, text};  // the Composer keeps a reference: it must outlive it
        Composer c(rendered, options, fw);
        c.run();
        side = c.side();
    } catch (const InputError& e) {
        SourceLocation at = e.location();
        back(at);
        throw InputError(at, e.message());
    }
    for (auto& p : fw.policies) {
        for (auto& rule : p.rules)
            back(rule.location);
        back(p.default_rule.location);
    }
    for (auto& w : fw.warnings)
        back(w.location);
    return fw;
}

}  // namespace

}  // namespace flowgap::parsers::nftables
