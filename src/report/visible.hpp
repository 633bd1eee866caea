// Text a human reads in a terminal or in Markdown, made safe to show: config text (rule names,
// comments, rule text, warnings that quote it, uploaded file names) may hold escape sequences
// (OSC 52 writes the clipboard), other control characters, newlines and bidi overrides that
// reorder what the reader sees. Every text and Markdown writer passes such text through
// visible(); ordinary printable text, non-ASCII letters included, comes back byte-identical.
#pragma once

#include <string>
#include <string_view>

namespace flowgap::report {

// `s` with every C0 control character but the tab, DEL and every C1 control written as an
// escape (`\x1b`, `\n`, `\r`, `\x7f`, `\u009b`), every bidi control (U+202A..U+202E,
// U+2066..U+2069, U+200E, U+200F, U+061C) and the line and paragraph separators (U+2028,
// U+2029) as `\uXXXX`, and every byte that is not part of valid UTF-8 as `\xNN`.
std::string visible(std::string_view s);

}  // namespace flowgap::report
