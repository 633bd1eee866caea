#include "parsers/paloalto/tree.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace flowgap::parsers::paloalto {

using analysis::InputError;
using analysis::SourceLocation;

Tree::Tree(std::shared_ptr<const std::string> path, std::shared_ptr<const std::string> content)
    : path_(std::move(path)), content_(std::move(content)) {}

SourceLocation Tree::location_at(size_t offset) const {
    if (offset < cursor_.offset) return location_behind(offset);
    advance(offset);
    return SourceLocation{path_, cursor_.line, static_cast<uint32_t>(offset - cursor_.line_start + 1)};
}

void Tree::advance(size_t offset) const {
    const char* base = content_->data();
    const char* end = base + std::min(offset, content_->size());
    for (const char* p = base + std::min(cursor_.offset, content_->size()); p < end;) {
        const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
        if (!nl) break;
        ++cursor_.line;
        cursor_.line_start = static_cast<size_t>(nl - base) + 1;
        p = nl + 1;
    }
    cursor_.offset = offset;
}

SourceLocation Tree::location_behind(size_t offset) const {
    if (!indexed_) {
        const std::string& text = *content_;
        for (size_t p = text.find('\n'); p != std::string::npos; p = text.find('\n', p + 1))
            newlines_.push_back(p);
        indexed_ = true;
    }
    auto it = std::lower_bound(newlines_.begin(), newlines_.end(), offset);
    auto line = static_cast<uint32_t>(it - newlines_.begin() + 1);
    size_t line_start = it == newlines_.begin() ? 0 : *std::prev(it) + 1;
    return SourceLocation{path_, line, static_cast<uint32_t>(offset - line_start + 1)};
}

SourceLocation Tree::location(pugi::xml_node n) const {
    if (synthesized()) {
        for (pugi::xml_node m = n; m; m = m.parent()) {
            auto it = spans_.find(m.internal_object());
            if (it != spans_.end()) return SourceLocation{path_, it->second.line, 0};
        }
        return SourceLocation{path_};
    }
    for (pugi::xml_node m = n; m; m = m.parent()) {
        ptrdiff_t off = m.offset_debug();
        if (off > 0 && m.type() == pugi::node_element) {
            SourceLocation loc = location_at(static_cast<size_t>(off - 1));
            loc.column = 0;  // reports cite file:line; the element starts the line anyway
            return loc;
        }
    }
    return SourceLocation{path_};
}

namespace {

// Where the last `</name>` in `text` ends, or npos. Asked once per rule, so the tag is matched in
// place rather than formatted into a string first.
size_t close_tag_end(std::string_view text, std::string_view name) {
    constexpr auto npos = std::string_view::npos;
    for (size_t c = text.rfind("</"); c != npos; c = c == 0 ? npos : text.rfind("</", c - 1)) {
        std::string_view rest = text.substr(c + 2);
        if (rest.starts_with(name) && rest.substr(name.size()).starts_with('>')) return c + 3 + name.size();
    }
    return npos;
}

}  // namespace

std::string_view Tree::text(pugi::xml_node n) const {
    std::string_view all(*content_);
    if (synthesized()) {
        auto it = spans_.find(n.internal_object());
        if (it == spans_.end()) return {};
        return all.substr(it->second.begin, it->second.end - it->second.begin);
    }
    ptrdiff_t off = n.offset_debug();
    if (off <= 0) return {};
    size_t begin = static_cast<size_t>(off - 1);
    // The element ends before whatever node follows its subtree in document order.
    pugi::xml_node after = n;
    while (after && !after.next_sibling())
        after = after.parent();
    if (after) after = after.next_sibling();
    size_t end = all.size();
    if (after && after.offset_debug() > off) end = static_cast<size_t>(after.offset_debug());
    std::string_view slice = all.substr(begin, end - begin);
    if (size_t c = close_tag_end(slice, n.name()); c != std::string_view::npos) return slice.substr(0, c);
    size_t s = slice.find("/>");
    return s == std::string_view::npos ? slice : slice.substr(0, s + 2);
}

void Tree::touch(pugi::xml_node n, uint32_t line, size_t begin, size_t end) {
    auto [it, fresh] = spans_.try_emplace(n.internal_object(), Span{line, begin, end});
    if (!fresh) it->second.end = std::max(it->second.end, end);
}

