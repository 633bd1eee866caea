// Reading flowgap's own YAML files (the deployment, waivers) with every error located at
// file:line:column from yaml-cpp's marks.
#pragma once

#include <memory>
#include <string>

#include <yaml-cpp/yaml.h>

#include "analysis/input_file.hpp"
#include "analysis/rule.hpp"

namespace flowgap::analysis {

// Deployment and waiver files nest four or five levels; the bound keeps a hostile file from
// costing stack and memory per level in yaml-cpp and in the loaders.
inline constexpr size_t kMaxYamlNesting = 256;

class YamlReader {
  public:
    explicit YamlReader(const std::string& path) : file_(std::make_shared<const std::string>(path)) {}
    // Reads `text` (an upload) instead of the file; `name` is what locations call it.
    YamlReader(const std::string& name, const std::string& text)
        : file_(std::make_shared<const std::string>(name)), text_(&text) {}

    // Loads the file; `what` names it in the error when it cannot be opened ("deployment file").
    // Rejects, located, nesting deeper than kMaxYamlNesting and a key written twice in a mapping.
    YAML::Node load(const std::string& what) const;
    SourceLocation at(const YAML::Node& n) const {
        const YAML::Mark m = n.Mark();
        if (m.is_null()) return SourceLocation{file_, 1, 1};
        return SourceLocation{file_, static_cast<uint32_t>(m.line + 1), static_cast<uint32_t>(m.column + 1)};
    }
    [[noreturn]] void fail(const YAML::Node& n, const std::string& message) const {
        throw InputError(at(n), message);
    }
    const std::shared_ptr<const std::string>& file() const { return file_; }

  private:
    void reject_duplicate_keys(const YAML::Node& root, size_t text_size) const;

    std::shared_ptr<const std::string> file_;
    const std::string* text_ = nullptr;
};

}  // namespace flowgap::analysis
