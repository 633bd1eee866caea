// Reading one rule: its expressions left to right, each narrowing the packets it matches, then
// its verdict. Known keys are exact where the first packet of a connection decides them; keys
// whose outcome the ruleset cannot show (marks, rate limits, fib lookups, ...) make the rule
// conditional; keys flowgap does not know do too, with a located warning.
#include "parsers/nftables/rules.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "parsers/iptables/names.hpp"

namespace flowgap::parsers::nftables {

using analysis::AddressSet;
using analysis::Box;
using analysis::Family;
using analysis::FlowSpace;
using analysis::PortSet;
using analysis::ProtocolSet;
using iptables::Context;
using iptables::RuleSpec;
using iptables::TargetKind;

namespace {

// Words that begin a statement: where the value of an expression flowgap skips ends.
bool starts_statement(const Token& t) {
    static constexpr std::string_view kWords[] = {
        "ip",      "ip6",        "tcp",      "udp",    "udplite",  "sctp",    "dccp",     "th",     "meta",
        "ct",      "icmp",       "icmpv6",   "iif",    "iifname",  "oif",     "oifname",  "mark",   "skuid",
        "skgid",   "fib",        "counter",  "log",    "comment",  "limit",   "quota",    "meter",  "notrack",
        "accept",  "drop",       "reject",   "return", "continue", "jump",    "goto",     "queue",  "dnat",
        "snat",    "masquerade", "redirect", "tproxy", "fwd",      "dup",     "synproxy", "socket", "osf",
        "rt",      "ether",      "vlan",     "arp",    "ipsec",    "exthdr",  "tcpopt",   "ah",     "esp",
        "add",     "update",     "delete",   "xt",     "iiftype",  "oiftype", "numgen",   "jhash",  "symhash",
        "flow",    "set",        "frag",     "hbh",    "mh",       "dst",     "srh",      "comp",   "nftrace",
        "pkttype", "priority",   "secmark",  "last",   "inner",    "vxlan",   "geneve",   "gre",    "gretap"};
    return t.kind == Token::Kind::word &&
           std::find(std::begin(kWords), std::end(kWords), t.text) != std::end(kWords);
}

enum class Key {
    src,
    dst,
    proto,
    dport,
    sport,
    ct_state,
    ct_status,
    iif,
    oif,
    nfproto,
    pkttype,
    icmp_type,
    other
};

struct KeyDesc {
    Key key = Key::other;
    std::optional<Family> family;            // ip/ip6 payload: only that family's packets have it
    ProtocolSet proto = ProtocolSet::all();  // transport payload: only those protocols' packets
    bool known = true;                       // for Key::other: a key flowgap knows it cannot decide
    bool one_value = false;                  // for Key::other: its value is one word or set (meta, ct keys)
    std::string what;                        // as written, for conditions ("meta mark")
};

struct Verdict {
    TargetKind kind = TargetKind::none;
    bool is_goto = false;
    std::string_view target;  // the chain, or the nat statement's name as iptables spells it
    const Token* token = nullptr;
};

// The packets a rule (or one branch of its verdict map) matches: certain ones, and, once a
// condition split them, possible ones; `opaque` when some expression's outcome is unknown.
struct Shape {
    Box certain;
    Box possible;
    bool split = false;
    bool opaque = false;
    bool never = false;
    std::vector<std::string> conditions;

    template <class Set>
    void restrict(Set Box::*dim, const Set& allowed) {
        certain.*dim = certain.*dim & allowed;
        if (split) possible.*dim = possible.*dim & allowed;
    }
    void restrict3(AddressSet Box::*dim, const AddressSet& sure, const AddressSet& unsure) {
        if (!split) possible = certain;
        split = true;
        certain.*dim &= sure;
        possible.*dim &= sure | unsure;
    }
    void conditional(std::string why) {
        opaque = true;
        if (std::find(conditions.begin(), conditions.end(), why) == conditions.end())
            conditions.push_back(std::move(why));
    }
};

ProtocolSet protocols(std::initializer_list<uint32_t> ps) {
    ProtocolSet s;
    for (uint32_t p : ps)
        s = s | ProtocolSet::single(p);
    return s;
}

class Builder {
  public:
    Builder(const Ruleset& rs, const ChainPlace& place, const Context& ctx, const RuleDecl& rule,
            uint32_t position)
        : rs_(rs),
          place_(place),
          ctx_(ctx),
          rule_(rule),
          position_(position),
          at_(rule.tokens.begin),
          end_(rule.tokens.end) {
        shape_.certain = ctx.everything;
    }

