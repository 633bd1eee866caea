// Every report is UTF-8, whatever bytes its inputs held: a rule comment in Latin-1 or a cut
// multi-byte character must neither make a writer throw (nlohmann's dump refuses invalid UTF-8)
// nor make an XML or HTML report ill-formed. One rule for all writers: each invalid sequence
// becomes U+FFFD, as the Unicode standard recommends (its maximal subparts, one replacement each).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace flowgap::report {

// `text` with each invalid UTF-8 sequence replaced by U+FFFD (valid text comes back unchanged).
std::string valid_utf8(std::string_view text);

// `j` (a json or an ordered_json) as indented JSON text, invalid UTF-8 in its strings replaced
// as valid_utf8 does (nlohmann replaces the same maximal subparts).
template <class Json>
std::string dump_json(const Json& j, int indent = 2) {
    return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace flowgap::report
