#include "src/serve/multipart.hpp"

#include <algorithm>
#include <cstring>
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

FormReader::FormReader(std::string_view boundary)
    : delimiter_("\r\n--" + std::string(boundary)), border_(delimiter_.size(), 0) {
    for (size_t i = 1, k = 0; i < delimiter_.size(); ++i) {
        while (k > 0 && delimiter_[i] != delimiter_[k])
            k = border_[k - 1];
        if (delimiter_[i] == delimiter_[k]) ++k;
        border_[i] = k;
    }
}

void FormReader::feed(std::string_view in) {
    while (!in.empty()) {
        size_t used = in.size();  // the epilogue is ignored
        switch (state_) {
            case State::first: used = first(in); break;
            case State::after_delimiter: used = after_delimiter(in); break;
            case State::headers: used = headers(in); break;
            case State::content: used = content(in); break;
            case State::epilogue: break;
        }
        in.remove_prefix(used);
    }
}

std::vector<FormPart> FormReader::finish() {
    switch (state_) {
        case State::first: throw std::invalid_argument("the body does not begin with its boundary");
        case State::after_delimiter: throw std::invalid_argument("a boundary not followed by a line end");
        case State::headers:
            throw std::invalid_argument(pending_.size() > max_part_header
                                            ? "a part's headers are longer than " +
                                                  std::to_string(max_part_header) + " bytes"
                                            : "a part's headers do not end");
        case State::content: throw std::invalid_argument("the body ends inside a part (no closing boundary)");
        case State::epilogue: break;
    }
    return std::move(parts_);
}

// The body's first bytes must be its first delimiter, without the CRLF.
size_t FormReader::first(std::string_view in) {
    size_t i = 0;
    for (; i < in.size() && matched_ < delimiter_.size(); ++i, ++matched_)
        if (in[i] != delimiter_[matched_])
            throw std::invalid_argument("the body does not begin with its boundary");
    if (matched_ == delimiter_.size()) state_ = State::after_delimiter;
    return i;
}

// "--" closes the body (an epilogue is ignored); CRLF begins a part's headers.
size_t FormReader::after_delimiter(std::string_view in) {
    size_t take = std::min(in.size(), 2 - pending_.size());
    pending_.append(in.substr(0, take));
    if (pending_.size() < 2) return take;
    if (pending_ == "--")
        state_ = State::epilogue;
    else if (pending_ == "\r\n")
        state_ = State::headers;
    else
        throw std::invalid_argument("a boundary not followed by a line end");
    pending_.clear();
    return take;
}

// A part's header lines up to the blank line, kept (at most max_part_header + 4 bytes) until it
// comes; each byte is searched at most four times.
size_t FormReader::headers(std::string_view in) {
    size_t had = pending_.size();
    pending_.append(in.substr(0, max_part_header + 4 - had));
    if (pending_.size() < 2) return pending_.size() - had;
    size_t blank = 0, end = 2;  // no header lines at all
    if (!pending_.starts_with("\r\n")) {
        blank = pending_.find("\r\n\r\n", had >= 3 ? had - 3 : 0);
        if (blank == std::string::npos) {
            if (pending_.size() >= max_part_header + 4)
                throw std::invalid_argument("a part's headers are longer than " +
                                            std::to_string(max_part_header) + " bytes");
            return pending_.size() - had;
        }
        end = blank + 4;
    }
    Disposition d = part_headers(std::string_view(pending_).substr(0, blank));
    part_ = FormPart{std::move(d.name), std::move(d.filename), {}};
    pending_.clear();
    state_ = State::content;
    matched_ = 0;
    return end - had;
}

// The content up to the next delimiter. Where nothing of one is matched, memchr skips to the
// next byte that could begin one; a byte that breaks a match falls back along the borders, and
// what the match gives up is content.
size_t FormReader::content(std::string_view in) {
    for (size_t i = 0; i < in.size();) {
        if (matched_ == 0) {
            const void* hit = std::memchr(in.data() + i, delimiter_[0], in.size() - i);
            size_t next = hit ? static_cast<size_t>(static_cast<const char*>(hit) - in.data()) : in.size();
            spool_.append(in.substr(i, next - i));
            i = next;
            if (i == in.size()) break;
        }
        char c = in[i++];
        while (matched_ > 0 && delimiter_[matched_] != c) {
            size_t shorter = border_[matched_ - 1];
            spool_.append(std::string_view(delimiter_).substr(0, matched_ - shorter));
            matched_ = shorter;
        }
        if (delimiter_[matched_] == c)
            ++matched_;
        else
            spool_.append(std::string_view(&c, 1));
        if (matched_ == delimiter_.size()) {
            part_.content = spool_.take();
            parts_.push_back(std::move(part_));
            state_ = State::after_delimiter;
            return i;
        }
    }
    return in.size();
}

std::vector<FormPart> parse_form(std::string_view body, std::string_view boundary) {
    FormReader reader(boundary);
    reader.feed(body);
    return reader.finish();
}

}  // namespace flowgap::serve