    void run(std::deque<RuleSpec>& out);

  private:
    const Token& tok(size_t i) const { return i < end_ ? rs_.tokens[i] : rs_.tokens[end_]; }
    const Token& cur() const { return tok(at_); }
    bool more() const { return at_ < end_; }
    uint32_t column(const Token& t) const { return t.column; }
    void warn(const Token& t, std::string message) const { ctx_.warn(t.line, t.column, std::move(message)); }
    [[noreturn]] void fail(const Token& t, const std::string& message) const {
        ctx_.fail(t.line, t.column, message);
    }

    void statement();
    bool verdict();
    void xt();
    void skip_value();
    KeyDesc key();
    void match(const KeyDesc& k, const Token& first);
    void vmap(const KeyDesc& k, const Token& first);
    std::vector<const Token*> value(bool& negated, std::string_view& op, std::string& unresolved);
    void items_of(const Token& t, std::vector<const Token*>& items, std::string& unresolved);
    void apply(Shape& s, const KeyDesc& k, const std::vector<const Token*>& items, bool negated,
               std::string_view op, const Token& first) const;
    void interface(Shape& s, bool outgoing, const std::vector<const Token*>& items, bool negated,
                   const std::string& what) const;
    RuleSpec spec(const Shape& s, const Verdict& v, std::string suffix) const;

