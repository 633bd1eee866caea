// multipart/form-data (RFC 7578) as `flowgap serve` takes uploads: one pass over the body, no
// regex, every part's headers bounded, so the time is linear in the body whatever it holds.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flowgap::serve {

struct FormPart {
    std::string name;          // Content-Disposition's name
    std::string filename;      // its filename, "" when it has none
    std::string_view content;  // into the body parsed
};

// A part's headers may be at most this long (a browser's are a few hundred bytes).
constexpr size_t max_part_header = 8u << 10;

// The boundary of a `multipart/form-data; boundary=...` Content-Type, or nullopt when the type
// is not that or its boundary is missing or longer than RFC 2046's 70 characters.
std::optional<std::string> form_boundary(std::string_view content_type);

// The parts of `body`; throws std::invalid_argument saying what is wrong with it.
std::vector<FormPart> parse_form(std::string_view body, std::string_view boundary);

// Content-Disposition's type, name and filename, read left to right once.
struct Disposition {
    std::string type, name, filename;
    bool has_name = false;
};
Disposition parse_disposition(std::string_view value);

}  // namespace flowgap::serve