namespace {

// The first element nested deeper than kMaxNesting, or null; walked by links, not recursion.
pugi::xml_node too_deep(pugi::xml_node root) {
    size_t depth = 0;
    for (pugi::xml_node n = root.first_child(); n;) {
        if (n.type() == pugi::node_element && depth + 1 > kMaxNesting) return n;
        if (n.first_child()) {
            n = n.first_child();
            ++depth;
            continue;
        }
        while (n && !n.next_sibling()) {
            n = n.parent();
            if (n == root) return pugi::xml_node();
            --depth;
        }
        if (n) n = n.next_sibling();
    }
    return pugi::xml_node();
}

}  // namespace

std::unique_ptr<Tree> load_xml(std::shared_ptr<const std::string> path,
                               std::shared_ptr<const std::string> content) {
    auto tree = std::make_unique<Tree>(std::move(path), std::move(content));
    const std::string& text = tree->content();
    pugi::xml_parse_result r = tree->doc().load_buffer(text.data(), text.size(), pugi::parse_default);
    if (!r) {
        throw InputError(
            tree->location_at(static_cast<size_t>(std::max<ptrdiff_t>(r.offset, 0))),
            fmt::format("not a well-formed XML export ({}); is the file truncated?", r.description()));
    }
    if (pugi::xml_node deep = too_deep(tree->doc())) {
        throw InputError(
            tree->location_at(static_cast<size_t>(std::max<ptrdiff_t>(deep.offset_debug() - 1, 0))),
            fmt::format("elements nest more than {} deep; no PAN-OS configuration does", kMaxNesting));
    }
    pugi::xml_node root = tree->doc().document_element();
    // The XML API wraps the configuration in <response><result>.
    if (std::string_view(root.name()) == "response") {
        pugi::xml_node result = root.child("result");
        pugi::xml_node c = result.child("config");
        if (!c) c = result.child("template") ? result.child("template") : result.child("template-stack");
        if (c) root = c;
    }
    std::string_view name = root.name();
    if (name == "template" || name == "template-stack") {
        throw InputError(
            tree->location_at(static_cast<size_t>(std::max<ptrdiff_t>(root.offset_debug() - 1, 0))),
            fmt::format("a Panorama {} alone is not a firewall policy: it holds network and "
                        "device settings, never security rules; export the firewall's running "
                        "configuration, or Panorama's whole configuration with its device groups",
                        name));
    }
    if (std::string_view(root.name()) != "config") {
        throw InputError(
            tree->location(root),
            fmt::format("not a PAN-OS configuration: the root element is <{}>, expected <config>",
                        root.name()));
    }
    tree->set_config(root);
    return tree;
}

namespace {

std::string_view skip_space(std::string_view s) {
    if (s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    return s;
}

// The first line that is neither blank nor a `#` comment.
std::string_view first_statement(std::string_view s) {
    while (true) {
        s = skip_space(s);
        if (s.empty() || s.front() != '#') break;
        size_t nl = s.find('\n');
        if (nl == std::string_view::npos) return {};
        s.remove_prefix(nl + 1);
    }
    return s.substr(0, s.find('\n'));
}

bool starts_with(std::string_view s, std::string_view p) {
    return s.substr(0, p.size()) == p;
}

}  // namespace

Form detect_form(std::string_view content) {
    std::string_view s = skip_space(content);
    if (starts_with(s, "<")) {
        std::string_view head = s.substr(0, 4096);
        // A Panorama template alone (<template>, <template-stack>) is recognised so that it can
        // be refused for what it is, not as an unknown format.
        for (std::string_view root : {"<config", "<response", "<template"}) {
            if (head.find(root) != std::string_view::npos) return Form::xml;
        }
        return Form::none;
    }
    std::string_view first = first_statement(content);
    for (std::string_view w : {"set ", "move ", "delete "}) {
        if (starts_with(first, w)) return Form::set;
    }
    for (std::string_view w :
         {"config {", "policy {", "deviceconfig {", "network {", "rulebase {", "shared {"}) {
        if (starts_with(first, w)) return Form::brace;
    }
    return Form::none;
}

}  // namespace flowgap::parsers::paloalto
