// Where input came from and what was wrong with it: the locations, warnings and errors every
// layer reports. Kept apart from the rule model so that code which only reports a problem (the
// command line, the upload service, the report readers) needs no rules to do it.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

namespace flowgap::analysis {

struct SourceLocation {
    std::shared_ptr<const std::string> file;  // shared: thousands of rules point at one file
    uint32_t line = 0;                        // 1-based; 0 when unknown
    uint32_t column = 0;                      // 1-based; 0 when unknown
    std::string str() const;                  // "file:line:column", "file:line", or "file"
};

// A problem found while reading input. Errors stop the run; warnings go into the report.
struct Diagnostic {
    enum class Severity { warning, error };
    Severity severity = Severity::warning;
    SourceLocation location;
    std::string message;
    std::string str() const;  // "file:line:column: warning: message"
};

// Thrown for input that cannot be read at all (exit code 2).
class InputError : public std::runtime_error {
  public:
    InputError(SourceLocation where, const std::string& message);
    const SourceLocation& location() const { return where_; }
    const std::string& message() const { return message_; }

    // Throws an InputError located at a place that is no file position: "command line", an
    // option ("--fail-on"), an environment variable, an upload's name, a report's path.
    [[noreturn]] static void raise_at(const std::string& place, const std::string& message);

  private:
    SourceLocation where_;
    std::string message_;
};

}  // namespace flowgap::analysis
