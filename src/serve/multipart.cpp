#include "src/serve/multipart.hpp"

#include <algorithm>
#include <functional>
#include <stdexcept>

namespace flowgap::serve {

namespace {

bool same_letters(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// A parameter list `; a=b; c="d"` read from `at`: each call yields the next name and value.
// Quoted values end at the next quote (browsers percent-encode quotes in file names and send
// backslashes as they are, so a backslash escapes nothing).
struct Params {
    std::string_view text;
    size_t at = 0;
    bool next(std::string_view& name, std::string_view& value) {
        while (at < text.size() && (text[at] == ';' || text[at] == ' ' || text[at] == '\t'))
            ++at;
        if (at >= text.size()) return false;
        size_t begin = at;
        while (at < text.size() && text[at] != '=' && text[at] != ';')
            ++at;
        name = trim(text.substr(begin, at - begin));
        value = {};
        if (at >= text.size() || text[at] == ';') return true;
        ++at;  // '='
        while (at < text.size() && (text[at] == ' ' || text[at] == '\t'))
            ++at;
        if (at < text.size() && text[at] == '"') {
            size_t end = text.find('"', at + 1);
            if (end == std::string_view::npos) throw std::invalid_argument("an unterminated quoted value");
            value = text.substr(at + 1, end - at - 1);
            at = end + 1;
        } else {
            begin = at;
            while (at < text.size() && text[at] != ';')
                ++at;
            value = trim(text.substr(begin, at - begin));
        }
        return true;
    }
};

// Reads a part's header block (the lines before the blank line) into its disposition.
Disposition part_headers(std::string_view block) {
    Disposition d;
    bool seen = false;
    for (size_t at = 0; at < block.size();) {
        size_t end = block.find("\r\n", at);
        if (end == std::string_view::npos) end = block.size();
        std::string_view line = block.substr(at, end - at);
        at = end + 2;
        size_t colon = line.find(':');
        if (colon == std::string_view::npos) throw std::invalid_argument("a part header without a colon");
        if (!same_letters(trim(line.substr(0, colon)), "content-disposition")) continue;
        if (seen) throw std::invalid_argument("a part with two Content-Disposition headers");
        seen = true;
        d = parse_disposition(line.substr(colon + 1));
    }
    if (!seen || !same_letters(d.type, "form-data") || !d.has_name)
        throw std::invalid_argument("a part without `Content-Disposition: form-data; name=...`");
    return d;
}

}  // namespace

Disposition parse_disposition(std::string_view value) {
    Disposition d;
    size_t semi = value.find(';');
    d.type = trim(value.substr(0, semi));
    if (semi == std::string_view::npos) return d;
    Params params{value, semi};
    std::string_view name, v;
    while (params.next(name, v)) {
        if (same_letters(name, "name")) {
            d.name = v;
            d.has_name = true;
        } else if (same_letters(name, "filename")) {
            d.filename = v;
        }
    }
    return d;
}

std::optional<std::string> form_boundary(std::string_view content_type) {
    size_t semi = content_type.find(';');
    if (!same_letters(trim(content_type.substr(0, semi)), "multipart/form-data") ||
        semi == std::string_view::npos)
        return std::nullopt;
    Params params{content_type, semi};
    std::string_view name, value;
    try {
        while (params.next(name, value))
            if (same_letters(name, "boundary") && !value.empty() && value.size() <= 70)
                return std::string(value);
    } catch (const std::invalid_argument&) {
    }
    return std::nullopt;
}

std::vector<FormPart> parse_form(std::string_view body, std::string_view boundary) {
    // Every delimiter but the first follows a CRLF, which belongs to it, not to the content.
    const std::string delimiter = "\r\n--" + std::string(boundary);
    const std::boyer_moore_horspool_searcher find_delimiter(delimiter.begin(), delimiter.end());
    std::vector<FormPart> parts;
    std::string_view first = std::string_view(delimiter).substr(2);
    if (!body.starts_with(first)) throw std::invalid_argument("the body does not begin with its boundary");
    size_t at = first.size();
    for (;;) {
        std::string_view rest = body.substr(at);
        if (rest.starts_with("--")) return parts;  // the close delimiter; an epilogue is ignored
        if (!rest.starts_with("\r\n")) throw std::invalid_argument("a boundary not followed by a line end");
        at += 2;
        std::string_view window = body.substr(at, max_part_header + 4);
        size_t blank = window.starts_with("\r\n") ? 0 : window.find("\r\n\r\n");
        if (blank == std::string_view::npos)
            throw std::invalid_argument(window.size() > max_part_header
                                            ? "a part's headers are longer than " +
                                                  std::to_string(max_part_header) + " bytes"
                                            : "a part's headers do not end");
        Disposition d = part_headers(window.substr(0, blank));
        at += blank + (blank == 0 ? 2 : 4);
        auto hit = std::search(body.begin() + static_cast<std::ptrdiff_t>(at), body.end(), find_delimiter);
        if (hit == body.end())
            throw std::invalid_argument("the body ends inside a part (no closing boundary)");
        size_t end = static_cast<size_t>(hit - body.begin());
        parts.push_back({std::move(d.name), std::move(d.filename), body.substr(at, end - at)});
        at = end + delimiter.size();
    }
}

}  // namespace flowgap::serve
