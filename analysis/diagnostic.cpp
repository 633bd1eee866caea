#include "analysis/diagnostic.hpp"

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

void InputError::raise_at(const std::string& place, const std::string& message) {
    throw InputError(SourceLocation{std::make_shared<const std::string>(place)}, message);
}

}  // namespace flowgap::analysis
