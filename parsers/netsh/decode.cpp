#include "parsers/netsh/decode.hpp"

#include <fmt/format.h>

namespace flowgap::parsers::netsh {

namespace {

// Code page 850 (the OEM code page of Western European consoles, which cmd.exe's `>` writes):
// the code points of bytes 0x80-0xFF. German umlauts live at 0x81, 0x84, 0x8E, 0x94, 0x99, 0x9A.
constexpr uint16_t kCp850[128] = {
    0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7, 0x00EA, 0x00EB, 0x00E8, 0x00EF, 0x00EE,
    0x00EC, 0x00C4, 0x00C5, 0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9, 0x00FF, 0x00D6,
    0x00DC, 0x00F8, 0x00A3, 0x00D8, 0x00D7, 0x0192, 0x00E1, 0x00ED, 0x00F3, 0x00FA, 0x00F1, 0x00D1, 0x00AA,
    0x00BA, 0x00BF, 0x00AE, 0x00AC, 0x00BD, 0x00BC, 0x00A1, 0x00AB, 0x00BB, 0x2591, 0x2592, 0x2593, 0x2502,
    0x2524, 0x00C1, 0x00C2, 0x00C0, 0x00A9, 0x2563, 0x2551, 0x2557, 0x255D, 0x00A2, 0x00A5, 0x2510, 0x2514,
    0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x00E3, 0x00C3, 0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550,
    0x256C, 0x00A4, 0x00F0, 0x00D0, 0x00CA, 0x00CB, 0x00C8, 0x0131, 0x00CD, 0x00CE, 0x00CF, 0x2518, 0x250C,
    0x2588, 0x2584, 0x00A6, 0x00CC, 0x2580, 0x00D3, 0x00DF, 0x00D4, 0x00D2, 0x00F5, 0x00D5, 0x00B5, 0x00FE,
    0x00DE, 0x00DA, 0x00DB, 0x00D9, 0x00FD, 0x00DD, 0x00AF, 0x00B4, 0x00AD, 0x00B1, 0x2017, 0x00BE, 0x00B6,
    0x00A7, 0x00F7, 0x00B8, 0x00B0, 0x00A8, 0x00B7, 0x00B9, 0x00B3, 0x00B2, 0x25A0, 0x00A0,
};

constexpr uint32_t kReplacement = 0xFFFD;

enum class Mode { utf16le, utf16be, bytes };

std::string_view name(Mode m) {
    switch (m) {
        case Mode::utf16le: return "UTF-16LE";
        case Mode::utf16be: return "UTF-16BE";
        case Mode::bytes: return "UTF-8";
    }
    return "UTF-8";
}

class Decoder {
  public:
    Decoder(std::string_view raw, Decoded& out) : b_(raw), out_(out) { out_.text.reserve(raw.size()); }

    void run() {
        start();
        out_.encoding = std::string(name(mode_));
        while (pos_ < b_.size()) {
            if (pos_ > 0) switch_if_needed();
            if (mode_ == Mode::bytes) {
                bytes_line();
            } else {
                utf16_line();
            }
        }
        if (legacy_ && out_.encoding == "UTF-8") out_.encoding = "8-bit";
    }

  private:
    uint8_t at(size_t i) const { return static_cast<uint8_t>(b_[i]); }
    bool has(size_t n) const { return b_.size() - pos_ >= n; }

    void problem(std::string message) { out_.problems.push_back({line_, std::move(message)}); }

