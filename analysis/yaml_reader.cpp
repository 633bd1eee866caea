#include "analysis/yaml_reader.hpp"

#include <map>
#include <vector>

#include <fmt/format.h>

namespace flowgap::analysis {

namespace {

// Finds how deeply the text nests before yaml-cpp sees it: yaml-cpp recurses once per level
// (its own guard allows 2000 and still costs memory per level) and the loaders walk what it
// builds. A line-by-line scan of block indentation, `- ` entries and `[`/`{` flow collections
// is enough: it only has to see that nesting is deep, never to read the values.
class NestingScan {
  public:
    NestingScan(const std::shared_ptr<const std::string>& file, std::string_view text)
        : file_(file), text_(text) {}

    void run() {
        for (size_t pos = 0; pos < text_.size(); ++line_) {
            size_t nl = text_.find('\n', pos);
            size_t end = nl == std::string_view::npos ? text_.size() : nl;
            scan_line(text_.substr(pos, end - pos));
            pos = end + 1;
        }
    }

  private:
    // A character that may stand right before a flow collection, quote or block scalar.
    static bool value_start(char prev) {
        return prev == 0 || prev == ':' || prev == '-' || prev == '?' || prev == ',' || prev == '[' ||
               prev == '{';
    }

    void scan_line(std::string_view line) {
        size_t indent = line.find_first_not_of(' ');
        if (indent == std::string_view::npos || line[indent] == '#' || line[indent] == '\r') return;
        if (literal_) {
            if (indent > literal_indent_) return;  // a block scalar's text
            literal_ = false;
        }
        size_t pos = indent;
        if (!quote_ && flow_ == 0) {
            while (!block_.empty() && block_.back() >= indent)
                block_.pop_back();
            open_block(indent);
            // `- - x` opens one level per dash on a single line.
            while (pos < line.size() && line[pos] == '-' &&
                   (pos + 1 == line.size() || line[pos + 1] == ' ')) {
                pos = line.find_first_not_of(' ', pos + 1);
                if (pos == std::string_view::npos) return;
                open_block(pos);
            }
        }
        scan_rest(line, pos);
    }

    void scan_rest(std::string_view line, size_t pos) {
        char prev = 0;
        for (size_t i = pos; i < line.size(); ++i) {
            char c = line[i];
            if (quote_) {
                if (quote_ == '"' && c == '\\') {
                    ++i;
                } else if (c == quote_) {
                    if (quote_ == '\'' && i + 1 < line.size() && line[i + 1] == '\'') {
                        ++i;
                    } else {
                        quote_ = 0;
                        prev = c;
                    }
                }
                continue;
            }
            if (c == ' ' || c == '\t' || c == '\r') continue;
            if (c == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) return;
            if ((c == '"' || c == '\'') && value_start(prev)) {
                quote_ = c;
            } else if ((c == '[' || c == '{') && (flow_ > 0 || value_start(prev))) {
                ++flow_;
                check(i);
            } else if ((c == ']' || c == '}') && flow_ > 0) {
                --flow_;
            } else if ((c == '|' || c == '>') && flow_ == 0 && value_start(prev)) {
                literal_ = true;
                literal_indent_ = block_.empty() ? 0 : block_.back();
                return;
            }
            prev = c;
        }
    }

    void open_block(size_t column) {
        block_.push_back(column);
        check(column);
    }

    void check(size_t column) const {
        if (block_.size() + flow_ <= kMaxYamlNesting) return;
        throw InputError(
            SourceLocation{file_, line_, static_cast<uint32_t>(column + 1)},
            fmt::format("invalid YAML: mappings and lists nest more than {} deep", kMaxYamlNesting));
    }

    std::shared_ptr<const std::string> file_;
    std::string_view text_;
    uint32_t line_ = 1;
    std::vector<size_t> block_;  // the columns of the open block nodes
    size_t flow_ = 0;            // open `[` and `{`
    char quote_ = 0;             // the quote of a scalar that goes on to the next line
    bool literal_ = false;       // in a `|` or `>` block scalar
    size_t literal_indent_ = 0;  // its parent's column: lines indented further are its text
};

}  // namespace

YAML::Node YamlReader::load(const std::string& what) const {
    // Through the checked reader, not YAML::LoadFile: a FIFO or a huge file is refused before
    // yaml-cpp would wait on it or read it whole.
    std::string read = text_ ? std::string() : read_input_file(*file_, file_, what);
    const std::string& text = text_ ? *text_ : read;
    NestingScan(file_, text).run();
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        throw InputError(SourceLocation{file_, static_cast<uint32_t>(e.mark.line + 1),
                                        static_cast<uint32_t>(e.mark.column + 1)},
                         "invalid YAML: " + e.msg);
    }
    reject_duplicate_keys(root, text.size());
    return root;
}

// yaml-cpp keeps both entries of a key written twice and lookups see only one of them, so a
// mistyped copy would silently win or lose: every mapping is checked once, here. The walk keeps
// its own stack, and aliases may repeat nodes, so it stops at a budget no real file reaches.
void YamlReader::reject_duplicate_keys(const YAML::Node& root, size_t text_size) const {
    std::vector<YAML::Node> todo = {root};
    size_t budget = text_size + 16;
    while (!todo.empty()) {
        YAML::Node n = todo.back();
        todo.pop_back();
        if (budget-- == 0) fail(root, "invalid YAML: anchors and aliases expand this file too far");
        if (n.IsSequence()) {
            for (const auto& item : n)
                todo.push_back(item);
        } else if (n.IsMap()) {
            std::map<std::string, YAML::Mark> seen;
            for (const auto& kv : n) {
                if (kv.first.IsScalar()) {
                    auto [first, fresh] = seen.try_emplace(kv.first.Scalar(), kv.first.Mark());
                    if (!fresh) {
                        fail(kv.first,
                             fmt::format("invalid YAML: the key '{}' is written twice (first at line {})",
                                         kv.first.Scalar(), first->second.line + 1));
                    }
                }
                todo.push_back(kv.second);
            }
        }
    }
}

}  // namespace flowgap::analysis
