#include "analysis/rule.hpp"

#include <fmt/format.h>

namespace flowgap::analysis {

std::string SourceLocation::str() const {
    std::string f = file ? *file : std::string("<input>");
    if (line == 0) return f;
    if (column == 0) return fmt::format("{}:{}", f, line);
    return fmt::format("{}:{}:{}", f, line, column);
}

std::string Diagnostic::str() const {
    return fmt::format("{}: {}: {}", location.str(), severity == Severity::error ? "error" : "warning",
                       message);
}

InputError::InputError(SourceLocation where, const std::string& message)
    : std::runtime_error(fmt::format("{}: error: {}", where.str(), message)),
      where_(std::move(where)),
      message_(message) {}

std::string_view to_string(Action a) {
    switch (a) {
        case Action::allow: return "allow";
        case Action::block: return "block";
        case Action::unknown: return "unknown";
    }
    return "unknown";
}

std::string_view to_string(Direction d) {
    switch (d) {
        case Direction::inbound: return "inbound";
        case Direction::outbound: return "outbound";
        case Direction::transit: return "transit";
    }
    return "transit";
}

}  // namespace flowgap::analysis