    void put(uint32_t cp) {
        std::string& t = out_.text;
        if (cp == '\n') {
            if (!t.empty() && t.back() == '\r') t.pop_back();  // CRLF: lines end in LF only
            t.push_back('\n');
            ++line_;
        } else if (cp < 0x80) {
            t.push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
            t.push_back(static_cast<char>(0xC0 | (cp >> 6)));
            t.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else if (cp < 0x10000) {
            t.push_back(static_cast<char>(0xE0 | (cp >> 12)));
            t.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            t.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else {
            t.push_back(static_cast<char>(0xF0 | (cp >> 18)));
            t.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
            t.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            t.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        }
    }

    // A byte order mark at pos_, consumed; nullopt-like false when there is none.
    bool take_bom() {
        if (has(2) && at(pos_) == 0xFF && at(pos_ + 1) == 0xFE) return pos_ += 2, mode_ = Mode::utf16le, true;
        if (has(2) && at(pos_) == 0xFE && at(pos_ + 1) == 0xFF) return pos_ += 2, mode_ = Mode::utf16be, true;
        if (has(3) && b_.substr(pos_, 3) == "\xEF\xBB\xBF") return pos_ += 3, mode_ = Mode::bytes, true;
        return false;
    }

    // 8-bit text never holds a NUL byte; UTF-16 text of ASCII characters has one in every unit.
    bool utf16_here(Mode& m) const {
        if (!has(2)) return false;
        if (at(pos_) != 0 && at(pos_ + 1) == 0) return m = Mode::utf16le, true;
        if (at(pos_) == 0 && at(pos_ + 1) != 0) return m = Mode::utf16be, true;
        return false;
    }

    // In UTF-16 mode: the line ahead has no NUL byte before its LF, so it is 8-bit text (a
    // cmd.exe `>>` appended to a PowerShell file). Real UTF-16 lines of netsh output always
    // hold ASCII (colons, spaces, digits), hence NUL bytes.
    bool bytes_here() const {
        size_t end = std::min(b_.size(), pos_ + 512);
        for (size_t i = pos_; i < end; ++i) {
            if (at(i) == 0) return false;
            if (at(i) == '\n') return i > pos_;
        }
        return end - pos_ >= 2;
    }

    void start() {
        if (take_bom()) return;
        Mode m;
        if (utf16_here(m)) mode_ = m;
    }

    void switch_if_needed() {
        Mode before = mode_;
        if (take_bom()) {
            problem(
                fmt::format("a byte order mark in the middle of the file (files were concatenated): "
                            "reading on as {}",
                            name(mode_)));
            return;
        }
        Mode m;
        if (mode_ == Mode::bytes && utf16_here(m)) {
            mode_ = m;
        } else if (mode_ != Mode::bytes && bytes_here()) {
            mode_ = Mode::bytes;
        }
        if (mode_ != before)
            problem(fmt::format("the encoding changes from {} to {} here (mixed encodings in one file)",
                                name(before), name(mode_)));
    }

    uint32_t unit(size_t i) const {
        return mode_ == Mode::utf16le ? (at(i) | (at(i + 1) << 8)) : ((at(i) << 8) | at(i + 1));
    }

    void utf16_line() {
        while (pos_ < b_.size()) {
            if (!has(2)) {
                problem("the file ends in half a UTF-16 character");
                put(kReplacement);
                pos_ = b_.size();
                return;
            }
            uint32_t u = unit(pos_);
            pos_ += 2;
            if (u >= 0xD800 && u <= 0xDBFF && has(2)) {
                uint32_t low = unit(pos_);
                if (low >= 0xDC00 && low <= 0xDFFF) {
                    pos_ += 2;
                    put(0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00));
                    continue;
                }
            }
            if (u >= 0xD800 && u <= 0xDFFF) {
                problem(fmt::format("an unpaired UTF-16 surrogate (0x{:04X}) replaced by U+FFFD", u));
                u = kReplacement;
            } else if (u == 0) {
                problem("a NUL character, dropped");
                continue;
            }
            put(u);
            if (u == '\n') return;
        }
    }

    // The length of a well-formed UTF-8 sequence at i, or 0.
    size_t utf8_length(size_t i) const {
        uint8_t c = at(i);
        size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        if (n == 0 || b_.size() - i < n) return 0;
        for (size_t k = 1; k < n; ++k) {
            if ((at(i + k) & 0xC0) != 0x80) return 0;
        }
        uint8_t c1 = at(i + 1);
        if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F)) return 0;  // overlong, surrogate
        if ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F)) return 0;  // overlong, > U+10FFFF
        return n;
    }

    // Bytes that are not UTF-8 come from a legacy code page: the console's OEM page 850 when
    // the text uses its umlaut bytes (0x80-0x9F), else Windows-1252 (Set-Content), read as
    // Latin-1. One warning per file says which, at the first such byte.
    uint32_t legacy(uint8_t c) {
        if (!legacy_) {
            size_t oem = 0, ansi = 0;
            for (size_t i = pos_, end = std::min(b_.size(), pos_ + 65536); i < end; ++i) {
                oem += at(i) >= 0x80 && at(i) <= 0x9F;
                ansi += at(i) >= 0xC0;
            }
            oem_ = oem > 0 && oem >= ansi;
            legacy_ = true;
            problem(fmt::format("bytes that are not UTF-8 (first 0x{:02X}): reading them as {}", c,
                                oem_ ? "code page 850 (cmd.exe console output)" : "Windows-1252"));
        }
        return oem_ ? kCp850[c - 0x80] : c;
    }

    void bytes_line() {
        std::string& t = out_.text;
        while (pos_ < b_.size()) {
            uint8_t c = at(pos_);
            if (c < 0x80) {
                ++pos_;
                if (c == 0) {
                    problem("a NUL byte, dropped");
                    continue;
                }
                put(c);
                if (c == '\n') return;
            } else if (size_t n = utf8_length(pos_)) {
                t.append(b_.substr(pos_, n));
                pos_ += n;
            } else {
                put(legacy(c));
                ++pos_;
            }
        }
    }

    std::string_view b_;
    Decoded& out_;
    size_t pos_ = 0;
    uint32_t line_ = 1;
    Mode mode_ = Mode::bytes;
    bool legacy_ = false;
    bool oem_ = false;
};

}  // namespace

Decoded decode(std::string_view raw, size_t limit) {
    Decoded out;
    Decoder(raw.substr(0, std::min(raw.size(), limit)), out).run();
    return out;
}

}  // namespace flowgap::parsers::netsh
