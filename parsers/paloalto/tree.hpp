// The one in-memory form of a PAN-OS configuration, whatever text it came from.
//
// XML exports are loaded by pugixml as they are; `set` lines and the brace format are turned
// into the same element tree (`<X><entry name="N">`, `<member>` lists), so a single loader
// reads all three. Every node can say where it was written: XML nodes through their byte
// offset, synthesized nodes through a side table.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <pugixml.hpp>

#include "analysis/rule.hpp"

namespace flowgap::parsers::paloalto {

class Tree {
  public:
    // Where a synthesized node was written: its first line, and the text of all its lines.
    struct Span {
        uint32_t line = 0;
        size_t begin = 0;
        size_t end = 0;
    };

    Tree(std::shared_ptr<const std::string> path, std::shared_ptr<const std::string> content);
    Tree(const Tree&) = delete;
    Tree& operator=(const Tree&) = delete;

    pugi::xml_document& doc() { return doc_; }
    pugi::xml_node config() const { return config_; }
    void set_config(pugi::xml_node c) { config_ = c; }
    const std::string& content() const { return *content_; }
    const std::shared_ptr<const std::string>& path() const { return path_; }

    analysis::SourceLocation location(pugi::xml_node n) const;
    analysis::SourceLocation location_at(size_t offset) const;
    // The node as written (an <entry ...>...</entry> element, or the set lines that made it).
    std::string_view text(pugi::xml_node n) const;

    // For synthesized trees: record that line [begin, end) of the content wrote node `n`.
    void touch(pugi::xml_node n, uint32_t line, size_t begin, size_t end);
    bool synthesized() const { return !spans_.empty(); }

    std::vector<analysis::Diagnostic> warnings;

  private:
    std::shared_ptr<const std::string> path_;
    std::shared_ptr<const std::string> content_;
    pugi::xml_document doc_;
    pugi::xml_node config_;
    std::unordered_map<const void*, Span> spans_;

    // Offset -> line. Rules are located in the order they are written, so a cursor that only
    // moves forward counts each newline once; a lookup behind it (a warning about an object
    // written above the rules) uses an index of every newline, built the first time one does.
    // Both change only how a line is found, never the answer: hence mutable.
    struct Cursor {
        size_t offset = 0;      // where the cursor is
        uint32_t line = 1;      // the line that holds it
        size_t line_start = 0;  // where that line starts
    };
    void advance(size_t offset) const;
    analysis::SourceLocation location_behind(size_t offset) const;
    mutable Cursor cursor_;
    mutable std::vector<size_t> newlines_;  // offsets of every '\n', once a lookup went back
    mutable bool indexed_ = false;
};

// The members of a list element: `<member>` children, `<entry name>` children, or (set and brace
// forms with one value) the element's own text.
template <typename F>
void for_each_member(pugi::xml_node list, F&& f) {
    bool any = false;
    for (pugi::xml_node c = list.first_child(); c; c = c.next_sibling()) {
        if (c.type() != pugi::node_element) continue;
        std::string_view n = c.name();
        if (n == "member") {
            any = true;
            f(std::string_view(c.child_value()), c);
        } else if (n == "entry") {
            any = true;
            f(std::string_view(c.attribute("name").value()), c);
        }
    }
    if (!any) {
        std::string_view v = list.child_value();
        if (!v.empty()) f(v, list);
    }
}

// How deeply elements (XML) or blocks (the brace form) may nest. Real PAN-OS configurations
// nest under 30 levels; the bound keeps a hostile file from costing stack and memory per level.
inline constexpr size_t kMaxNesting = 256;

// Reads the three forms. Throw analysis::InputError, located, for unreadable input.
std::unique_ptr<Tree> load_xml(std::shared_ptr<const std::string> path,
                               std::shared_ptr<const std::string> content);
std::unique_ptr<Tree> load_set(std::shared_ptr<const std::string> path,
                               std::shared_ptr<const std::string> content);
std::unique_ptr<Tree> load_brace(std::shared_ptr<const std::string> path,
                                 std::shared_ptr<const std::string> content);

// The textual forms of a PAN-OS configuration; `none` when `content` is in none of them.
enum class Form { none, xml, set, brace };
Form detect_form(std::string_view content);

}  // namespace flowgap::parsers::paloalto
