// Turning the bytes Windows writes into UTF-8 text with the original line structure.
//
// netsh output reaches us as UTF-16LE with a BOM (Windows PowerShell's `>`), UTF-8 with or
// without a BOM (PowerShell 7, editors), or the console's 8-bit OEM code page (cmd.exe's `>`),
// always with CRLF, and support bundles glue several of these together. Decoding is done here
// rather than with iconv because the encoding can change in the middle of a file and every
// problem must be reported at the line it occurs on. Line N of the decoded text is line N of
// the file, so locations stay exact.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace flowgap::parsers::netsh {

struct DecodeProblem {
    uint32_t line = 0;  // 1-based line of the decoded text (= of the file)
    std::string message;
};

struct Decoded {
    std::string text;      // UTF-8; CRLF became LF, BOMs dropped, invalid sequences became U+FFFD
    std::string encoding;  // of the start of the file: "UTF-16LE", "UTF-16BE", "UTF-8", "8-bit"
    std::vector<DecodeProblem> problems;
};

// Decodes at most `limit` bytes of `raw` (all of it by default). A cheap prefix is enough to
// detect the format.
Decoded decode(std::string_view raw, size_t limit = std::string_view::npos);

}  // namespace flowgap::parsers::netsh
