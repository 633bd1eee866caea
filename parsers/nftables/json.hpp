// `nft -j list ruleset` (libnftables' JSON, schema version 1), read by rendering it as the
// text `nft list ruleset` prints and reading that: both forms give the same rules, names and
// verdicts. Each rendered line remembers where its object is in the JSON file, and every location
// in the result points there.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/diagnostic.hpp"

namespace flowgap::parsers::nftables {

// True when the content is a JSON object whose first key is "nftables".
bool looks_like_json(std::string_view content);

// The ruleset as text, with, for each line of it (index 0: line 1), the location in the JSON file
// of the object it comes from. Throws analysis::InputError, located in the JSON file, for JSON
// that is not well-formed, nested past a bound, or not libnftables' schema.
struct Rendered {
    std::string text;
    std::vector<analysis::SourceLocation> lines;
};
Rendered render_json(const std::shared_ptr<const std::string>& path, std::string_view content);

}  // namespace flowgap::parsers::nftables
