#include "src/report/utf8.hpp"

namespace flowgap::report {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// The length of the valid UTF-8 sequence at `i`, or 0 when the bytes there are not one. Then
// `*bad` is how many bytes the maximal invalid subpart covers (at least 1), where decoding resumes.
size_t sequence_at(std::string_view s, size_t i, size_t* bad) {
    auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char b = byte(i);
    *bad = 1;
    if (b < 0x80) return 1;
    size_t len = b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 0;
    if (len == 0) return 0;
    for (size_t k = 1; k < len; ++k) {
        if (i + k >= s.size()) return 0;
        unsigned char c = byte(i + k);
        // The second byte's range excludes overlong forms, surrogates and code points past U+10FFFF.
        unsigned char lo = 0x80, hi = 0xBF;
        if (k == 1 && b == 0xE0) lo = 0xA0;
        if (k == 1 && b == 0xED) hi = 0x9F;
        if (k == 1 && b == 0xF0) lo = 0x90;
        if (k == 1 && b == 0xF4) hi = 0x8F;
        if (c < lo || c > hi) return 0;
        *bad = k + 1;
    }
    return len;
}

}  // namespace

std::string valid_utf8(std::string_view text) {
    size_t i = 0, bad = 0;
    while (i < text.size()) {
        size_t n = sequence_at(text, i, &bad);
        if (n == 0) break;
        i += n;
    }
    if (i == text.size()) return std::string(text);
    std::string out(text.substr(0, i));
    while (i < text.size()) {
        size_t n = sequence_at(text, i, &bad);
        if (n > 0) {
            out += text.substr(i, n);
            i += n;
        } else {
            out += kReplacement;
            i += bad;
        }
    }
    return out;
}

}  // namespace flowgap::report
