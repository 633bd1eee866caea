// multipart/form-data (RFC 7578) as `flowgap serve` takes uploads: read as the body arrives, in
// pieces split anywhere, one pass, no regex, every part's headers bounded, so the time is linear
// in the body whatever it holds, and each part's content is stored once.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/serve/spool.hpp"

namespace flowgap::serve {

struct FormPart {
    std::string name;      // Content-Disposition's name
    std::string filename;  // its filename, "" when it has none
    std::string content;
};

// A part's headers may be at most this long (a browser's are a few hundred bytes).
constexpr size_t max_part_header = 8u << 10;

// The boundary of a `multipart/form-data; boundary=...` Content-Type, or nullopt when the type
// is not that or its boundary is missing or longer than RFC 2046's 70 characters.
std::optional<std::string> form_boundary(std::string_view content_type);

// Reads a body given in pieces. Every decision depends on the bytes, never on where a piece
// ends: a delimiter split across pieces is found (a prefix-function match that carries its state
// from one piece to the next), and the same body split anywhere gives the same parts or the same
// error.
class FormReader {
  public:
    explicit FormReader(std::string_view boundary);
    // The next bytes of the body. Throws std::invalid_argument saying what is wrong as soon as
    // the bytes read show it (a part's headers: past max_part_header bytes, not at the body's end).
    void feed(std::string_view bytes);
    // The body ended: its parts. Throws std::invalid_argument when it ended too soon.
    std::vector<FormPart> finish();

  private:
    enum class State { first, after_delimiter, headers, content, epilogue };
    // Each reads from `in` and returns how many bytes it used (at least one).
    size_t first(std::string_view in);
    size_t after_delimiter(std::string_view in);
    size_t headers(std::string_view in);
    size_t content(std::string_view in);

    std::string delimiter_;       // CRLF "--" boundary: every delimiter but the body's first
    std::vector<size_t> border_;  // border_[i]: the longest proper border of delimiter_[0..i]
    State state_ = State::first;
    size_t matched_ = 2;   // bytes of delimiter_ matched (the first delimiter has no CRLF)
    std::string pending_;  // after a delimiter: its next two bytes; in headers: the block so far
    FormPart part_;
    Spool spool_;
    std::vector<FormPart> parts_;
};

// The parts of `body`, read whole; throws std::invalid_argument saying what is wrong with it.
std::vector<FormPart> parse_form(std::string_view body, std::string_view boundary);

// Content-Disposition's type, name and filename, read left to right once.
struct Disposition {
    std::string type, name, filename;
    bool has_name = false;
};
Disposition parse_disposition(std::string_view value);

}  // namespace flowgap::serve
