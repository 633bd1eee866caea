// Small string helpers shared by the netsh readers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace flowgap::parsers::netsh {

inline bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\r';
}

inline std::string_view trim(std::string_view s) {
    while (!s.empty() && is_blank(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_blank(s.back()))
        s.remove_suffix(1);
    return s;
}

inline std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

// The lines of decoded text (which has LF line ends only); line N is element N-1.
inline std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    lines.reserve(text.size() / 32);
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        lines.push_back(text.substr(pos, end - pos));
        pos = end + 1;
    }
    return lines;
}

// Splits at `sep`, trimming each item; an empty text gives no items.
inline std::vector<std::string_view> split(std::string_view text, char sep) {
    std::vector<std::string_view> items;
    if (trim(text).empty()) return items;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find(sep, start);
        if (end == std::string_view::npos) end = text.size();
        items.push_back(trim(text.substr(start, end - start)));
        start = end + 1;
    }
    return items;
}

}  // namespace flowgap::parsers::netsh
