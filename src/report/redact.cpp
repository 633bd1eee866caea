#include "src/report/redact.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace flowgap::report {

namespace {

constexpr std::string_view mask = "********";

bool name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

// Names that are a secret wherever they appear as a field.
bool secret_part(const std::string& name) {
    static constexpr std::array<std::string_view, 13> parts = {
        "password", "passwd",      "passphrase",  "secret",   "community", "pre-shared-key", "preshared-key",
        "psk",      "private-key", "privacy-key", "auth-key", "authkey",   "api-key"};
    if (name == "phash" || name == "pwd" || name == "apikey") return true;
    return std::any_of(parts.begin(), parts.end(),
                       [&](std::string_view p) { return name.find(p) != std::string::npos; });
}

// `key` and `token` name secrets in XML and `name=value` forms; as a bare word before a value
// they are too common ("key exchange") to mask.
bool secret_only_in_fields(const std::string& name) {
    return name == "key" || name == "token";
}

// The end of a value that starts at `i`: a quoted string (with its quotes) or a bare word.
size_t value_end(std::string_view t, size_t i) {
    if (i < t.size() && (t[i] == '"' || t[i] == '\'')) {
        size_t close = t.find(t[i], i + 1);
        return close == std::string_view::npos ? t.size() : close + 1;
    }
    while (i < t.size() && !std::isspace(static_cast<unsigned char>(t[i])) &&
           std::string_view(";,&<>\"'").find(t[i]) == std::string_view::npos)
        ++i;
    return i;
}

struct Span {
    size_t begin, end;  // what to replace by the mask (quotes kept)
};

Span quoted_inside(std::string_view t, size_t begin, size_t end) {
    if (end - begin >= 2 && (t[begin] == '"' || t[begin] == '\'') && t[end - 1] == t[begin])
        return {begin + 1, end - 1};
    return {begin, end};
}

size_t skip_blanks(std::string_view t, size_t i) {
    while (i < t.size() && (t[i] == ' ' || t[i] == '\t'))
        ++i;
    return i;
}

// The value a secret name at [b, e) introduces, or an empty span.
Span value_of(std::string_view t, size_t b, size_t e, const std::string& name) {
    if (b > 0 && t[b - 1] == '<') {  // <phash>VALUE</phash>
        size_t close = t.find('>', e);
        if (close == std::string_view::npos || t[close - 1] == '/') return {e, e};
        size_t next = t.find('<', close + 1);
        return {close + 1, next == std::string_view::npos ? t.size() : next};
    }
    if (b > 0 && t[b - 1] == '/') return {e, e};  // a closing tag
    size_t i = skip_blanks(t, e);
    if (i < t.size() && (t[i] == '=' || (t[i] == ':' && (i + 1 == t.size() || t[i + 1] != ':')))) {
        size_t v = skip_blanks(t, i + 1);
        return quoted_inside(t, v, value_end(t, v));
    }
    if (secret_only_in_fields(name) || i == e || i >= t.size() || t[i] == '<') return {e, e};
    size_t end = value_end(t, i);
    std::string next = lower(t.substr(i, end - i));
    if (secret_only_in_fields(next)) {  // `pre-shared-key key VALUE`: the value follows `key`
        i = skip_blanks(t, end);
        end = value_end(t, i);
    }
    return quoted_inside(t, i, end);
}

}  // namespace

std::string mask_secrets(std::string_view t) {
    std::string out;
    size_t copied = 0, i = 0;
    while (i < t.size()) {
        if (!name_char(t[i])) {
            ++i;
            continue;
        }
        size_t b = i;
        while (i < t.size() && name_char(t[i]))
            ++i;
        std::string name = lower(t.substr(b, i - b));
        if (!secret_part(name) && !secret_only_in_fields(name)) continue;
        Span v = value_of(t, b, i, name);
        if (v.begin >= v.end) continue;
        out.append(t.substr(copied, v.begin - copied));
        out.append(mask);
        copied = i = v.end;
    }
    out.append(t.substr(copied));
    return out;
}

}  // namespace flowgap::report
