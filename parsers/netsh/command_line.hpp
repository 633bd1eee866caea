// How cmd.exe and netsh read one line of a script: cmd.exe splits it into commands at `&`, `&&`
// and `||`; netsh matches every context, command and parameter name by an unambiguous,
// case-insensitive prefix (`netsh adv f a r n=x` is `netsh advfirewall firewall add rule name=x`).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace flowgap::parsers::netsh {

// One command of a cmd.exe line and the 1-based column where it starts.
struct Command {
    std::string_view text;
    uint32_t column = 1;
};
// Splits at `&`, `&&` and `||` outside double quotes (`^&` is a literal `&`).
std::vector<Command> split_commands(std::string_view line);

struct Token {
    std::string key;  // lowercase; empty for a bare word
    std::string value;
    uint32_t column = 1;  // within the command, 1-based
};
// Words separated by blanks; double quotes group, anywhere in a word (name="Open Port").
std::vector<Token> tokenize(std::string_view command);

// Removes cmd.exe redirections (`>nul`, `2>&1`, `> log.txt`, `<input`): they are not netsh's words.
void drop_redirections(std::vector<Token>& tokens);

// `netsh`, `NETSH.EXE`, `"C:\Windows\System32\netsh.exe"` (quotes already removed).
bool is_netsh_program(std::string_view word);

// The word of `words` that `typed` is a case-insensitive prefix of. An exact match wins;
// `ambiguous` is set when several words start with `typed` (netsh rejects such a word).
struct PrefixMatch {
    std::string_view word;  // empty when none or ambiguous
    bool ambiguous = false;
};
PrefixMatch match_prefix(std::string_view typed, std::span<const std::string_view> words);

// netsh's own word lists (netsh /?, netsh advfirewall /?, ...), for match_prefix.
extern const std::span<const std::string_view> kTopWords;          // netsh's own commands and contexts
extern const std::span<const std::string_view> kAdvfirewallWords;  // netsh advfirewall
extern const std::span<const std::string_view> kFirewallWords;     // netsh advfirewall firewall
extern const std::span<const std::string_view> kSetWords;          // netsh advfirewall set
extern const std::span<const std::string_view> kRuleParameters;    // add rule's parameters

// Whether a line is a netsh firewall command in some spelling: its first word (after `@`) is
// netsh and the next one names the advfirewall or firewall context. For detection.
bool names_netsh_firewall(std::string_view line);

}  // namespace flowgap::parsers::netsh
