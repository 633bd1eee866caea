// Spirit X3 grammars for iptables dump lines and argument values. Only this file includes
// Spirit (see grammar.hpp). Parsers are built from iterators over the line itself and report
// views into it, so no per-token strings are allocated unless a token is quoted.
#include "parsers/iptables/grammar.hpp"

#include <boost/spirit/home/x3.hpp>

namespace flowgap::parsers::iptables {

namespace x3 = boost::spirit::x3;

namespace {

using Iter = const char*;

template <typename Range>
std::string_view view(const Range& r) {
    return std::string_view(&*r.begin(), static_cast<size_t>(r.end() - r.begin()));
}

// Any character but the `Stop` ones: ~char_("...") with the test spelled out. X3's char sets
// test a std::bitset, which costs several times more, and the tokenizer runs this on every
// character of the dump.
template <char... Stop>
struct CharExcept : x3::char_parser<CharExcept<Stop...>> {
    using attribute_type = char;
    static const bool has_attribute = true;
    template <typename Char, typename Context>
    bool test(Char ch, const Context&) const {
        return ((ch != Stop) && ...);
    }
};

// An ASCII letter or digit (what x3::alnum is in the C locale, without its call into the C
// library for every character) or one of the `Extra` characters.
template <char... Extra>
struct WordChar : x3::char_parser<WordChar<Extra...>> {
    using attribute_type = char;
    static const bool has_attribute = true;
    template <typename Char, typename Context>
    bool test(Char ch, const Context&) const {
        return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
               ((ch == Extra) || ...);
    }
};

// iptables-restore separates arguments with spaces and tabs (the line's end is cut already).
const auto sep = x3::char_(" \t");
const auto blanks = x3::omit[*(x3::lit(' ') | x3::lit('\t'))];
// A token is runs of plain characters and quoted regions. Every part is omit[]ted: the token is
// taken as raw[] text, and synthesizing a std::string attribute per character would only be
// thrown away. Plain runs come first since most tokens have no quote.
const auto plain_run = x3::omit[+CharExcept<' ', '\t', '"'>()];
// Inside quotes a backslash escapes any character; outside quotes it is literal.
const auto quoted_body = *((x3::lit('\\') >> x3::omit[x3::char_]) | x3::omit[CharExcept<'"', '\\'>()]) >>
                         x3::lit('"');
const auto counters = x3::lit('[') >> x3::ulong_long >> ':' >> x3::ulong_long >> ']';
const auto word = x3::raw[+~x3::char_(" \t")];
// Port names are service names from /etc/services: letters, digits, '-', '_', '.'.
const auto port_word = x3::raw[+WordChar<'-', '_', '.'>()];
const auto ident = x3::raw[+WordChar<'_', '-'>()];

// Removes the quoting of a token that contains double quotes, writing at `out` (which has room:
// unquoted text is never longer than the token). Returns one past the last character written.
char* unquote(std::string_view raw, char* out) {
    bool in_quote = false;
    for (size_t i = 0; i < raw.size(); ++i) {
        char c = raw[i];
        if (c == '"') {
            in_quote = !in_quote;
        } else if (in_quote && c == '\\' && i + 1 < raw.size()) {
            *out++ = raw[++i];
        } else {
            *out++ = c;
        }
    }
    return out;
}

// What the token actions write to, handed to them through the parse context. The grammar is
// built once, not per line: a grammar holding lambdas that capture this state would be copied,
// parser by parser, on every call, which cost a quarter of the tokenizer's time.
struct Tokenizing {
    std::vector<Token>& out;
    char* free;              // where the next unquoted text goes in the scratch buffer
    bool has_quote = false;  // set by a complete quoted region of the token being read
};

const auto saw_quote = [](auto& ctx) { x3::get<Tokenizing>(ctx).has_quote = true; };
const auto push_token = [](auto& ctx) {
    Tokenizing& state = x3::get<Tokenizing>(ctx);
    std::string_view raw = view(x3::_attr(ctx));
    std::string_view text = raw;
    if (state.has_quote) {
        char* end = unquote(raw, state.free);
        text = std::string_view(state.free, static_cast<size_t>(end - state.free));
        state.free = end;
    }
    state.out.push_back({text, raw, state.has_quote});
    state.has_quote = false;
};
const auto quoted = (x3::lit('"') >> quoted_body)[saw_quote];
const auto token_line = blanks >> *(x3::raw[+(plain_run | quoted)][push_token] >> blanks);

// Port lists (most rules have one) and name lists (conntrack states, TCP flags) are built once
// too, for the same reason as the tokenizer's grammar, and reach their state the same way.
struct PortListing {
    std::vector<PortItem>& items;
    PortItem cur;
};
const auto port_lo = [](auto& ctx) {
    std::string_view p = view(x3::_attr(ctx));
    x3::get<PortListing>(ctx).cur = {p, p, false};
};
const auto port_open_lo = [](auto& ctx) { x3::get<PortListing>(ctx).cur = {{}, {}, true}; };
const auto port_range = [](auto& ctx) {
    PortItem& cur = x3::get<PortListing>(ctx).cur;
    cur.range = true;
    cur.hi = {};
};
const auto port_hi = [](auto& ctx) { x3::get<PortListing>(ctx).cur.hi = view(x3::_attr(ctx)); };
const auto port_push = [](auto& ctx) {
    PortListing& state = x3::get<PortListing>(ctx);
    state.items.push_back(state.cur);
};
// omit[]: the items are collected by the actions, not by attribute synthesis.
const auto port_item = x3::omit[(port_word[port_lo] >> -(x3::lit(':')[port_range] >> -port_word[port_hi])) |
                                (x3::lit(':')[port_open_lo] >> port_word[port_hi])];
const auto port_list = port_item[port_push] % ',';

struct NameListing;  // the tag of the output vector
const auto name_push = [](auto& ctx) { x3::get<NameListing>(ctx).push_back(view(x3::_attr(ctx))); };
const auto name_list = ident[name_push] % ',';

template <typename Parser>
bool full_match(std::string_view text, const Parser& p) {
    Iter first = text.data();
    Iter last = text.data() + text.size();
    return x3::parse(first, last, p) && first == last;
}

}  // namespace

std::optional<size_t> tokenize(std::string_view line, std::vector<Token>& out, std::string& scratch) {
    out.clear();
    // Unquoted text is never longer than the line: sizing once keeps earlier views valid.
    scratch.resize(line.size());
    Tokenizing state{out, scratch.data()};
    Iter first = line.data();
    Iter last = line.data() + line.size();
    x3::parse(first, last, x3::with<Tokenizing>(state)[token_line]);
    if (first == last) return std::nullopt;
    return static_cast<size_t>(first - line.data());  // only an unterminated quote stops the loop
}

bool is_counters(std::string_view text) {
    return full_match(text, counters);
}

std::optional<ChainDecl> parse_chain_decl(std::string_view line) {
    ChainDecl decl;
    auto name = [&](auto& ctx) { decl.name = view(x3::_attr(ctx)); };
    auto policy = [&](auto& ctx) { decl.policy = view(x3::_attr(ctx)); };
    auto grammar = x3::lit(':') >> word[name] >> +sep >> word[policy] >> -(+sep >> counters) >> *sep;
    if (!full_match(line, grammar)) return std::nullopt;
    return decl;
}

std::optional<std::string_view> parse_table_header(std::string_view line) {
    std::string_view name;
    auto set = [&](auto& ctx) { name = view(x3::_attr(ctx)); };
    if (!full_match(line, x3::lit('*') >> ident[set] >> *sep)) return std::nullopt;
    return name;
}

bool parse_port_list(std::string_view text, std::vector<PortItem>& items) {
    items.clear();
    PortListing state{items, {}};
    return full_match(text, x3::with<PortListing>(state)[port_list]);
}

std::optional<IcmpSpec> parse_icmp_numeric(std::string_view text) {
    IcmpSpec spec;
    auto type = [&](auto& ctx) { spec.type = x3::_attr(ctx); };
    auto code = [&](auto& ctx) { spec.code = x3::_attr(ctx); };
    if (!full_match(text, x3::uint_[type] >> -(x3::lit('/') >> x3::uint_[code]))) return std::nullopt;
    if (spec.type > 255 || (spec.code && *spec.code > 255)) return std::nullopt;
    return spec;
}

bool parse_name_list(std::string_view text, std::vector<std::string_view>& out) {
    out.clear();
    return full_match(text, x3::with<NameListing>(out)[name_list]);
}

}  // namespace flowgap::parsers::iptables
