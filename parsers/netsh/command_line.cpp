// cmd.exe's command separators and netsh's prefix matching, as data and small functions.
#include "parsers/netsh/command_line.hpp"

#include "parsers/netsh/text.hpp"

namespace flowgap::parsers::netsh {

namespace {

// netsh /? on Windows 10/11: its commands and the contexts its helpers register. `firewall` here
// is the deprecated pre-Vista context, which still changes the firewall.
constexpr std::string_view kTop[] = {
    "..",        "?",       "abort",   "add",        "advfirewall", "alias",   "branchcache", "bridge",
    "bye",       "commit",  "delete",  "dhcpclient", "dnsclient",   "dump",    "exec",        "exit",
    "firewall",  "flush",   "help",    "http",       "interface",   "ipsec",   "lan",         "mbn",
    "namespace", "netio",   "offline", "online",     "p2p",         "popd",    "pushd",       "quit",
    "ras",       "rpc",     "set",     "show",       "trace",       "unalias", "wcn",         "wfp",
    "winhttp",   "winsock", "wlan",
};
constexpr std::string_view kAdvfirewall[] = {"?",      "consec",   "dump",    "export", "firewall", "help",
                                             "import", "mainmode", "monitor", "reset",  "set",      "show"};
constexpr std::string_view kFirewall[] = {"?", "add", "delete", "dump", "help", "set", "show"};
constexpr std::string_view kSet[] = {"allprofiles",    "currentprofile", "domainprofile", "global",
                                     "privateprofile", "publicprofile",  "store"};
// netsh advfirewall firewall add rule /?
constexpr std::string_view kParameters[] = {
    "name",     "dir",           "action",         "program",   "service",   "description",
    "enable",   "profile",       "localip",        "remoteip",  "localport", "remoteport",
    "protocol", "interfacetype", "rmtcomputergrp", "rmtusrgrp", "edge",      "security",
};

}  // namespace

const std::span<const std::string_view> kTopWords = kTop;
const std::span<const std::string_view> kAdvfirewallWords = kAdvfirewall;
const std::span<const std::string_view> kFirewallWords = kFirewall;
const std::span<const std::string_view> kSetWords = kSet;
const std::span<const std::string_view> kRuleParameters = kParameters;

std::vector<Command> split_commands(std::string_view line) {
    std::vector<Command> out;
    size_t start = 0;
    bool quoted = false;
    auto push = [&](size_t end) {
        std::string_view text = line.substr(start, end - start);
        size_t lead = 0;
        while (lead < text.size() && is_blank(text[lead]))
            ++lead;
        if (!trim(text).empty()) out.push_back({trim(text), static_cast<uint32_t>(start + lead + 1)});
    };
    for (size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (c == '"') quoted = !quoted;
        if (quoted) continue;
        if (c == '^') {  // cmd.exe's escape: the next character is literal
            ++i;
            continue;
        }
        // `>&` and `<&` (`2>&1`) redirect a handle: no separator.
        bool amp = c == '&' && !(i > 0 && (line[i - 1] == '>' || line[i - 1] == '<'));
        bool bar = c == '|' && i + 1 < line.size() && line[i + 1] == '|';
        if (!amp && !bar) continue;
        push(i);
        if (i + 1 < line.size() && line[i + 1] == c) ++i;  // && or ||
        start = i + 1;
    }
    push(line.size());
    return out;
}

std::vector<Token> tokenize(std::string_view line) {
    std::vector<Token> out;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && is_blank(line[i]))
            ++i;
        if (i >= line.size()) break;
        Token t;
        t.column = static_cast<uint32_t>(i + 1);
        std::string word;
        bool quoted = false, had_quote = false;
        size_t eq = std::string::npos;
        for (; i < line.size() && (quoted || !is_blank(line[i])); ++i) {
            if (line[i] == '"') {
                quoted = !quoted;
                had_quote = true;
            } else {
                // Only an `=` before any quote separates a key: `"a=b"` is a value.
                if (line[i] == '=' && eq == std::string::npos && !had_quote) eq = word.size();
                word.push_back(line[i]);
            }
        }
        if (eq != std::string::npos) {
            t.key = lower(std::string_view(word).substr(0, eq));
            t.value = word.substr(eq + 1);
        } else {
            t.value = word;
        }
        out.push_back(std::move(t));
    }
    return out;
}

void drop_redirections(std::vector<Token>& tokens) {
    std::vector<Token> kept;
    bool target = false;  // the previous word was a bare `>`, `2>`, `>>` or `<`
    for (auto& t : tokens) {
        std::string_view w = t.value;
        size_t digits = w.find_first_not_of("0123456789");
        bool redirect =
            t.key.empty() && digits != std::string_view::npos && (w[digits] == '>' || w[digits] == '<');
        if (target || redirect) {
            target = redirect && w.find_first_not_of("0123456789<>&") == std::string_view::npos;
            continue;
        }
        kept.push_back(std::move(t));
    }
    tokens = std::move(kept);
}

bool is_netsh_program(std::string_view word) {
    std::string w = lower(word);
    if (size_t slash = w.find_last_of("\\/"); slash != std::string::npos) w.erase(0, slash + 1);
    return w == "netsh" || w == "netsh.exe";
}

PrefixMatch match_prefix(std::string_view typed, std::span<const std::string_view> words) {
    std::string t = lower(typed);
    PrefixMatch m;
    if (t.empty()) return m;
    size_t found = 0;
    for (std::string_view w : words) {
        if (w == t) return {w, false};
        if (w.starts_with(t)) {
            m.word = w;
            ++found;
        }
    }
    if (found > 1) return {{}, true};
    return m;
}

bool names_netsh_firewall(std::string_view line) {
    for (const Command& c : split_commands(trim(line))) {
        std::string_view text = c.text;
        if (text.starts_with('@')) text.remove_prefix(1);
        auto tokens = tokenize(text);
        if (tokens.size() < 3 || !tokens[0].key.empty() || !is_netsh_program(tokens[0].value)) continue;
        std::string_view word = match_prefix(tokens[1].value, kTopWords).word;
        if (word == "advfirewall" || word == "firewall") return true;
    }
    return false;
}

}  // namespace flowgap::parsers::netsh
