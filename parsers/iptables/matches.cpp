// Walking a rule's arguments: the basic options (-s, -d, -p, -i, -o, -f), the target, and the
// packet sets that result. Module options are in modules.cpp.
#include <fmt/format.h>

#include "parsers/iptables/builder.hpp"

namespace flowgap::parsers::iptables {

using analysis::AddressSet;
using analysis::Box;
using analysis::FlowSpace;
using analysis::PortSet;
using analysis::ProtocolSet;

namespace {

bool is_unquoted(const Token& t, std::string_view text) {
    return t.text == text && !t.quoted();
}

// What a list matches at most when the mask budget refused some of its `address/dotted-mask`
// items: those items' covering prefixes, the other items as they are. nullopt when an item is
// malformed.
std::optional<AddressSet> covering(std::string_view list) {
    AddressSet out;
    size_t start = 0;
    while (start <= list.size()) {
        size_t comma = std::min(list.find(',', start), list.size());
        std::string_view item = list.substr(start, comma - start);
        auto set = AddressSet::mask_cover(item);
        if (!set) set = AddressSet::parse(item);
        if (!set) return std::nullopt;
        out |= *set;
        start = comma + 1;
    }
    return out;
}

}  // namespace

RuleBuilder::RuleBuilder(const Context& ctx, const RuleLine& line, RuleSpec& out)
    : ctx_(ctx), line_(line), out_(out), certain_(ctx.everything) {}

uint32_t RuleBuilder::column(const Token& t) const {
    return static_cast<uint32_t>(t.raw.data() - line_.text.data()) + 1;
}

void RuleBuilder::fail(const Token& t, const std::string& message) const {
    ctx_.fail(line_.number, column(t), message);
}

void RuleBuilder::warn(const Token& t, std::string message) const {
    ctx_.warn(line_.number, column(t), std::move(message));
}

const Token& RuleBuilder::argument(size_t option, bool& negated) {
    const Token& opt = line_.args[option];
    if (!at_end() && is_unquoted(peek(), "!")) {
        // iptables before 1.4.3 wrote the negation after the option: `-s ! 10.0.0.1`.
        if (negated) fail(peek(), "double negation");
        negated = true;
        ++pos_;
    }
    if (at_end()) fail(opt, fmt::format("option '{}' needs an argument", opt.text));
    return line_.args[pos_++];
}

void RuleBuilder::skip_arguments() {
    // An option's arguments are the following words that are not options. Quoted words are
    // always arguments (a log prefix may start with '-').
    while (!at_end()) {
        const Token& t = peek();
        if (!t.quoted() && (t.text == "!" || (t.text.size() > 1 && t.text[0] == '-'))) break;
        ++pos_;
    }
}

std::string RuleBuilder::span_text(size_t from, size_t to) const {
    if (from >= to) return {};
    const Token& a = line_.args[from];
    const Token& b = line_.args[to - 1];
    return std::string(a.raw.data(), static_cast<size_t>(b.raw.data() + b.raw.size() - a.raw.data()));
}

void RuleBuilder::run() {
    while (!at_end()) {
        size_t start = pos_;
        bool negated = false;
        if (is_unquoted(peek(), "!")) {
            negated = true;
            if (++pos_ >= line_.args.size()) fail(line_.args[start], "'!' at the end of the rule");
        }
        const Token& tok = line_.args[pos_++];
        std::string_view opt = tok.quoted() ? std::string_view() : tok.text;
        if (opt.size() < 2 || opt[0] != '-') fail(tok, fmt::format("unexpected argument '{}'", tok.text));
        if (opt == "-m" || opt == "--match") {
            if (negated) fail(line_.args[start], "'!' cannot negate a match module");
            open_module();
        } else if (basic_option(opt, negated)) {
            continue;
        } else if (!opt.starts_with("--")) {
            fail(tok, fmt::format("unknown option '{}'", opt));
        } else if (in_target_ && !negated) {
            target_option();
        } else {
            module_option(opt, negated, pos_ - 1);
        }
    }
    close_module();
}

// Returns false when `opt` is not a basic option (long forms included).
bool RuleBuilder::basic_option(std::string_view opt, bool negated) {
    size_t option = pos_ - 1;
    auto is = [&](std::string_view s, std::string_view l) { return opt == s || opt == l; };
    if (is("-s", "--source") || opt == "--src") {
        address(&Box::src, negated);
    } else if (is("-d", "--destination") || opt == "--dst") {
        address(&Box::dst, negated);
    } else if (is("-p", "--protocol")) {
        protocol(negated);
    } else if (is("-i", "--in-interface")) {
        interface(false, negated, option);
    } else if (is("-o", "--out-interface")) {
        interface(true, negated, option);
    } else if (is("-f", "--fragment")) {
        // Non-first fragments are never the first packet of a connection.
        if (!negated) never_ = true;
    } else if (is("-j", "--jump") || is("-g", "--goto")) {
        if (negated) fail(line_.args[option], "a target cannot be negated");
        target(opt == "-g" || opt == "--goto");
        return true;
    } else if (opt == "-c" || opt == "--set-counters") {
        bool ignored = false;
        argument(option, ignored);  // iptables-restore's inline counters: `-c packets bytes`
        argument(option, ignored);
    } else if (is("-4", "--ipv4") || is("-6", "--ipv6")) {
        out_.family_tag = opt[1] == '4' || opt == "--ipv4" ? 4 : 6;
    } else {
        return false;
    }
    close_module();
    in_target_ = false;
    return true;
}

void RuleBuilder::address(AddressSet Box::*dim, bool negated) {
    size_t option = pos_ - 1;
    const Token& arg = argument(option, negated);
    auto set = AddressSet::parse_list(arg.text, &ctx_.masks);
    if (!set) {
        if (auto cover = covering(arg.text)) {
            ++(arg.text.find(':') != std::string_view::npos ? ctx_.tally.v6 : ctx_.tally.v4);
            return unexpanded_mask(dim, negated, arg, *cover);
        }
    }
    if (!set) fail(arg, fmt::format("bad address '{}'", arg.text));
    ++(arg.text.find(':') != std::string_view::npos ? ctx_.tally.v6 : ctx_.tally.v4);
    restrict(dim, negated ? ctx_.universe - *set : *set & ctx_.universe);
}

// A valid non-contiguous mask (`1.2.3.4/0.0.0.255`) can match millions of intervals; beyond the
// mask budget, and for any non-contiguous IPv6 mask (ip6tables keeps `2001:db8::/ffff::ffff`),
// the rule is conditional, its possible match held to the covering prefix (which
// contains every address the mask matches, so nothing the rule matches is left out).
void RuleBuilder::unexpanded_mask(AddressSet Box::*dim, bool negated, const Token& arg,
                                  const AddressSet& cover) {
    if (arg.text.find(':') != std::string_view::npos) {
        warn(arg, fmt::format("address '{}' has a non-contiguous IPv6 mask, which flowgap does not model: "
                              "the rule is treated as conditional",
                              arg.text));
    } else {
        warn(arg, fmt::format("address '{}' has a mask too fragmented to model (over {} intervals for one "
                              "address, or over {} in the file): the rule is treated as conditional",
                              arg.text, analysis::MaskBudget::kPerAddress, analysis::MaskBudget::kPerFile));
    }
    out_.rule.conditions.push_back(
        fmt::format("{} {} (non-contiguous mask not modelled)", dim == &Box::src ? "-s" : "-d", arg.text));
    opaque_ = true;
    // The complement of a subset of the prefix can be any address: a negated item stays open.
    if (!negated) restrict(dim, cover & ctx_.universe);
}

void RuleBuilder::protocol(bool negated) {
    const Token& arg = argument(pos_ - 1, negated);
    std::string_view name = arg.text;
    std::optional<uint32_t> number;
    if (name == "all" || name == "0") {
        if (negated) never_ = true;
        return;
    }
    number = analysis::protocol::parse(name);
    if (!number) number = extra_protocol(name);
    if (!number) {
        warn(arg, fmt::format("unknown protocol '{}': the rule is treated as conditional", name));
        out_.rule.conditions.push_back(fmt::format("-p {} (unknown protocol)", name));
        opaque_ = true;
        return;
    }
    if (!negated) implicit_proto_ = *number;
    if (*number == analysis::protocol::icmpv6) ++ctx_.tally.icmp6;
    auto one = ProtocolSet::single(*number);
    restrict(&Box::proto, negated ? ProtocolSet::all() - one : one);
}

// -i/-o: the deployment maps interface names to the addresses reached through them, so an
// interface becomes a source (or destination) set. `lo` carries only the host's own traffic,
// never a flow to or from another host. Names not in the map, and wildcards that could cover
// an unmapped interface, leave the packets from unmapped addresses conditional.
void RuleBuilder::interface(bool outgoing, bool negated, size_t option) {
    const Token& arg = argument(option, negated);
    std::string_view name = arg.text;
    auto dim = outgoing ? &Box::dst : &Box::src;
    if (name == "+") {
        if (negated) never_ = true;
        return;
    }
    if (name == "lo") {
        if (!negated) never_ = true;
        return;
    }
    const InterfaceSets& sets = interface_sets(name, outgoing);
    const AddressSet& sure = negated ? sets.sure_not : sets.sure;
    if (sets.unsure.empty()) {
        restrict(dim, sure);
        return;
    }
    restrict3(dim, sure, sets.unsure);
    std::string_view verb =
        negated ? (outgoing ? "does not leave" : "does not arrive") : (outgoing ? "leaves" : "arrives");
    out_.rule.conditions.push_back(fmt::format("{} on interface {}", verb, name));
}

// Resolved once per name and dump (see Context::interfaces).
const InterfaceSets& RuleBuilder::interface_sets(std::string_view name, bool outgoing) const {
    Context::LastInterface& last = ctx_.last_interface[outgoing];
    if (last.sets && last.name == name) return *last.sets;
    auto it = ctx_.interfaces.find(name);
    if (it == ctx_.interfaces.end())
        it = ctx_.interfaces.emplace(std::string(name), resolve_interface(name)).first;
    last = {it->first, &it->second};
    return it->second;
}

InterfaceSets RuleBuilder::resolve_interface(std::string_view name) const {
    bool wildcard = name.ends_with('+');
    std::string_view prefix = wildcard ? name.substr(0, name.size() - 1) : name;
    InterfaceSets sets;
    bool mapped = false;
    for (const auto& [iface, addresses] : ctx_.options->interfaces) {
        if (wildcard ? std::string_view(iface).starts_with(prefix) : iface == name) {
            sets.sure |= addresses & ctx_.universe;
            mapped = true;
        }
    }
    if (wildcard || !mapped) sets.unsure = ctx_.universe - ctx_.all_mapped;
    sets.sure_not = ctx_.universe - sets.sure - sets.unsure;
    return sets;
}

void RuleBuilder::target(bool is_goto) {
    bool negated = false;
    const Token& arg = argument(pos_ - 1, negated);
    if (negated) fail(arg, "a target cannot be negated");
    close_module();
    out_.target_name = arg.text;
    out_.target_column = column(arg);
    out_.is_goto = is_goto;
    auto kind = builtin_target(arg.text);
    if (is_goto && kind) fail(arg, fmt::format("-g needs a user chain, not the target '{}'", arg.text));
    out_.target = kind ? *kind : TargetKind::chain;  // a chain or an unknown target: see chains.cpp
    out_.notrack = arg.text == "NOTRACK";
    in_target_ = true;
}

void RuleBuilder::target_option() {
    // Target options (--reject-with, --log-prefix, --to-destination, ...) change what is
    // logged or rewritten, never which packets match or whether the target terminates. One
    // changes what later tables see: CT --notrack leaves the packet UNTRACKED.
    if (out_.target_name == "CT" && line_.args[pos_ - 1].text == "--notrack") out_.notrack = true;
    skip_arguments();
}

void RuleBuilder::restrict3(AddressSet Box::*dim, const AddressSet& sure, const AddressSet& unsure) {
    if (!split_) possible_ = certain_;
    split_ = true;
    certain_.*dim &= sure;
    possible_.*dim &= sure | unsure;
}

// One box of one family needs no splitting when its ports are unrestricted or all its protocols
// carry ports: building it directly skips FlowSpace::of's per-family and per-protocol work,
// which matters at 200,000 rules.
FlowSpace RuleBuilder::single(const Box& box) const {
    if (box.empty()) return {};
    static const ProtocolSet kPorted = [] {
        ProtocolSet s;
        for (uint32_t p : {6u, 17u, 132u, 136u, 1u, 58u})
            s = s | ProtocolSet::single(p);
        return s;
    }();
    bool ports_all = box.dport.is_all() && box.sport.is_all();
    if (!ports_all && !(box.proto - kPorted).empty()) return FlowSpace::of(box);
    std::vector<Box> one;
    one.push_back(box);
    return FlowSpace::from_disjoint(std::move(one));
}

FlowSpace RuleBuilder::space(const Box& box) const {
    if (!either_ports_) return single(box);
    // multiport --ports: the source port or the destination port is in the list. Two boxes,
    // disjoint on the destination port.
    Box by_dst = box, by_src = box;
    by_dst.dport = by_dst.dport & *either_ports_;
    by_src.sport = by_src.sport & *either_ports_;
    by_src.dport = by_src.dport - *either_ports_;
    return single(by_dst) | single(by_src);
}

void RuleBuilder::finish(bool build_spaces) {
    if (!build_spaces || never_) return;
    auto& rule = out_.rule;
    if (opaque_) {
        rule.may_match = space(split_ ? possible_ : certain_);
    } else if (!split_) {
        rule.match = space(certain_);
    } else {
        rule.match = space(certain_);
        rule.may_match = space(possible_) - rule.match;
    }
    // Kept apart only when the state test fails for NEW: otherwise the rule's own spaces are
    // its state-free ones, and a second copy would cost memory on every `--ctstate NEW` rule.
    if (state_never_) {
        out_.state_free = std::make_shared<const analysis::FlowSpace>(rule.match | rule.may_match);
        rule.match = {};
        rule.may_match = {};
    }
}

void parse_rule_args(const Context& ctx, const RuleLine& line, bool build_spaces, RuleSpec& out) {
    RuleBuilder builder(ctx, line, out);
    builder.run();
    builder.finish(build_spaces);
}

}  // namespace flowgap::parsers::iptables
