// Reading a dump line by line: tables, chain declarations, rule commands and COMMIT. Rules are
// understood as they are read (matches.cpp), so no token outlives its line; the filter table's
// chains are inlined into policies at the end (chains.cpp).
#include "parsers/iptables/iptables.hpp"

#include <algorithm>
#include <charconv>
#include <deque>
#include <span>
#include <unordered_map>

#include <fmt/format.h>

#include "parsers/iptables/chains.hpp"
#include "parsers/iptables/grammar.hpp"
#include "parsers/iptables/listing.hpp"
#include "parsers/iptables/matches.hpp"
#include "parsers/iptables/tables.hpp"

namespace flowgap::parsers::iptables {

using analysis::AddressSet;
using analysis::Family;

namespace {

std::string_view trim_right(std::string_view s) {
    while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

size_t first_non_blank(std::string_view s) {
    size_t i = 0;
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t'))
        ++i;
    return i;
}

// Calls f(line_number, line) for every line, without the line break.
template <typename F>
void for_each_line(std::string_view content, F&& f) {
    uint32_t number = 0;
    size_t pos = 0;
    if (content.starts_with("\xEF\xBB\xBF")) pos = 3;  // a UTF-8 byte order mark
    while (pos < content.size()) {
        size_t end = content.find('\n', pos);
        if (end == std::string_view::npos) end = content.size();
        if (!f(++number, content.substr(pos, end - pos))) return;
        pos = end + 1;
    }
}

// The family of the dump, which decides what "any address" means. iptables-save and
// ip6tables-save dumps look alike, so: the generator's header comment wins when present;
// otherwise the addresses the rules name (a dump naming both is most likely a hand-written
// mix: the family named more often is taken, with a warning); otherwise ICMPv6 usage; otherwise
// IPv4, which is what a bare `iptables-save` prints. Addresses are tallied while parsing with a
// first guess, and the rare dump that contradicts it is parsed again: no separate scan.
std::optional<Family> header_family(std::string_view content) {
    std::optional<Family> out;
    for_each_line(content, [&](uint32_t, std::string_view line) {
        if (!line.starts_with("#")) return line.empty();  // only the leading comment block
        if (line.find("ip6tables") != std::string_view::npos) out = Family::v6;
        if (line.find(" iptables") != std::string_view::npos) out = Family::v4;
        return !out;
    });
    return out;
}

Family tallied_family(const Context::Tally& t) {
    if (t.v4 || t.v6) return t.v6 > t.v4 ? Family::v6 : Family::v4;
    return t.icmp6 ? Family::v6 : Family::v4;
}

std::span<const std::string_view> builtin_chains(std::string_view table) {
    static constexpr std::string_view kFilter[] = {"INPUT", "FORWARD", "OUTPUT"};
    static constexpr std::string_view kNat[] = {"PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"};
    static constexpr std::string_view kMangle[] = {"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"};
    static constexpr std::string_view kRaw[] = {"PREROUTING", "OUTPUT"};
    if (table == "filter" || table == "security") return kFilter;
    if (table == "nat") return kNat;
    if (table == "mangle") return kMangle;
    if (table == "raw") return kRaw;
    return {};
}

bool is_builtin(std::string_view table, std::string_view chain) {
    auto builtins = builtin_chains(table);
    return std::find(builtins.begin(), builtins.end(), chain) != builtins.end();
}

// Extension targets are conventionally upper case (ACCEPT, MASQUERADE); chains usually are not.
bool looks_like_target(std::string_view name) {
    return std::all_of(name.begin(), name.end(),
                       [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; });
}

size_t digit_count(size_t n) {
    size_t count = 1;
    for (; n >= 10; n /= 10)
        ++count;
    return count;
}

// Puts "CHAIN#n" in front of the comment suffix that `name` holds, in the room the rule's
// parser reserved for it (RuleLine::name_prefix): the suffix moves once. Returns the length of
// "CHAIN#n", the part that names the rule alone.
size_t prefix_name(std::string& name, std::string_view chain, uint32_t n) {
    char digits[12];
    char* end = std::to_chars(digits, digits + sizeof digits, n).ptr;
    size_t count = static_cast<size_t>(end - digits);
    name.insert(0, chain.size() + 1 + count, '#');
    std::copy(chain.begin(), chain.end(), name.begin());
    std::copy(digits, end, name.begin() + static_cast<long>(chain.size()) + 1);
    return chain.size() + 1 + count;
}

struct Table {
    std::string_view name;
    uint32_t line = 0;
    std::vector<Chain> chains;
    std::unordered_map<std::string_view, uint32_t> index;
    bool filter() const { return name == "filter"; }
    bool known() const { return !builtin_chains(name).empty(); }
};

// The room a rule's name needs before its comment: "FORWARD#12" in the filter table,
// "mangle:PREROUTING#3" elsewhere. Reserving more than that would push the filter table's short
// names out of std::string's inline buffer: an allocation per rule.
size_t name_prefix_size(const Table& t, std::string_view chain, size_t rules) {
    size_t table = t.filter() ? 0 : t.name.size() + 1;
    return table + chain.size() + 1 + digit_count(rules);
}

class Reader {
  public:
    Reader(const Context& ctx, analysis::Firewall& fw) : ctx_(ctx), fw_(fw) {
        if (ctx_.listing) open_listing();
    }
    void line(uint32_t number, std::string_view text);
    void finish(uint32_t last_line);

  private:
    void comment(uint32_t number, std::string_view text);
    void table_header(uint32_t number, std::string_view text, size_t at);
    void chain_decl(uint32_t number, std::string_view text, size_t at);
    void commit(uint32_t number);
    void command(uint32_t number, std::string_view text);
    void rule(uint32_t number, std::string_view text, size_t cmd, int tag);
    void warn_target(uint32_t number, const RuleSpec& spec);
    Chain& declare(std::string_view name, uint32_t number, uint32_t column, std::string_view text);
    Chain& chain_for_rule(const Token& name, uint32_t number, std::string_view text);
    void resolve(Chain& chain);
    void open_listing();
    void finish_listing();
    uint32_t column(std::string_view text, const Token& t) const {
        return static_cast<uint32_t>(t.raw.data() - text.data()) + 1;
    }
    Table& table(uint32_t number, std::string_view text) {
        if (!table_)
            ctx_.fail(number, 1, fmt::format("'{}' outside a table (no *table line before it)", text));
        return *table_;
    }

    const Context& ctx_;
    analysis::Firewall& fw_;
    std::optional<Table> table_;
    std::vector<TableDump> tables_;  // the committed tables flowgap knows, in the dump's order
    Omissions omissions_;
    uint32_t last_chain_ = 0;  // in the current table, the chain of the last rule
    // Names taken from quoted tokens, whose unquoted text lives in scratch_ only for one line.
    std::string_view keep(std::string_view s) {
        if (s.data() < scratch_.data() || s.data() >= scratch_.data() + scratch_.capacity()) return s;
        return kept_.emplace_back(s);
    }

    std::vector<Token> tokens_;
    std::string scratch_;
    std::deque<std::string> kept_;
};

void Reader::line(uint32_t number, std::string_view text) {
    text = trim_right(text);
    size_t at = first_non_blank(text);
    if (at == text.size()) return;
    if (ctx_.listing && (text[at] == '*' || text.substr(at) == "COMMIT")) {
        ctx_.fail(number, static_cast<uint32_t>(at) + 1,
                  "iptables-save syntax in an iptables -S listing: give one or the other");
    }
    switch (text[at]) {
        case '#': return comment(number, text);
        case '*': return table_header(number, text, at);
        case ':': return chain_decl(number, text, at);
        case '-':
        case '[': return command(number, text);
        default: break;
    }
    if (text.substr(at) == "COMMIT") return commit(number);
    ctx_.fail(number, static_cast<uint32_t>(at) + 1, "not iptables-save syntax");
}

void Reader::comment(uint32_t number, std::string_view text) {
    // iptables-nft prints these instead of what it cannot show (tables.cpp warns about them).
    if (auto name = incompatible_table(text)) {
        omissions_.incompatible.push_back({std::string(*name), number, text});
    } else if (legacy_tables_note(text) && !omissions_.legacy_line) {
        omissions_.legacy_line = number;
        omissions_.legacy_text = text;
    }
}

void Reader::table_header(uint32_t number, std::string_view text, size_t at) {
    auto name = parse_table_header(text.substr(at));
    if (!name)
        ctx_.fail(number, static_cast<uint32_t>(at) + 1, "bad table line (expected *filter, *nat, ...)");
    if (table_) {
        ctx_.fail(table_->line, 1,
                  fmt::format("table '{}' has no COMMIT before the next table", table_->name));
    }
    if (builtin_chains(*name).empty()) {
        ctx_.warn(number, static_cast<uint32_t>(at) + 2, fmt::format("unknown table '{}'", *name));
    }
    if (!omissions_.first_table_line) {
        omissions_.first_table_line = number;
        omissions_.first_table_text = text;
    }
    table_.emplace();
    table_->name = *name;
    table_->line = number;
}

Chain& Reader::declare(std::string_view name, uint32_t number, uint32_t column, std::string_view text) {
    Table& t = *table_;
    name = keep(name);
    auto [it, fresh] = t.index.emplace(name, static_cast<uint32_t>(t.chains.size()));
    if (!fresh) ctx_.fail(number, column, fmt::format("chain '{}' is declared twice", name));
    Chain& c = t.chains.emplace_back();
    c.name = name;
    c.decl_line = number;
    c.decl_column = column;
    c.decl_text = text;
    auto builtins = builtin_chains(t.name);
    c.builtin = std::find(builtins.begin(), builtins.end(), name) != builtins.end();
    return c;
}

void Reader::chain_decl(uint32_t number, std::string_view text, size_t at) {
    Table& t = table(number, text);
    auto decl = parse_chain_decl(text.substr(at));
    if (!decl)
        ctx_.fail(number, static_cast<uint32_t>(at) + 1, "bad chain line (expected :CHAIN POLICY [p:b])");
    uint32_t policy_column = static_cast<uint32_t>(decl->policy.data() - text.data()) + 1;
    Chain& c = declare(decl->name, number, static_cast<uint32_t>(at) + 2, text);
    bool unknown_table = builtin_chains(t.name).empty();
    if (decl->policy == "-") {
        if (c.builtin)
            ctx_.fail(number, policy_column, fmt::format("built-in chain '{}' needs a policy", c.name));
    } else if (decl->policy == "ACCEPT" || decl->policy == "DROP") {
        if (!c.builtin && !unknown_table) {
            ctx_.fail(number, policy_column,
                      fmt::format("'{}' is not a built-in chain of table '{}': its policy must be '-'",
                                  c.name, t.name));
        }
        c.builtin = true;
        c.policy = decl->policy == "ACCEPT" ? analysis::Action::allow : analysis::Action::block;
        c.policy_name = decl->policy;
    } else {
        ctx_.fail(number, policy_column,
                  fmt::format("bad chain policy '{}' (expected ACCEPT, DROP or -)", decl->policy));
    }
}

void Reader::resolve(Chain& chain) {
    Table& t = *table_;
    uint32_t n = 0;
    chain.calls.clear();
    // Rules of the other tables name their table: "mangle:PREROUTING#2", and their container
    // (where a fix goes) is "mangle PREROUTING"; the filter table's keep their plain names.
    std::string prefix = t.filter() ? std::string(chain.name) : fmt::format("{}:{}", t.name, chain.name);
    std::string container = t.filter() ? std::string(chain.name) : fmt::format("{} {}", t.name, chain.name);
    for (RuleSpec& spec : chain.rules) {
        spec.rule.name_key = static_cast<uint32_t>(prefix_name(spec.rule.name, prefix, ++n));
        spec.rule.container = container;
        spec.rule.position = n;
        if (spec.target != TargetKind::chain) continue;
        uint32_t line = spec.rule.location.line;
        auto it = t.index.find(spec.target_name);
        if (it != t.index.end()) {
            if (t.chains[it->second].builtin) {
                ctx_.fail(line, spec.target_column,
                          fmt::format("cannot jump to built-in chain '{}'", spec.target_name));
            }
            spec.target_chain = it->second;
            chain.calls.push_back(n - 1);
        } else if (ctx_.listing) {
            // `iptables -S INPUT` lists one chain: the chains it jumps to are elsewhere.
            ctx_.warn(line, spec.target_column,
                      fmt::format("chain '{}' is not in the listing: its outcome is treated as unknown",
                                  spec.target_name));
            spec.target = TargetKind::unknown;
        } else if (!spec.is_goto && looks_like_target(spec.target_name)) {
            if (t.known()) {
                ctx_.warn(
                    line, spec.target_column,
                    fmt::format("unknown target '{}': its outcome is treated as unknown", spec.target_name));
            }
            spec.target = TargetKind::unknown;
        } else {
            ctx_.fail(
                line, spec.target_column,
                fmt::format("{} to undefined chain '{}'", spec.is_goto ? "goto" : "jump", spec.target_name));
        }
    }
}

void Reader::commit(uint32_t number) {
    Table& t = table(number, "COMMIT");
    for (Chain& c : t.chains)
        resolve(c);
    if (t.known()) {
        auto same = std::find_if(tables_.begin(), tables_.end(),
                                 [&](const TableDump& d) { return d.name == t.name; });
        if (same != tables_.end()) {
            ctx_.warn(number, 1,
                      fmt::format("a second {} table (line {}) replaces the one at line {}, as "
                                  "iptables-restore does",
                                  t.name, t.line, same->line));
            tables_.erase(same);
        }
        tables_.push_back({t.name, t.line, std::move(t.chains)});
    }
    table_.reset();
}

void Reader::command(uint32_t number, std::string_view text) {
    if (auto bad = tokenize(text, tokens_, scratch_)) {
        ctx_.fail(number, static_cast<uint32_t>(*bad) + 1, "unterminated quoted string");
    }
    size_t k = 0;
    if (tokens_[0].text.starts_with("[")) {
        if (!is_counters(tokens_[0].text))
            ctx_.fail(number, column(text, tokens_[0]), "bad counters (expected [packets:bytes])");
        k = 1;
    }
    int tag = 0;
    for (; k < tokens_.size() && (tokens_[k].text == "-4" || tokens_[k].text == "-6"); ++k)
        tag = tokens_[k].text[1] - '0';
    if (k == tokens_.size()) ctx_.fail(number, 1, "counters without a rule");
    const Token& cmd = tokens_[k];
    std::string_view c = cmd.text;
    auto chain_arg = [&]() -> const Token& {
        if (k + 1 >= tokens_.size())
            ctx_.fail(number, column(text, cmd), fmt::format("'{}' needs a chain name", c));
        return tokens_[k + 1];
    };
    if (c == "-A" || c == "--append" || c == "-I" || c == "--insert") {
        table(number, c);
        chain_arg();
        rule(number, text, k, tag);
    } else if (c == "-N" || c == "--new-chain") {
        table(number, c);
        const Token& name = chain_arg();
        declare(name.text, number, column(text, name), text);
    } else if (c == "-P" || c == "--policy") {
        table(number, c);
        const Token& name = chain_arg();
        if (k + 2 >= tokens_.size()) ctx_.fail(number, column(text, name), "-P needs a policy");
        const Token& policy = tokens_[k + 2];
        if (ctx_.listing && !is_builtin("filter", name.text)) {
            ctx_.fail(number, column(text, name),
                      fmt::format("'{}' is not a chain of the filter table: a listing of another table "
                                  "(iptables -t TABLE -S)? flowgap needs the filter table",
                                  name.text));
        }
        Chain& ch = chain_for_rule(name, number, text);
        if (!ch.builtin)
            ctx_.fail(number, column(text, name), fmt::format("'{}' is not a built-in chain", name.text));
        if (policy.text != "ACCEPT" && policy.text != "DROP") {
            ctx_.fail(number, column(text, policy),
                      fmt::format("bad policy '{}' (expected ACCEPT or DROP)", policy.text));
        }
        ch.policy = policy.text == "ACCEPT" ? analysis::Action::allow : analysis::Action::block;
        ch.policy_name = policy.text == "ACCEPT" ? "ACCEPT" : "DROP";
        ch.decl_line = number;
        ch.decl_text = text;
    } else if (c == "-F" || c == "--flush") {
        Table& t = table(number, c);
        if (k + 1 < tokens_.size()) {
            chain_for_rule(tokens_[k + 1], number, text).rules.clear();
        } else {
            for (Chain& ch : t.chains)
                ch.rules.clear();
        }
    } else if (c == "-Z" || c == "--zero") {
        table(number, c);  // counters only
    } else if (c == "-D" || c == "-R" || c == "-X" || c == "-E" || c == "--delete" || c == "--replace" ||
               c == "--delete-chain" || c == "--rename-chain") {
        ctx_.fail(number, column(text, cmd),
                  fmt::format("iptables-restore command '{}' is not supported", c));
    } else {
        ctx_.fail(number, column(text, cmd), fmt::format("not iptables-save syntax: unexpected '{}'", c));
    }
}

// Built-in chains exist without a declaration. An undeclared user chain is an error for
// iptables-restore; this parser declares it with a warning instead, since the rule's meaning is
// plain and hand-edited dumps often miss the `:CHAIN - [0:0]` line.
Chain& Reader::chain_for_rule(const Token& name, uint32_t number, std::string_view text) {
    Table& t = *table_;
    // Rules come in runs for one chain: compare its name before hashing.
    if (last_chain_ < t.chains.size() && t.chains[last_chain_].name == name.text)
        return t.chains[last_chain_];
    if (auto it = t.index.find(name.text); it != t.index.end()) {
        last_chain_ = it->second;
        return t.chains[it->second];
    }
    auto builtins = builtin_chains(t.name);
    bool builtin = std::find(builtins.begin(), builtins.end(), name.text) != builtins.end();
    if (!builtin) {
        ctx_.warn(number, column(text, name),
                  fmt::format("chain '{}' was not declared; declaring it", name.text));
    }
    Chain& c = declare(name.text, number, column(text, name), {});
    c.decl_line = 0;  // not declared: the default rule has no line to point at
    return c;
}

void Reader::rule(uint32_t number, std::string_view text, size_t cmd, int tag) {
    ++fw_.rule_count;
    Chain& chain = chain_for_rule(tokens_[cmd + 1], number, text);
    size_t first_arg = cmd + 2;
    size_t position = chain.rules.size();
    if (tokens_[cmd].text == "-I" || tokens_[cmd].text == "--insert") {
        position = 0;
        const auto& t = tokens_;
        if (first_arg < t.size() && !t[first_arg].text.empty() &&
            std::all_of(t[first_arg].text.begin(), t[first_arg].text.end(),
                        [](char ch) { return ch >= '0' && ch <= '9'; })) {
            size_t n = std::stoul(std::string(t[first_arg].text));
            if (n == 0 || n > chain.rules.size() + 1)
                ctx_.fail(number, column(text, t[first_arg]), "bad rule position");
            position = n - 1;
            ++first_arg;
        }
    }
    // Built in place: a RuleSpec is large and a dump may hold 200,000 of them.
    auto at = chain.rules.emplace(chain.rules.begin() + static_cast<long>(position));
    RuleSpec& spec = *at;
    spec.rule.location = ctx_.at(number, column(text, tokens_[cmd]));
    spec.rule.text = text;
    spec.family_tag = tag;
    RuleLine line{number, text, std::span<const Token>(tokens_).subspan(first_arg),
                  name_prefix_size(*table_, chain.name, chain.rules.size())};
    parse_rule_args(ctx_, line, table_->known(), spec);
    spec.target_name = keep(spec.target_name);
    // A rule marked -4 is for iptables-restore only, -6 for ip6tables-restore only.
    if (spec.family_tag && spec.family_tag != (ctx_.family == Family::v4 ? 4 : 6)) {
        chain.rules.erase(at);
        return;
    }
    warn_target(number, spec);
}

// Targets the kernel refuses in the rule's table, and those that hand the packet elsewhere.
void Reader::warn_target(uint32_t number, const RuleSpec& spec) {
    bool nat = spec.target == TargetKind::nat;
    if (!table_->known() || (nat && table_->name == "nat")) return;
    if (spec.target == TargetKind::reject && !table_->filter()) {
        ctx_.warn(
            number, spec.target_column,
            "REJECT is only valid in the filter table (the kernel refuses this rule): it is read as DROP");
    }
    if (!nat && spec.target != TargetKind::opaque) return;
    ctx_.warn(number, spec.target_column,
              fmt::format("target '{}' {}: its outcome is treated as unknown", spec.target_name,
                          nat ? "belongs to the nat table" : "hands the packet elsewhere"));
}

// A listing is the body of a filter table: no `*filter` line opens it and no COMMIT closes it.
void Reader::open_listing() {
    table_.emplace();
    table_->name = "filter";
    table_->line = ctx_.listing;
    omissions_.first_table_line = ctx_.listing;
}

void Reader::finish_listing() {
    Table& t = *table_;
    for (Chain& c : t.chains)
        resolve(c);
    tables_.push_back({"filter", ctx_.listing, std::move(t.chains)});
    table_.reset();
    warn_listing(ctx_, tables_.back().chains, ctx_.listing);
}

void Reader::finish(uint32_t last_line) {
    if (ctx_.listing) finish_listing();
    if (table_) ctx_.fail(table_->line, 1, fmt::format("table '{}' has no COMMIT", table_->name));
    // An empty or cut export must not read as "nothing filters". iptables-nft's note that it
    // cannot print a table counts as one: it says what the table is, and that is conditional.
    if (!omissions_.first_table_line && omissions_.incompatible.empty()) {
        ctx_.fail(std::max<uint32_t>(last_line, 1), 1,
                  "no iptables table in this file (no *filter, *nat, ... line): a truncated or wrong export");
    }
    // Inlining multiplies a chain's rules by its call sites; cap it well above real rule sets.
    size_t budget = std::max<size_t>(200000, 8 * fw_.rule_count);
    fw_.policies = build_tables(ctx_, tables_, omissions_, budget, fw_.translations);
    if (ctx_.listing) mark_unproven(ctx_, tables_.front().chains, fw_.policies, ctx_.listing);
}

}  // namespace

bool looks_like(std::string_view content) {
    bool table = false, rule = false;
    for_each_line(content, [&](uint32_t, std::string_view line) {
        line = trim_right(line);
        if (line.starts_with("*") && parse_table_header(line)) table = true;
        if (line.starts_with(":") || line.starts_with("-A ") || line == "COMMIT") rule = true;
        if (line.starts_with("# Table `") && line.find("is incompatible") != std::string_view::npos)
            table = rule = true;
        return !(table && rule);
    });
    return (table && rule) || looks_like_listing(content);
}

analysis::Firewall parse(std::shared_ptr<const std::string> path, std::shared_ptr<const std::string> content,
                         const ParseOptions& options) {
    return parse_dump(std::move(path), std::move(content), options).firewall;
}

Dump parse_dump(std::shared_ptr<const std::string> path, std::shared_ptr<const std::string> content,
                const ParseOptions& options) {
    analysis::Firewall fw;
    fw.format = "iptables";
    fw.path = path;
    fw.sources.push_back(content);
    std::string_view text = *content;

    auto header = header_family(text);
    uint32_t listing = listing_start(text);
    Family family = header.value_or(Family::v4);
    for (int attempt = 0;; ++attempt) {
        fw.policies.clear();
        fw.warnings.clear();
        fw.rule_count = 0;
        Context ctx;
        ctx.path = path;
        ctx.warnings = &fw.warnings;
        ctx.options = &options;
        ctx.family = family;
        ctx.listing = listing;
        ctx.universe = family == Family::v4 ? AddressSet::all_v4() : AddressSet::all_v6();
        ctx.everything = {ctx.universe, ctx.universe, analysis::ProtocolSet::all(), analysis::PortSet::all(),
                          analysis::PortSet::all()};
        for (const auto& [name, addresses] : options.interfaces)
            ctx.all_mapped |= addresses & ctx.universe;
        Reader reader(ctx, fw);
        uint32_t last = 0;
        for_each_line(text, [&](uint32_t number, std::string_view line) {
            reader.line(number, line);
            last = number;
            return true;
        });
        Family seen = tallied_family(ctx.tally);
        if (!header && seen != family && attempt == 0) {
            family = seen;  // the addresses say otherwise: read again with the right universe
            continue;
        }
        if (ctx.tally.v4 && ctx.tally.v6) {
            ctx.warn(1, 0,
                     fmt::format("the dump names both IPv4 and IPv6 addresses; read as {} (\"any\" is {})",
                                 family == Family::v4 ? "IPv4" : "IPv6",
                                 family == Family::v4 ? "0.0.0.0/0" : "::/0"));
        }
        reader.finish(last);
        return {std::move(fw), family};
    }
}

}  // namespace flowgap::parsers::iptables