    const Ruleset& rs_;
    const ChainPlace& place_;
    const Context& ctx_;
    const RuleDecl& rule_;
    uint32_t position_;
    size_t at_;
    size_t end_;
    Shape shape_;
    Verdict verdict_;
    std::string comment_;
    // A verdict map: each branch's shape and verdict.
    std::vector<std::pair<Shape, Verdict>> branches_;
    std::vector<std::string> branch_names_;
    bool has_vmap_ = false;
};

void Builder::run(std::deque<RuleSpec>& out) {
    while (more())
        statement();
    if (!has_vmap_) {
        out.push_back(spec(shape_, verdict_, ""));
        return;
    }
    for (size_t i = 0; i < branches_.size(); ++i)
        out.push_back(spec(branches_[i].first, branches_[i].second, " [" + branch_names_[i] + "]"));
}

void Builder::statement() {
    const Token& t = cur();
    if (verdict()) return;
    if (t.is("counter") || t.is("log") || t.is("notrack") || t.is("comment") || t.is("limit") ||
        t.is("quota")) {
        ++at_;
        if (t.is("comment") && more() && cur().kind == Token::Kind::string)
            comment_ = std::string(cur().text);
        if (t.is("limit")) shape_.conditional("rate limit");
        if (t.is("quota")) shape_.conditional("quota");
        skip_value();
        return;
    }
    if (t.is("add") || t.is("update") || t.is("delete")) {  // set updates: change later packets' sets
        ++at_;
        skip_value();
        return;
    }
    if (t.is("xt")) return xt();
    const Token& first = cur();
    KeyDesc k = key();
    if (more() && cur().is("set")) {  // `meta mark set 1`, `ct mark set mark`: a statement
        ++at_;
        skip_value();
        return;
    }
    if (more() && cur().is("vmap")) return vmap(k, first);
    match(k, first);
}

// accept, drop, reject, jump, goto, return, continue, queue and the nat statements; the rest
// of the statement (reject's `with`, dnat's address) says how, not whether.
bool Builder::verdict() {
    const Token& t = cur();
    Verdict v;
    v.token = &t;
    if (t.is("accept")) {
        v.kind = TargetKind::accept;
    } else if (t.is("drop")) {
        v.kind = TargetKind::drop;
    } else if (t.is("reject")) {
        v.kind = TargetKind::reject;
    } else if (t.is("return")) {
        v.kind = TargetKind::return_;
    } else if (t.is("continue")) {
        v.kind = TargetKind::none;
    } else if (t.is("jump") || t.is("goto")) {
        v.kind = TargetKind::chain;
        v.is_goto = t.is("goto");
        if (tok(at_ + 1).kind != Token::Kind::word && tok(at_ + 1).kind != Token::Kind::string)
            fail(t, fmt::format("{} needs a chain", t.text));
        v.target = tok(at_ + 1).text;
        ++at_;
    } else if (t.is("dnat") || t.is("snat") || t.is("masquerade") || t.is("redirect")) {
        v.kind = TargetKind::nat;
        v.target = t.is("dnat")         ? "DNAT"
                   : t.is("snat")       ? "SNAT"
                   : t.is("masquerade") ? "MASQUERADE"
                                        : "REDIRECT";
    } else if (t.is("queue") || t.is("tproxy") || t.is("fwd") || t.is("synproxy")) {
        v.kind = TargetKind::opaque;
        shape_.conditions.push_back(fmt::format("{} hands the packet on", t.text));
    } else {
        return false;
    }
    ++at_;
    // A verdict ends the rule: what follows says how (`reject with icmp type host-prohibited`,
    // `dnat ip to 10.0.0.5:80`), never what matches, so none of it is read as a match. Only a
    // comment may follow.
    for (; more(); ++at_)
        if (cur().is("comment") && tok(at_ + 1).kind == Token::Kind::string)
            comment_ = std::string(tok(at_ + 1).text);
    verdict_ = v;
    return true;
}

// iptables-nft's extensions that nft cannot print (`xt match conntrack`, `xt target REJECT`):
// the name only, not the options. A match makes the rule conditional; a target is its verdict,
// which the name tells where iptables' targets do (REJECT blocks, LOG goes on) and is unknown
// otherwise (never an allow: a terminating target flowgap cannot see would be a false one).
void Builder::xt() {
    const Token& t = cur();
    const Token& kind = tok(at_ + 1);
    std::string_view name = tok(at_ + 2).text;
    if (kind.is("target")) {
        Verdict v;
        v.token = &t;
        auto k = iptables::builtin_target(name);
        v.kind = k && (*k == TargetKind::reject || *k == TargetKind::drop || *k == TargetKind::continues ||
                       *k == TargetKind::nat)
                     ? *k
                     : TargetKind::opaque;
        // DNAT, SNAT, ...: as nft's own nat statements (JSON shows iptables-nft's so), a
        // destination rewrite whose address the listing does not give.
        if (v.kind == TargetKind::nat) v.target = name;
        if (v.kind == TargetKind::continues) {
            at_ = std::min(at_ + 3, end_);
            return;
        }
        if (v.kind == TargetKind::opaque) shape_.conditions.push_back(fmt::format("xt target {}", name));
        verdict_ = v;
        at_ = end_;
        return;
    }
    warn(t, fmt::format("'{}': an iptables-nft extension the ruleset listing cannot show; the rule is "
                        "conditional (its iptables-save dump shows it)",
                        rule_.text));
    shape_.conditional(fmt::format("xt {}", name));
    at_ = std::min(at_ + 3, end_);
}

// Steps over the arguments of a statement flowgap does not read into packets, up to the next
// statement.
void Builder::skip_value() {
    int depth = 0;
    while (more()) {
        const Token& t = cur();
        if (t.is_punct("{") || t.is_punct("(")) ++depth;
        if (t.is_punct("}") || t.is_punct(")")) --depth;
        if (depth <= 0 && starts_statement(t) && !t.is("set")) return;
        ++at_;
    }
}

KeyDesc Builder::key() {
    const Token& t = cur();
    ++at_;
    auto field = [&]() -> std::string_view {
        if (!more()) return {};
        return cur().kind == Token::Kind::word ? tok(at_++).text : std::string_view();
    };
    KeyDesc k;
    static const ProtocolSet kPorted = protocols({6, 17, 136, 132, 33});
    if (t.is("ip") || t.is("ip6")) {
        std::string_view f = field();
        k.family = t.is("ip") ? Family::v4 : Family::v6;
        k.what = fmt::format("{} {}", t.text, f);
        if (f == "saddr")
            k.key = Key::src;
        else if (f == "daddr")
            k.key = Key::dst;
        else if ((t.is("ip") && f == "protocol") || (t.is("ip6") && f == "nexthdr"))
            k.key = Key::proto;
        else
            k.known = f == "ttl" || f == "hoplimit" || f == "length" || f == "dscp" || f == "id" ||
                      f == "flowlabel" || f == "ecn" || f == "frag-off" || f == "version" || f == "hdrlength";
        return k;
    }
    if (t.is("tcp") || t.is("udp") || t.is("udplite") || t.is("sctp") || t.is("dccp") || t.is("th")) {
        std::string_view f = field();
        k.what = fmt::format("{} {}", t.text, f);
        k.proto = t.is("th") ? kPorted : ProtocolSet::single(*analysis::protocol::parse(t.text));
        if (f == "dport")
            k.key = Key::dport;
        else if (f == "sport")
            k.key = Key::sport;
        else
            k.known = f == "flags" || f == "checksum" || f == "length" || f == "window" || f == "sequence";
        return k;
    }
    if (t.is("icmp") || t.is("icmpv6")) {
        std::string_view f = field();
        k.what = fmt::format("{} {}", t.text, f);
        k.proto = ProtocolSet::single(t.is("icmp") ? analysis::protocol::icmp : analysis::protocol::icmpv6);
        if (f == "type")
            k.key = Key::icmp_type;
        else
            k.known = f == "code" || f == "id" || f == "sequence";
        return k;
    }
    std::string_view name = t.text;
    if (t.is("meta")) name = field();
    k.what = t.is("meta") ? fmt::format("meta {}", name) : std::string(name);
    if (name == "l4proto")
        k.key = Key::proto;
    else if (name == "nfproto" || name == "protocol")
        k.key = Key::nfproto;
    else if (name == "iif" || name == "iifname")
        k.key = Key::iif;
    else if (name == "oif" || name == "oifname")
        k.key = Key::oif;
    else if (name == "pkttype")
        k.key = Key::pkttype;
    else if (t.is("ct")) {
        std::string_view f = field();
        k.what = fmt::format("ct {}", f);
        if (f == "state") k.key = Key::ct_state;
        if (f == "status") k.key = Key::ct_status;
        k.one_value = true;  // ct mark, direction, zone, ...: connection data the listing lacks
    } else {
        static constexpr std::string_view kKnown[] = {
            "mark",    "skuid",    "skgid",    "fib",    "socket",   "osf",    "rt",      "cpu",
            "cgroup",  "iiftype",  "oiftype",  "length", "priority", "random", "secpath", "ibrname",
            "obrname", "iifgroup", "oifgroup", "time",   "day",      "hour",   "meter"};
        k.known = std::find(std::begin(kKnown), std::end(kKnown), name) != std::end(kKnown);
        k.one_value = t.is("meta") || (k.known && name != "fib" && name != "socket" && name != "osf" &&
                                       name != "rt" && name != "meter");
    }
    return k;
}

std::vector<const Token*> Builder::value(bool& negated, std::string_view& op, std::string& unresolved) {
    std::vector<const Token*> items;
    if (more() && cur().kind == Token::Kind::punct) {
        std::string_view p = cur().text;
        if (p == "==" || p == "!=" || p == "<" || p == ">" || p == "<=" || p == ">=") {
            negated = p == "!=";
            op = (p == "==" || p == "!=") ? std::string_view() : p;
            ++at_;
        }
    }
    if (!more()) return items;
    const Token& t = cur();
    if (t.is_punct("{")) {
        ++at_;
        while (more() && !cur().is_punct("}")) {
            if (cur().kind == Token::Kind::word && cur().text == ".") unresolved = "a concatenation";
            if (!cur().is_punct(",")) items_of(cur(), items, unresolved);
            ++at_;
        }
        if (more()) ++at_;
        return items;
    }
    items_of(t, items, unresolved);
    ++at_;
    while (more() && cur().is_punct(",") && tok(at_ + 1).kind == Token::Kind::word) {
        items_of(tok(at_ + 1), items, unresolved);
        at_ += 2;
    }
    return items;
}

// A value item: a word or string, a named set's elements (`@name`), or a define (`$name`).
void Builder::items_of(const Token& t, std::vector<const Token*>& items, std::string& unresolved) {
    auto add_span = [&](Span s) {
        for (size_t i = s.begin; i < s.end; ++i) {
            const Token& e = rs_.tokens[i];
            if (e.kind == Token::Kind::word && e.text == ".") unresolved = "a concatenation";
            if (e.kind == Token::Kind::word || e.kind == Token::Kind::string) items.push_back(&e);
        }
    };
    if (t.kind == Token::Kind::word && t.text.starts_with("@")) {
        const SetDecl* set = place_.table->set(t.text.substr(1));
        if (!set)
            fail(t, fmt::format("set {} is not in table {} {}", t.text, place_.table->family,
                                place_.table->name));
        if (set->dynamic) unresolved = fmt::format("set {} changes as packets arrive", t.text);
        if (set->map) unresolved = fmt::format("map {}", t.text);
        add_span(set->elements);
        for (size_t i = set->elements.begin; i < set->elements.end; ++i)
            if (rs_.tokens[i].is("timeout") || rs_.tokens[i].is("expires"))
                unresolved = fmt::format("set {} changes as packets arrive", t.text);
        return;
    }
    if (t.kind == Token::Kind::word && t.text.starts_with("$")) {
        auto it = rs_.defines.find(t.text.substr(1));
        if (it == rs_.defines.end()) fail(t, fmt::format("{} is not defined", t.text));
        add_span(it->second);
        for (size_t i = it->second.begin; i < it->second.end; ++i)
            if (rs_.tokens[i].text.starts_with("$") || rs_.tokens[i].text.starts_with("@"))
                unresolved = fmt::format("{} refers to another definition", t.text);
        return;
    }
    if (t.kind == Token::Kind::word || t.kind == Token::Kind::string) items.push_back(&t);
}

void Builder::match(const KeyDesc& k, const Token& first) {
    if (k.key == Key::other) {
        // Whatever its value, the outcome is not decided here: say why, and step over the value,
        // one word or set for meta and ct keys (`ct mark 0x1`; a value may be a keyword, as in
        // `ct direction reply`), up to the next statement for others (`tcp option maxseg size 1-500`).
        if (k.family && *k.family != ctx_.family) shape_.never = true;
        shape_.restrict(&Box::proto, k.proto);
        apply(shape_, k, {}, false, {}, first);
        if (k.one_value && !(more() && (cur().is_punct("&") || cur().is_punct("|")))) {
            bool negated = false;
            std::string_view op;
            std::string unresolved;
            value(negated, op, unresolved);
        } else {
            skip_value();
        }
        return;
    }
    if (more() && (cur().is_punct("&") || cur().is_punct("|") || cur().is_punct("^") ||
                   (cur().kind == Token::Kind::word && cur().text == "."))) {
        // A bitwise operation or a concatenation on the key: not modelled.
        shape_.conditional(fmt::format("{} {}", k.what, cur().text == "." ? "concatenation" : "bit test"));
        skip_value();
        return;
    }
    bool negated = false;
    std::string_view op;
    std::string unresolved;
    std::vector<const Token*> items = value(negated, op, unresolved);
    if (!unresolved.empty()) {
        // The family and protocol the key implies still hold, whatever the value.
        if (k.family && *k.family != ctx_.family) shape_.never = true;
        shape_.restrict(&Box::proto, k.proto);
        shape_.conditional(fmt::format("{}: {}", k.what, unresolved));
        return;
    }
    apply(shape_, k, items, negated, op, first);
}

void Builder::vmap(const KeyDesc& k, const Token& first) {
    ++at_;  // vmap
    has_vmap_ = true;
    std::vector<std::pair<std::vector<const Token*>, Verdict>> elements;
    auto read_elements = [&](size_t begin, size_t end) {
        for (size_t i = begin; i < end; ++i) {
            const Token& key = rs_.tokens[i];
            if (key.is_punct(",")) continue;
            size_t colon = i + 1;
            if (colon + 1 >= end || rs_.tokens[colon].text != ":")
                fail(key, "a verdict map element is KEY : VERDICT");
            const Token& v = rs_.tokens[colon + 1];
            Verdict verdict;
            verdict.token = &v;
            i = colon + 1;
            if (v.is("accept"))
                verdict.kind = TargetKind::accept;
            else if (v.is("drop"))
                verdict.kind = TargetKind::drop;
            else if (v.is("return"))
                verdict.kind = TargetKind::return_;
            else if (v.is("continue"))
                verdict.kind = TargetKind::none;
            else if ((v.is("jump") || v.is("goto")) && i + 1 < end) {
                verdict.kind = TargetKind::chain;
                verdict.is_goto = v.is("goto");
                verdict.target = rs_.tokens[++i].text;
            } else {
                verdict.kind = TargetKind::opaque;
            }
            elements.push_back({{&key}, verdict});
        }
    };
    if (more() && cur().is_punct("{")) {
        size_t open = at_;
        int depth = 0;
        do {
            if (cur().is_punct("{")) ++depth;
            if (cur().is_punct("}")) --depth;
            ++at_;
        } while (more() && depth > 0);
        read_elements(open + 1, at_ - 1);
    } else if (more() && cur().text.starts_with("@")) {
        const SetDecl* m = place_.table->set(cur().text.substr(1));
        if (!m || !m->map)
            fail(cur(), fmt::format("map {} is not in table {} {}", cur().text, place_.table->family,
                                    place_.table->name));
        read_elements(m->elements.begin, m->elements.end);
        if (m->dynamic) shape_.conditional(fmt::format("map {} changes as packets arrive", cur().text));
        ++at_;
    } else {
        fail(first, "vmap needs { KEY : VERDICT, ... } or @map");
    }
    for (const auto& [keys, verdict] : elements) {
        Shape s = shape_;
        apply(s, k, keys, false, {}, first);
        branches_.push_back({std::move(s), verdict});
        branch_names_.push_back(fmt::format("{} {} : {}", k.what, keys[0]->text,
                                            verdict.target.empty() ? verdict.token->text : verdict.target));
    }
}

}  // namespace

namespace {

std::optional<PortSet> port_item(std::string_view text) {
    if (auto p = PortSet::parse(text)) return p;
    if (auto n = iptables::service_port(text)) return PortSet::single(*n);
    return std::nullopt;
}

// `< 1024`, `>= 49152`: the ports the comparison keeps.
PortSet compare(std::string_view op, uint32_t n) {
    if (op == "<") return n == 0 ? PortSet::none() : PortSet::range(0, n - 1);
    if (op == "<=") return PortSet::range(0, n);
    if (op == ">") return n >= PortSet::kMax ? PortSet::none() : PortSet::range(n + 1, PortSet::kMax);
    return PortSet::range(n, PortSet::kMax);
}

void Builder::apply(Shape& s, const KeyDesc& k, const std::vector<const Token*>& items, bool negated,
                    std::string_view op, const Token& first) const {
    if (k.family && *k.family != ctx_.family) {
        s.never = true;  // an ip payload test never matches an IPv6 packet (nft adds that dependency)
        return;
    }
    s.restrict(&Box::proto, k.proto);
    auto bad = [&](const Token& t, std::string_view what) {
        fail(t, fmt::format("'{}' is not {} (in {})", t.text, what, k.what));
    };
    switch (k.key) {
        case Key::src:
        case Key::dst: {
            AddressSet set;
            for (const Token* t : items) {
                auto a = AddressSet::parse(t->text, &ctx_.masks);
                if (!a) bad(*t, "an address, prefix or range");
                set |= *a & ctx_.universe;
            }
            s.restrict(k.key == Key::src ? &Box::src : &Box::dst, negated ? ctx_.universe - set : set);
            return;
        }
        case Key::proto: {
            ProtocolSet set;
            for (const Token* t : items) {
                auto p = analysis::protocol::parse(t->text);
                if (!p) p = iptables::extra_protocol(t->text);
                if (!p) bad(*t, "a protocol");
                set = set | ProtocolSet::single(*p);
            }
            s.restrict(&Box::proto, negated ? ProtocolSet::all() - set : set);
            return;
        }
        case Key::dport:
        case Key::sport: {
            PortSet set;
            for (const Token* t : items) {
                auto p = port_item(t->text);
                if (!p) bad(*t, "a port or port range");
                if (!op.empty()) {
                    if (p->intervals().min() != p->intervals().max()) bad(*t, "a port");
                    *p = compare(op, p->intervals().min());
                }
                set = set | *p;
            }
            s.restrict(k.key == Key::dport ? &Box::dport : &Box::sport, negated ? PortSet::all() - set : set);
            return;
        }
        case Key::icmp_type: {
            PortSet set;
            bool v6 = k.proto.contains(analysis::protocol::icmpv6);
            for (const Token* t : items) {
                auto n = v6 ? iptables::icmpv6_name(t->text) : iptables::icmp_name(t->text);
                if (!n) bad(*t, v6 ? "an ICMPv6 type" : "an ICMP type");
                set = set | PortSet::icmp_type(n->type);
            }
            s.restrict(&Box::dport, negated ? PortSet::all() - set : set);
            return;
        }
        case Key::ct_state: {
            bool has_new = false;
            for (const Token* t : items)
                has_new = has_new || t->text == "new";
            if (place_.before_conntrack || rs_.notrack) {
                // Before conntrack (priority under -200, or netdev) there is no state yet; after a
                // `notrack` the packet may be UNTRACKED: the test cannot be decided for NEW.
                s.conditional(fmt::format(
                    "ct state {}", place_.before_conntrack ? "before connection tracking" : "after notrack"));
            } else if (has_new == negated) {
                s.never = true;  // the first packet of a connection is NEW
            }
            return;
        }
        case Key::iif:
        case Key::oif: interface(s, k.key == Key::oif, items, negated, k.what); return;
        case Key::ct_status: {
            // The first packet of a connection has the dnat/snat bits only if a rule of this
            // ruleset translated it; other bits (confirmed, assured, ...) are not modelled.
            bool possible = false, decided = true;
            for (const Token* t : items) {
                if (t->text == "dnat")
                    possible = possible || rs_.dnat;
                else if (t->text == "snat")
                    possible = possible || rs_.snat;
                else
                    decided = false;
            }
            if (!decided || possible)
                s.conditional(std::string(k.what));
            else if (!negated)
                s.never = true;
            return;
        }
        case Key::nfproto: {
            bool ours = false;
            for (const Token* t : items) {
                std::string_view f = t->text;
                ours = ours ||
                       (ctx_.family == Family::v4 ? (f == "ipv4" || f == "ip") : (f == "ipv6" || f == "ip6"));
            }
            if (ours == negated) s.never = true;
            return;
        }
        case Key::pkttype: {
            bool host = false;
            for (const Token* t : items)
                host = host || t->text == "host" || t->text == "unicast";
            if (host == negated) s.never = true;  // a flow's packets are unicast to a host
            return;
        }
        case Key::other:
            if (!k.known) {
                ctx_.warn(first.line, first.column,
                          fmt::format("'{}' is an expression flowgap does not know: rule '{}' is conditional",
                                      k.what, rule_.text));
            }
            s.conditional(k.what);
            return;
    }
}

// iif/iifname/oif/oifname: as iptables -i/-o, through the deployment's interface map. `lo`
// carries only the host's own traffic, never a flow between hosts.
void Builder::interface(Shape& s, bool outgoing, const std::vector<const Token*>& items, bool negated,
                        const std::string& what) const {
    AddressSet sure, unsure;
    bool lo = false;
    std::vector<std::string_view> names;
    for (const Token* t : items) {
        std::string_view name = t->text;
        names.push_back(name);
        if (name == "lo") {
            lo = true;
            continue;
        }
        bool wildcard = name.ends_with('*');
        std::string_view prefix = wildcard ? name.substr(0, name.size() - 1) : name;
        bool mapped = false;
        for (const auto& [iface, addresses] : ctx_.options->interfaces) {
            if (wildcard ? std::string_view(iface).starts_with(prefix) : iface == name) {
                sure |= addresses & ctx_.universe;
                mapped = true;
            }
        }
        if (wildcard || !mapped) unsure |= ctx_.universe - ctx_.all_mapped;
    }
    (void)lo;  // lo adds no address: its traffic never belongs to a flow
    unsure -= sure;
    if (negated) {
        AddressSet sure_not = ctx_.universe - sure - unsure;
        sure = sure_not;
    }
    auto dim = outgoing ? &Box::dst : &Box::src;
    if (unsure.empty()) {
        s.restrict(dim, sure);
        return;
    }
    s.restrict3(dim, sure, unsure);
    std::string_view verb =
        negated ? (outgoing ? "does not leave" : "does not arrive") : (outgoing ? "leaves" : "arrives");
    s.conditions.push_back(fmt::format("{} on interface {} ({})", verb, fmt::join(names, ","), what));
}

RuleSpec Builder::spec(const Shape& s, const Verdict& v, std::string suffix) const {
    RuleSpec out;
    analysis::Rule& r = out.rule;
    std::string key = fmt::format("{}#{}", place_.container, position_);
    r.name = key + suffix;
    if (!comment_.empty()) r.name += fmt::format(" ({})", comment_);
    r.name_key = static_cast<uint32_t>(key.size());
    const Token& first = rs_.tokens[rule_.tokens.begin];
    r.location = ctx_.at(first.line, first.column);
    r.text = rule_.text;
    // The handle (`nft -a`, and always in the JSON form) goes with the chain for the fix, which
    // then inserts before the rule by handle rather than by index (fix.cpp).
    r.container =
        rule_.handle.empty() ? place_.container : fmt::format("{}|handle={}", place_.container, rule_.handle);
    r.position = position_;
    for (const auto& c : s.conditions)
        r.conditions.push_back(c);
    out.target = v.kind;
    out.is_goto = v.is_goto;
    out.target_name = v.target;
    if (v.token) out.target_column = static_cast<uint32_t>(v.token->begin() - rule_.text.data()) + 1;
    if (s.never) return out;
    if (s.opaque) {
        r.may_match = FlowSpace::of(s.split ? s.possible : s.certain);
    } else if (!s.split) {
        r.match = FlowSpace::of(s.certain);
    } else {
        r.match = FlowSpace::of(s.certain);
        r.may_match = FlowSpace::of(s.possible) - r.match;
    }
    return out;
}

}  // namespace

void read_rules(const Ruleset& rs, const ChainPlace& place, const Context& ctx, std::deque<RuleSpec>& out) {
    uint32_t position = 0;
    for (const auto& rule : place.chain->rules) {
        Builder b(rs, place, ctx, rule, ++position);
        b.run(out);
    }
}

}  // namespace flowgap::parsers::nftables
