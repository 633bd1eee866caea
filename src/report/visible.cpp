#include "src/report/visible.hpp"

#include <fmt/format.h>

namespace flowgap::report {

namespace {

// The length of the valid UTF-8 sequence starting at s[i] and its code point, or 0 when the byte
// there does not start one (overlong forms, surrogates and values above U+10FFFF are invalid).
size_t utf8_at(std::string_view s, size_t i, char32_t& cp) {
    auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = b(i);
    size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return 0;
    cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; k < n; ++k) {
        if ((b(i + k) & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (b(i + k) & 0x3F);
    }
    static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}

bool hidden(char32_t cp) {
    return (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
           (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

}  // namespace

std::string visible(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c < 0x7F) {
            out += s[i++];
            continue;
        }
        if (c < 0x80) {
            switch (c) {
                case '\t': out += '\t'; break;
                case '\n': out += "\\n"; break;
                case '\r': out += "\\r"; break;
                default: out += fmt::format("\\x{:02x}", c);
            }
            ++i;
            continue;
        }
        char32_t cp = 0;
        size_t n = utf8_at(s, i, cp);
        if (n == 0) {
            out += fmt::format("\\x{:02x}", c);
            ++i;
        } else if (hidden(cp)) {
            out += fmt::format("\\u{:04x}", static_cast<uint32_t>(cp));
            i += n;
        } else {
            out.append(s.substr(i, n));
            i += n;
        }
    }
    return out;
}

}  // namespace flowgap::report
