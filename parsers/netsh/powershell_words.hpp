// PowerShell's words, as far as the firewall cmdlets need them: parameters, quoted strings,
// comma lists and @() arrays, and which values PowerShell computes ($variables, expressions,
// expanding strings), which an offline reader cannot know.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace flowgap::parsers::netsh {

struct PsValue {
    std::string text;
    bool computed = false;  // a variable, an expression or an expanding string
};

struct PsWord {
    enum Kind { value, param, comma, open_array, close, pipe, semicolon, open_brace, close_brace } kind;
    PsValue v;  // value: the text; param: the name as typed
};

// The words of a logical line (continuations already joined). `#` at a word's start ends it.
std::vector<PsWord> ps_words(std::string_view line);

// The values after a parameter, from `k`: `a`, `a, b`, `@("a", "b")`; none for a switch.
std::vector<PsValue> ps_values(const std::vector<PsWord>& words, size_t& k);

// PowerShell's `*` and `?` wildcards, case-insensitively.
bool ps_like(std::string_view pattern, std::string_view text);

}  // namespace flowgap::parsers::netsh
