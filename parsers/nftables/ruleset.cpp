// Reading the block structure of a ruleset. Blocks nest at most three deep (table, chain or set,
// an element list), so the reader is a loop per level, never recursion the input can deepen;
// the brace skipping of blocks flowgap does not read counts depth in a loop.
#include "parsers/nftables/ruleset.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

namespace flowgap::parsers::nftables {

using analysis::InputError;
using analysis::SourceLocation;

const ChainDecl* TableDecl::chain(std::string_view n) const {
    for (const auto& c : chains)
        if (c.name == n) return &c;
    return nullptr;
}

const SetDecl* TableDecl::set(std::string_view n) const {
    for (const auto& s : sets)
        if (s.name == n) return &s;
    return nullptr;
}

std::optional<int> priority_of(std::string_view family, const std::vector<std::string_view>& words) {
    // nft(8), "Standard priority names": the same for ip, ip6 and inet; netdev has only filter.
    static constexpr std::array<std::pair<std::string_view, int>, 6> kNames = {{{"raw", -300},
                                                                                {"mangle", -150},
                                                                                {"dstnat", -100},
                                                                                {"filter", 0},
                                                                                {"security", 50},
                                                                                {"srcnat", 100}}};
    auto number = [](std::string_view s) -> std::optional<int> {
        bool negative = !s.empty() && s[0] == '-';
        if (negative) s.remove_prefix(1);
        if (s.empty() || s.size() > 9) return std::nullopt;
        int n = 0;
        for (char c : s) {
            if (c < '0' || c > '9') return std::nullopt;
            n = n * 10 + (c - '0');
        }
        return negative ? -n : n;
    };
    if (words.size() == 1)
        if (auto n = number(words[0])) return n;
    if (words.empty() || (words.size() != 1 && words.size() != 3)) return std::nullopt;
    std::optional<int> base;
    for (const auto& [name, value] : kNames)
        if (words[0] == name && (family != "netdev" || name == "filter")) base = value;
    if (!base || words.size() == 1) return base;
    auto offset = number(words[2]);
    if (!offset || (words[1] != "+" && words[1] != "-")) return std::nullopt;
    return words[1] == "+" ? *base + *offset : *base - *offset;
}

namespace {

class Reader {
  public:
    Reader(const std::shared_ptr<const std::string>& path, std::vector<analysis::Diagnostic>& warnings)
        : path_(path), warnings_(warnings) {}

    void run(Ruleset& rs) {
        rs_ = &rs;
        for (;;) {
            skip_ends();
            if (at_end()) return;
            top_statement();
        }
    }

  private:
    const Token& tok(size_t i) const { return rs_->tokens[std::min(i, rs_->tokens.size() - 1)]; }
    const Token& cur() const { return tok(at_); }
    bool at_end() const { return at_ + 1 >= rs_->tokens.size(); }
    bool statement_end(const Token& t) const {
        return t.kind == Token::Kind::newline || t.is_punct(";") || t.kind == Token::Kind::handle;
    }
    void skip_ends() {
        while (!at_end() && (statement_end(cur())))
            ++at_;
    }

    [[noreturn]] void fail(const Token& t, const std::string& message) const {
        throw InputError(SourceLocation{path_, t.line, t.column}, message);
    }
    void warn(const Token& t, std::string message) const {
        warnings_.push_back({analysis::Diagnostic::Severity::warning, SourceLocation{path_, t.line, t.column},
                             std::move(message)});
    }
    std::string_view word(const char* what) {
        const Token& t = cur();
        if (t.kind != Token::Kind::word && t.kind != Token::Kind::string)
            fail(t, fmt::format("expected {}, found '{}'", what, t.text));
        ++at_;
        return t.text;
    }
    void expect(std::string_view p) {
        if (!cur().is_punct(p)) fail(cur(), fmt::format("expected '{}', found '{}'", p, cur().text));
        ++at_;
    }
    // The text from token `first` to the last token before `at_`.
    std::string_view text_since(size_t first) const {
        if (at_ <= first) return {};
        const Token& a = tok(first);
        const Token& b = tok(at_ - 1);
        return std::string_view(a.begin(), static_cast<size_t>(b.end() - a.begin()));
    }
    std::string_view line_text(size_t first) const {
        const Token& a = tok(first);
        const char* end = a.begin();
        const char* stop = rs_->tokens.back().end();
        while (end < stop && *end != '\n')
            ++end;
        while (end > a.begin() && (end[-1] == '\r' || end[-1] == ' '))
            --end;
        return std::string_view(a.begin(), static_cast<size_t>(end - a.begin()));
    }
    // To the end of the statement, stepping over balanced braces (a value may span lines).
    Span statement_tokens() {
        size_t begin = at_;
        int depth = 0;
        while (!at_end()) {
            const Token& t = cur();
            if (t.is_punct("{")) ++depth;
            if (t.is_punct("}")) {
                if (depth == 0) break;
                --depth;
            }
            if (depth == 0 && statement_end(t)) break;
            ++at_;
        }
        if (depth > 0) fail(tok(begin), "a '{' without its closing '}'");
        return {begin, at_};
    }
    // Skips a block flowgap does not read: `{` ... the matching `}`.
    void skip_block() {
        size_t open = at_;
        expect("{");
        size_t depth = 1;
        while (depth > 0) {
            if (at_end()) fail(tok(open), "a '{' without its closing '}'");
            if (cur().is_punct("{")) ++depth;
            if (cur().is_punct("}")) --depth;
            ++at_;
        }
    }

