// The text grammar of iptables-save / iptables-restore lines, and of the small values inside
// rule arguments (port lists, ICMP types, comma lists).
//
// Everything here is implemented with Boost.Spirit X3 in grammar.cpp, the only translation unit
// that includes Spirit: its templates are slow to compile, and the rest of the parser only needs
// these plain functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flowgap::parsers::iptables {

// One argument of a rule line. `text` is the argument after iptables-restore's quote handling;
// `raw` is how it was written (a view into the line, for columns and to tell quoted arguments
// from options).
struct Token {
    std::string_view text;
    std::string_view raw;
    bool has_quotes = false;  // computed once: options are never quoted, arguments may be
    bool quoted() const { return has_quotes; }
};

// Splits `line` the way iptables-restore's add_param_to_argv() does: whitespace separates, a
// double quote opens a region where `\` escapes any character, and quoting does not end the
// token (`a"b c"d` is `ab cd`). Unquoted tokens are views into `line`; the unescaped text of
// quoted ones goes into `scratch`, which is overwritten and must not be touched until the
// tokens are dropped. Returns the offset of an unterminated quote, if
// any.
std::optional<size_t> tokenize(std::string_view line, std::vector<Token>& out, std::string& scratch);

// `[packets:bytes]`, the counter prefix of `iptables-save -c`.
bool is_counters(std::string_view token);

// `:CHAIN POLICY [p:b]` (the counters are optional, as iptables-restore allows).
struct ChainDecl {
    std::string_view name;
    std::string_view policy;
};
std::optional<ChainDecl> parse_chain_decl(std::string_view line);

// `*table`.
std::optional<std::string_view> parse_table_header(std::string_view line);

// A port list as tcp/udp/multiport take it: items separated by commas, each `p`, `p:q`, `p:`
// or `:q`, where a port is a number or a service name.
struct PortItem {
    std::string_view lo;  // empty: open (0)
    std::string_view hi;  // empty: open (65535); equal to lo for a single port
    bool range = false;
};
bool parse_port_list(std::string_view text, std::vector<PortItem>& out);

// `type`, `type/code` (numeric); nullopt for names, which the caller looks up.
struct IcmpSpec {
    uint32_t type = 0;
    std::optional<uint32_t> code;
};
std::optional<IcmpSpec> parse_icmp_numeric(std::string_view text);

// `A,B,C` of identifiers (conntrack states, TCP flags); empty items are errors.
bool parse_name_list(std::string_view text, std::vector<std::string_view>& out);

}  // namespace flowgap::parsers::iptables
