// PowerShell's tokenizer, reduced to what New-NetFirewallRule and its kin take.
#include "parsers/netsh/powershell_words.hpp"

#include "parsers/netsh/text.hpp"

namespace flowgap::parsers::netsh {

namespace {

bool is_name_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

// A quoted string from `i` (at the quote): '' and `" escape as PowerShell reads them; a `$` in
// double quotes expands, so the value is computed.
PsValue quoted(std::string_view t, size_t& i) {
    char q = t[i++];
    PsValue v;
    for (; i < t.size(); ++i) {
        char c = t[i];
        if (q == '"' && c == '`' && i + 1 < t.size()) {
            v.text.push_back(t[++i]);
            continue;
        }
        if (c == q) {
            if (i + 1 < t.size() && t[i + 1] == q) {
                v.text.push_back(q);
                ++i;
                continue;
            }
            ++i;
            return v;
        }
        if (q == '"' && c == '$') v.computed = true;
        v.text.push_back(c);
    }
    v.computed = true;  // an unterminated string: whatever follows is part of it
    return v;
}

// `(...)` and `$(...)`: an expression, skipped to its closing parenthesis (a counter, no recursion).
PsValue expression(std::string_view t, size_t& i) {
    size_t start = i, depth = 0;
    for (; i < t.size(); ++i) {
        if (t[i] == '(') ++depth;
        if (t[i] == ')' && --depth == 0) {
            ++i;
            break;
        }
    }
    return {std::string(t.substr(start, i - start)), true};
}

PsValue bare(std::string_view t, size_t& i) {
    size_t start = i;
    while (i < t.size() && !is_blank(t[i]) &&
           std::string_view(",;|(){}").find(t[i]) == std::string_view::npos)
        ++i;
    std::string w(t.substr(start, i - start));
    std::string l = lower(w);
    if (l == "$true") return {"True", false};
    if (l == "$false") return {"False", false};
    return {w, w.starts_with('$')};
}

}  // namespace

std::vector<PsWord> ps_words(std::string_view t) {
    std::vector<PsWord> out;
    size_t i = 0;
    while (i < t.size()) {
        char c = t[i];
        if (is_blank(c)) {
            ++i;
        } else if (c == '#') {
            break;
        } else if (c == '-' && i + 1 < t.size() && is_name_char(t[i + 1]) &&
                   !(t[i + 1] >= '0' && t[i + 1] <= '9')) {
            size_t start = ++i;
            while (i < t.size() && is_name_char(t[i]))
                ++i;
            out.push_back({PsWord::param, {std::string(t.substr(start, i - start))}});
            if (i < t.size() && t[i] == ':') ++i;  // -Enabled:$false
        } else if (c == '\'' || c == '"') {
            out.push_back({PsWord::value, quoted(t, i)});
        } else if (c == '@' && i + 1 < t.size() && t[i + 1] == '(') {
            out.push_back({PsWord::open_array, {}});
            i += 2;
        } else if (c == '(' || (c == '$' && i + 1 < t.size() && t[i + 1] == '(')) {
            out.push_back({PsWord::value, expression(t, i)});
        } else if (std::string_view(",;|){}").find(c) != std::string_view::npos) {
            PsWord::Kind k = c == ','   ? PsWord::comma
                             : c == ';' ? PsWord::semicolon
                             : c == '|' ? PsWord::pipe
                             : c == ')' ? PsWord::close
                             : c == '{' ? PsWord::open_brace
                                        : PsWord::close_brace;
            out.push_back({k, {std::string(1, c)}});
            ++i;
        } else {
            out.push_back({PsWord::value, bare(t, i)});
        }
    }
    return out;
}

std::vector<PsValue> ps_values(const std::vector<PsWord>& w, size_t& k) {
    std::vector<PsValue> out;
    bool array = k < w.size() && w[k].kind == PsWord::open_array;
    if (array) ++k;
    while (k < w.size()) {
        if (w[k].kind == PsWord::value) {
            out.push_back(w[k++].v);
        } else if (array && w[k].kind == PsWord::close) {
            ++k;
            array = false;
        } else {
            break;
        }
        if (!array && !(k < w.size() && w[k].kind == PsWord::comma)) break;
        if (k < w.size() && w[k].kind == PsWord::comma) ++k;
    }
    return out;
}

// Without recursion: a backtracking point for the last `*`.
bool ps_like(std::string_view pattern, std::string_view text) {
    std::string p = lower(pattern), t = lower(text);
    size_t pi = 0, ti = 0, star = std::string::npos, mark = 0;
    while (ti < t.size()) {
        if (pi < p.size() && (p[pi] == '?' || p[pi] == t[ti])) {
            ++pi;
            ++ti;
        } else if (pi < p.size() && p[pi] == '*') {
            star = pi++;
            mark = ti;
        } else if (star != std::string::npos) {
            pi = star + 1;
            ti = ++mark;
        } else {
            return false;
        }
    }
    while (pi < p.size() && p[pi] == '*')
        ++pi;
    return pi == p.size();
}

}  // namespace flowgap::parsers::netsh