    void top_statement();
    void table();
    void table_body(TableDecl& t);
    void chain(TableDecl& t);
    void chain_statement(ChainDecl& c, std::string_view family);
    void set(TableDecl& t, bool map);
    void set_statement(SetDecl& s);

    const std::shared_ptr<const std::string>& path_;
    std::vector<analysis::Diagnostic>& warnings_;
    Ruleset* rs_ = nullptr;
    size_t at_ = 0;
};

void Reader::top_statement() {
    const Token& t = cur();
    if (t.is("table")) return table();
    if (t.is("flush") && tok(at_ + 1).is("ruleset")) {
        at_ += 2;  // what came before is gone: what follows is the whole ruleset
        rs_->tables.clear();
        rs_->hidden.clear();
        return;
    }
    if (t.is("define") || t.is("redefine")) {
        ++at_;
        std::string name(word("a variable name"));
        expect("=");
        rs_->defines[name] = statement_tokens();
        return;
    }
    if (t.is("include")) {
        size_t first = at_++;
        word("a file name");
        rs_->hidden.push_back(
            {t.line, line_text(first), "its rules are in an included file flowgap did not read"});
        warn(t,
             fmt::format("{}: flowgap does not follow includes; every flow this host filters is conditional "
                         "until you give the whole ruleset (`nft list ruleset`)",
                         line_text(first)));
        return;
    }
    fail(t, fmt::format("'{}' is not read here: flowgap reads `nft list ruleset` output (table blocks, "
                        "`define`, `include`, `flush ruleset`)",
                        t.text));
}

void Reader::table() {
    size_t first = at_++;
    std::string_view family = "ip";  // nft's default when the family is left out
    std::string_view name = word("a table family or name");
    if (!cur().is_punct("{")) {
        family = name;
        name = word("a table name");
    }
    static constexpr std::string_view kFamilies[] = {"ip", "ip6", "inet", "arp", "bridge", "netdev"};
    if (std::find(std::begin(kFamilies), std::end(kFamilies), family) == std::end(kFamilies))
        fail(tok(first + 1),
             fmt::format("'{}' is not a table family (ip, ip6, inet, arp, bridge, netdev)", family));
    TableDecl* table = nullptr;
    for (auto& t : rs_->tables)
        if (t.family == family && t.name == name) table = &t;  // a table block may be given again
    if (!table) {
        rs_->tables.push_back({family, name, tok(first).line, line_text(first), false, {}, {}});
        table = &rs_->tables.back();
    }
    expect("{");
    table_body(*table);
}

void Reader::table_body(TableDecl& t) {
    for (;;) {
        skip_ends();
        if (at_end()) fail(tok(at_), fmt::format("table {} {} has no closing '}}'", t.family, t.name));
        const Token& k = cur();
        if (k.is_punct("}")) {
            ++at_;
            return;
        }
        if (k.is("chain")) {
            chain(t);
        } else if (k.is("set") || k.is("map")) {
            set(t, k.is("map"));
        } else if (k.is("flags")) {
            Span s = statement_tokens();
            for (size_t i = s.begin + 1; i < s.end; ++i)
                if (tok(i).is("dormant")) t.dormant = true;
        } else if (k.is("comment")) {
            statement_tokens();
        } else if (k.is("flowtable") || k.is("counter") || k.is("quota") || k.is("limit") || k.is("ct") ||
                   k.is("secmark") || k.is("synproxy")) {
            // Named objects: rules that use them are read where they are used.
            while (!at_end() && !cur().is_punct("{") && !statement_end(cur()))
                ++at_;
            if (cur().is_punct("{")) skip_block();
        } else {
            fail(k,
                 fmt::format("'{}' is not read in a table (chain, set, map, flags, named objects)", k.text));
        }
    }
}

void Reader::chain(TableDecl& t) {
    size_t first = at_++;
    ChainDecl c;
    c.name = word("a chain name");
    c.line = tok(first).line;
    c.text = line_text(first);
    if (t.chain(c.name))
        fail(tok(first + 1),
             fmt::format("chain {} is declared twice in table {} {}", c.name, t.family, t.name));
    expect("{");
    for (;;) {
        skip_ends();
        if (at_end()) fail(tok(first), fmt::format("chain {} has no closing '}}'", c.name));
        if (cur().is_punct("}")) {
            ++at_;
            break;
        }
        chain_statement(c, t.family);
    }
    t.chains.push_back(std::move(c));
}

void Reader::chain_statement(ChainDecl& c, std::string_view family) {
    const Token& k = cur();
    size_t first = at_;
    if (k.is("type") && tok(at_ + 2).is("hook")) {
        Span s = statement_tokens();
        c.base = true;
        c.type = tok(s.begin + 1).text;
        c.hook = tok(s.begin + 3).text;
        c.type_line = k.line;
        c.type_column = k.column;
        c.type_text = line_text(first);
        std::vector<std::string_view> prio;
        bool in_prio = false;
        for (size_t i = s.begin + 4; i < s.end; ++i) {
            const Token& w = tok(i);
            if (w.is("device")) {
                if (i + 1 < s.end) c.devices.push_back(tok(++i).text);
            } else if (w.is("priority")) {
                in_prio = true;
            } else if (in_prio) {
                prio.push_back(w.text);
            }
        }
        auto p = priority_of(family, prio);
        if (!p) fail(k, fmt::format("chain {}: a priority flowgap cannot read", c.name));
        c.priority = *p;
        return;
    }
    if (k.is("policy")) {
        ++at_;
        std::string_view v = word("accept or drop");
        if (v != "accept" && v != "drop") fail(tok(at_ - 1), "a chain policy is accept or drop");
        c.drop_policy = v == "drop";
        return;
    }
    if (k.is("comment")) {
        statement_tokens();
        return;
    }
    if (k.is("devices")) {
        Span s = statement_tokens();
        for (size_t i = s.begin; i < s.end; ++i)
            if (tok(i).kind == Token::Kind::string || (tok(i).kind == Token::Kind::word && i > s.begin))
                c.devices.push_back(tok(i).text);
        return;
    }
    Span s = statement_tokens();
    RuleDecl r;
    r.tokens = s;
    r.text = text_since(first);
    if (tok(at_).kind == Token::Kind::handle) r.handle = tok(at_).text;
    // notrack, or iptables-nft's CT target (whose --notrack the listing cannot show).
    for (size_t i = s.begin; i < s.end; ++i) {
        const Token& w = tok(i);
        bool xt_target = i > s.begin && tok(i - 1).is("target");
        if (w.is("notrack") || (w.is("CT") && xt_target)) rs_->notrack = true;
        // `dnat to ...`, `dnat ip to ...` are statements; `ct status dnat` is a value.
        bool nat_statement =
            (w.is("dnat") || w.is("snat")) &&
            (tok(i + 1).is("to") || ((tok(i + 1).is("ip") || tok(i + 1).is("ip6")) && tok(i + 2).is("to")));
        if ((nat_statement && w.is("dnat")) || w.is("redirect") ||
            (xt_target && (w.is("DNAT") || w.is("REDIRECT") || w.is("NETMAP"))))
            rs_->dnat = true;
        if ((nat_statement && w.is("snat")) || w.is("masquerade") ||
            (xt_target && (w.is("SNAT") || w.is("MASQUERADE") || w.is("NETMAP"))))
            rs_->snat = true;
    }
    c.rules.push_back(r);
}

void Reader::set(TableDecl& t, bool map) {
    size_t first = at_++;
    SetDecl s;
    s.map = map;
    s.name = word("a set name");
    s.line = tok(first).line;
    s.column = tok(first).column;
    expect("{");
    for (;;) {
        skip_ends();
        if (at_end()) fail(tok(first), fmt::format("set {} has no closing '}}'", s.name));
        if (cur().is_punct("}")) {
            ++at_;
            break;
        }
        set_statement(s);
    }
    t.sets.push_back(s);
}

void Reader::set_statement(SetDecl& s) {
    const Token& k = cur();
    Span span = statement_tokens();
    if (k.is("type") || k.is("typeof")) {
        size_t colon = span.end;
        for (size_t i = span.begin + 1; i < span.end; ++i)
            if (tok(i).kind == Token::Kind::word && tok(i).text == ":") colon = i;
        s.key_type = {span.begin + 1, colon};
        if (colon < span.end) s.value_type = {colon + 1, span.end};
    } else if (k.is("flags")) {
        for (size_t i = span.begin + 1; i < span.end; ++i)
            if (tok(i).is("dynamic") || tok(i).is("timeout")) s.dynamic = true;
    } else if (k.is("timeout")) {
        s.dynamic = true;  // elements expire: the listing is one moment of the set
    } else if (k.is("elements")) {
        if (span.end - span.begin < 3 || !tok(span.begin + 1).is_punct("=") ||
            !tok(span.begin + 2).is_punct("{"))
            fail(k, "expected elements = { ... }");
        s.elements = {span.begin + 3, span.end - 1};
    }
    // size, policy, counter, auto-merge, gc-interval, comment: how the set is stored, not what
    // it holds.
}

}  // namespace

Ruleset read_ruleset(const std::shared_ptr<const std::string>& path, std::string_view content,
                     std::vector<analysis::Diagnostic>& warnings) {
    Ruleset rs;
    rs.tokens = tokenize(path, content);
    Reader(path, warnings).run(rs);
    return rs;
}

}  // namespace flowgap::parsers::nftables
