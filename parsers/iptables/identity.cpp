#include "parsers/iptables/identity.hpp"

namespace flowgap::parsers::iptables {

namespace {

// The blanks of std::regex's \s in the C locale.
bool blank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

bool digit(char c) {
    return c >= '0' && c <= '9';
}

// The name without the `#N` that ends the chain name at its front: of the first word, the last
// `#` that follows at least one character and precedes digits goes, with all its digits.
std::string without_position(std::string_view name) {
    size_t word = 0;
    while (word < name.size() && !blank(name[word]))
        ++word;
    for (size_t hash = word; hash-- > 1;) {
        if (name[hash] != '#' || hash + 1 >= word || !digit(name[hash + 1])) continue;
        size_t end = hash + 1;
        while (end < name.size() && digit(name[end]))
            ++end;
        return std::string(name.substr(0, hash)).append(name.substr(end));
    }
    return std::string(name);
}

// The length of a `[digits:digits]` counter at the front of `s`, or 0.
size_t counter_at(std::string_view s) {
    size_t i = 1;
    auto digits = [&] {
        size_t start = i;
        while (i < s.size() && digit(s[i]))
            ++i;
        return i > start;
    };
    if (s.empty() || s[0] != '[' || !digits() || i >= s.size() || s[i] != ':') return 0;
    ++i;
    if (!digits() || i >= s.size() || s[i] != ']') return 0;
    return i + 1;
}

// The text without counters, each run of blanks one space, none at either end.
std::string body_of(std::string_view text) {
    std::string kept;
    kept.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        if (size_t n = counter_at(text.substr(i))) {
            i += n;
        } else {
            kept += text[i++];
        }
    }
    std::string out;
    out.reserve(kept.size());
    for (size_t i = 0; i < kept.size();) {
        if (!blank(kept[i])) {
            out += kept[i++];
            continue;
        }
        while (i < kept.size() && blank(kept[i]))
            ++i;
        if (!out.empty() && i < kept.size()) out += ' ';
    }
    return out;
}

}  // namespace

std::string identity(std::string_view policy, std::string_view rule_name, std::string_view rule_text) {
    std::string out(policy);
    out += '\x1f';
    out += without_position(rule_name);
    out += '\x1f';
    out += body_of(rule_text);
    return out;
}

}  // namespace flowgap::parsers::iptables
