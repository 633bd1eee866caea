// `set` commands and the brace format, turned into the XML tree an export would have.
//
// Both forms drop the word `entry`: after a container that holds named entries (`address`,
// `rules`, `vsys`, ...) the next word is an entry's name. Everything else is an element name,
// and the last word of a `set` line (or a `[ a b ]` list) is the value.
#include <map>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "parsers/paloalto/tree.hpp"

namespace flowgap::parsers::paloalto {

using analysis::Diagnostic;
using analysis::InputError;
using analysis::SourceLocation;

namespace {

// Leaves that hold one value, never a member list.
bool single_valued(std::string_view element) {
    static const std::unordered_set<std::string_view> names = {
        "action",      "port",          "source-port",        "disabled",   "description",
        "rule-type",   "negate-source", "negate-destination", "ip-netmask", "ip-range",
        "ip-wildcard", "fqdn",          "log-start",          "log-end",    "schedule"};
    return names.count(element) != 0;
}

// The XML attributes PAN-OS writes on an <entry> besides its name (rules carry a uuid; Panorama
// marks where an entry comes from with loc, src and ptpl).
bool entry_attribute(std::string_view word) {
    return word == "uuid" || word == "loc" || word == "src" || word == "ptpl";
}

bool holds_entries(std::string_view element) {
    static const std::unordered_set<std::string_view> names = {"vsys",
                                                               "device-group",
                                                               "template",
                                                               "template-stack",
                                                               "devices",
                                                               "address",
                                                               "address-group",
                                                               "service",
                                                               "service-group",
                                                               "application",
                                                               "application-group",
                                                               "application-filter",
                                                               "external-list",
                                                               "region",
                                                               "tag",
                                                               "zone",
                                                               "rules",
                                                               "ethernet",
                                                               "aggregate-ethernet",
                                                               "units",
                                                               "virtual-router",
                                                               "static-route",
                                                               "schedule",
                                                               "profile-group",
                                                               "users",
                                                               "log-settings",
                                                               "server-profile",
                                                               "interface-management-profile",
                                                               "container",
                                                               "cloud"};
    return names.count(element) != 0;
}

// A word of a statement, with where it was written.
struct Token {
    std::string text;
    bool quoted = false;
    size_t offset = 0;  // in the line (set) or the file (brace)
};

// Splits one statement's words; `[`, `]`, `{`, `}` and `;` are words of their own unless quoted.
std::vector<Token> tokenize(std::string_view line) {
    std::vector<Token> out;
    size_t i = 0;
    while (i < line.size()) {
        char c = line[i];
        if (std::isspace(static_cast<unsigned char>(c))) {
            ++i;
        } else if (c == '"' || c == '\'') {
            Token t{"", true, i};
            for (++i; i < line.size() && line[i] != c; ++i) {
                if (line[i] == '\\' && i + 1 < line.size()) ++i;
                t.text += line[i];
            }
            ++i;
            out.push_back(std::move(t));
        } else if (c == '[' || c == ']' || c == '{' || c == '}' || c == ';') {
            out.push_back({std::string(1, c), false, i});
            ++i;
        } else {
            size_t j = i;
            while (j < line.size() && !std::isspace(static_cast<unsigned char>(line[j])) &&
                   std::string_view("[]{};\"").find(line[j]) == std::string_view::npos)
                ++j;
            out.push_back({std::string(line.substr(i, j - i)), false, i});
            i = j;
        }
    }
    return out;
}

class Builder {
  public:
    explicit Builder(Tree& t) : tree_(t) {
        pugi::xml_node config = t.doc().append_child("config");
        t.set_config(config);
        device_ = entry(config.append_child("devices"), "localhost.localdomain");
    }

    void at_line(uint32_t line, size_t begin, size_t end) { line_ = line, begin_ = begin, end_ = end; }

    // Where a statement's path starts: the device, the shared scope, or (the default of a
    // single-vsys firewall) vsys1.
    pugi::xml_node base(std::string_view first) {
        static const std::unordered_set<std::string_view> top = {"shared", "mgt-config", "readonly",
                                                                 "panorama"};
        static const std::unordered_set<std::string_view> device = {
            "deviceconfig",        "network",  "device-group", "template",  "template-stack", "vsys",
            "log-collector-group", "platform", "plugins",      "container", "device"};
        if (top.count(first)) return tree_.config();
        if (device.count(first)) return device_;
        if (!vsys1_) vsys1_ = entry(child(device_, "vsys"), "vsys1");
        return vsys1_;
    }

    // One step down: the entry named `word` below an entry container, else the element `word`.
    pugi::xml_node step(pugi::xml_node at, const std::string& word, bool create) {
        pugi::xml_node n = holds_entries(at.name()) ? find_entry(at, word) : at.child(word.c_str());
        if (!n && create) n = holds_entries(at.name()) ? entry(at, word) : child(at, word);
        if (n) tree_.touch(n, line_, begin_, end_);
        return n;
    }

    // The last word: an entry name below a container, else the value of the element.
    void assign(pugi::xml_node at, const std::string& value) {
        if (holds_entries(at.name())) {
            step(at, value, true);
            return;
        }
        bool has_children = at.first_child().type() == pugi::node_element;
        // child_value() walks every child looking for text: not asked of a list, which has none.
        std::string_view text = has_children ? std::string_view() : at.child_value();
        // Setting a single-valued leaf again replaces its value, as the CLI does; setting a value
        // a list already holds changes nothing.
        if ((!has_children && text.empty()) || (!has_children && single_valued(at.name()))) {
            at.text().set(value.c_str());
            return;
        }
        if (text == value) return;
        if (has_children && members(at).count(value)) return;
        // A second value makes the element a list.
        if (!text.empty() && !has_children) {
            std::string first(text);
            at.remove_children();
            member(at, first);
        }
        member(at, value);
    }

    void member(pugi::xml_node at, const std::string& value) {
        pugi::xml_node m = at.append_child("member");
        m.text().set(value.c_str());
        tree_.touch(m, line_, begin_, end_);
        if (auto it = members_.find(at.internal_object()); it != members_.end()) it->second.insert(value);
    }

    // A deleted node's memory can be reused for a new one: no index may outlive it.
    void forget_members() { members_.clear(); }

    pugi::xml_node find_entry(pugi::xml_node container, const std::string& name) {
        auto it = entries_.find({container.internal_object(), name});
        return it == entries_.end() ? pugi::xml_node() : it->second;
    }

  private:
    // The values of a list's <member> children. Indexed once per list, then kept up to date by
    // member(): a list grown one `set` line at a time would otherwise be rescanned per line.
    const std::unordered_set<std::string>& members(pugi::xml_node list) {
        auto [it, fresh] = members_.try_emplace(list.internal_object());
        if (fresh) {
            for (pugi::xml_node m = list.child("member"); m; m = m.next_sibling("member"))
                it->second.insert(m.child_value());
        }
        return it->second;
    }

    pugi::xml_node child(pugi::xml_node at, std::string_view name) {
        pugi::xml_node c = at.child(std::string(name).c_str());
        return c ? c : at.append_child(std::string(name).c_str());
    }
    pugi::xml_node entry(pugi::xml_node container, const std::string& name) {
        pugi::xml_node e = find_entry(container, name);
        if (e) return e;
        e = container.append_child("entry");
        e.append_attribute("name").set_value(name.c_str());
        entries_.emplace(std::make_pair(container.internal_object(), name), e);
        return e;
    }

    Tree& tree_;
    pugi::xml_node device_, vsys1_;
    std::map<std::pair<const void*, std::string>, pugi::xml_node> entries_;
    std::unordered_map<const void*, std::unordered_set<std::string>> members_;
    uint32_t line_ = 0;
    size_t begin_ = 0, end_ = 0;
};

// `set service`, `set shared application`, `set rulebase security rules r service`: a container
// of named entries written with nothing in it, as `show` prints an empty element. It declares
// nothing, so it is kept as the empty element it is (an empty rule list matches nothing, never
// "any") rather than read as a value or ignored with a warning per line.
bool empty_container(const std::vector<Token>& words, pugi::xml_node parent) {
    const Token& last = words.back();
    if (last.quoted || !holds_entries(last.text)) return false;
    std::string_view p = parent.name();
    return p == "entry" || p == "shared" || p == "config";
}

// `set <path> <value>` / `set <path> [ a b ]`.
void apply_set(Builder& b, const std::vector<Token>& words, size_t from) {
    pugi::xml_node at = b.base(words[from].text);
    size_t n = words.size();
    size_t list = n;
    for (size_t i = from; i < n; ++i) {
        if (words[i].text == "[" && !words[i].quoted) {
            list = i;
            break;
        }
    }
    size_t path_end = list < n ? list : n - 1;
    for (size_t i = from; i < path_end; ++i)
        at = b.step(at, words[i].text, true);
    if (list == n && empty_container(words, at)) {
        b.step(at, words[n - 1].text, true);
    } else if (list < n) {
        for (size_t i = list + 1; i < n && !(words[i].text == "]" && !words[i].quoted); ++i)
            b.member(at, words[i].text);
    } else {
        b.assign(at, words[n - 1].text);
    }
}

// Finds the node a `move`/`delete` path names, creating nothing.
pugi::xml_node walk(Builder& b, const std::vector<Token>& words, size_t from, size_t to) {
    pugi::xml_node at = b.base(words[from].text);
    for (size_t i = from; i < to && at; ++i)
        at = b.step(at, words[i].text, false);
    return at;
}

// `move <path to a rule> top|bottom|before X|after X`: rule order as a script would leave it.
bool apply_move(Builder& b, const std::vector<Token>& w) {
    size_t n = w.size();
    bool relative = n >= 4 && (w[n - 2].text == "before" || w[n - 2].text == "after");
    size_t path_end = relative ? n - 2 : n - 1;
    if (path_end < 2) return false;
    pugi::xml_node rule = walk(b, w, 1, path_end);
    if (!rule) return false;
    pugi::xml_node container = rule.parent();
    const std::string& where = w[n - 1].text;
    if (!relative && where == "top") return container.insert_move_before(rule, container.first_child());
    if (!relative && where == "bottom") return container.insert_move_after(rule, container.last_child());
    pugi::xml_node other = b.find_entry(container, where);
    if (!other || other == rule) return false;
    return w[n - 2].text == "before" ? container.insert_move_before(rule, other)
                                     : container.insert_move_after(rule, other);
}

bool apply_delete(Builder& b, const std::vector<Token>& w) {
    if (w.size() < 2) return false;
    pugi::xml_node n = walk(b, w, 1, w.size());
    if (!n) return false;
    b.forget_members();
    return n.parent().remove_child(n);
}

// The brace format: `name { ... }`, `name value;`, `name [ a b ];`, `# comment`.
class BraceReader {
  public:
    BraceReader(Tree& t, Builder& b) : tree_(t), b_(b) {
        std::string_view all(t.content());
        for (size_t pos = 0; pos < all.size();) {
            size_t nl = all.find('\n', pos);
            size_t end = nl == std::string_view::npos ? all.size() : nl;
            std::string_view line = all.substr(pos, end - pos);
            size_t hash = line.find('#');
            if (hash != std::string_view::npos && line.find('"') > hash) line = line.substr(0, hash);
            for (auto& tok : tokenize(line)) {
                tok.offset += pos;
                tokens_.push_back(std::move(tok));
            }
            pos = end + 1;
        }
    }

    void read() {
        while (i_ < tokens_.size())
            statement(pugi::xml_node(), 0);
    }

  private:
    bool is(const char* punct) const {
        return i_ < tokens_.size() && !tokens_[i_].quoted && tokens_[i_].text == punct;
    }
    bool punct() const { return is("{") || is("}") || is(";") || is("["); }

    void at(const Token& t) {
        uint32_t line = tree_.location_at(t.offset).line;
        std::string_view all(tree_.content());
        size_t end = all.find('\n', t.offset);
        b_.at_line(line, t.offset, end == std::string_view::npos ? all.size() : end);
    }

    // The node a path of words leads to; at the top level the first word picks the base.
    pugi::xml_node path(pugi::xml_node from, const std::vector<const Token*>& words, size_t count) {
        size_t k = 0;
        if (!from) {
            const std::string& w = words[0]->text;
            from = (w == "config" || w == "policy") ? tree_.config() : b_.base(w);
            if (w == "config" || w == "policy") k = 1;
        }
        for (; k < count; ++k) {
            bool names_entry = holds_entries(from.name());
            from = b_.step(from, words[k]->text, true);
            if (names_entry && attributes(from, words, k + 1, count)) break;
        }
        return from;
    }

    // `"name" uuid 5c1f... {`: `show` writes an entry's XML attributes between its name and its
    // block. When every word after the name is such a pair, they become the entry's attributes;
    // read as a path, they would bury the entry's body under <uuid><5c1f...> and lose it.
    static bool attributes(pugi::xml_node entry, const std::vector<const Token*>& words, size_t from,
                           size_t count) {
        if (from >= count || (count - from) % 2 != 0) return false;
        for (size_t k = from; k < count; k += 2) {
            if (words[k]->quoted || !entry_attribute(words[k]->text)) return false;
        }
        for (size_t k = from; k < count; k += 2) {
            const char* key = words[k]->text.c_str();
            pugi::xml_attribute a = entry.attribute(key);
            if (!a) a = entry.append_attribute(key);
            a.set_value(words[k + 1]->text.c_str());
        }
        return true;
    }

    // `depth` counts the blocks open around this statement; each `{` recurses once, so the
    // input's nesting is bounded before it can cost the stack.
    void statement(pugi::xml_node parent, size_t depth) {
        std::vector<const Token*> words;
        while (i_ < tokens_.size() && !punct())
            words.push_back(&tokens_[i_++]);
        if (i_ >= tokens_.size()) return;
        if (words.empty()) {  // a stray `;` or an unbalanced `}`
            ++i_;
            return;
        }
        at(*words[0]);
        if (is("{")) {
            if (depth >= kMaxNesting) {
                throw analysis::InputError(
                    tree_.location_at(tokens_[i_].offset),
                    fmt::format("blocks nest more than {} deep; no PAN-OS configuration does", kMaxNesting));
            }
            ++i_;
            pugi::xml_node node = path(parent, words, words.size());
            while (i_ < tokens_.size() && !is("}"))
                statement(node, depth + 1);
            if (i_ < tokens_.size()) tree_.touch(node, 0, 0, tokens_[i_].offset + 1);
            ++i_;
        } else if (is("[")) {
            pugi::xml_node node = path(parent, words, words.size());
            for (++i_; i_ < tokens_.size() && !is("]"); ++i_)
                b_.member(node, tokens_[i_].text);
            ++i_;
            if (is(";")) ++i_;
        } else if (is(";")) {
            ++i_;
            if (words.size() == 1 && parent) {
                b_.assign(parent, words[0]->text);
            } else {
                b_.assign(path(parent, words, words.size() - 1), words.back()->text);
            }
        }
        // Otherwise a `}` closes the parent: the caller consumes it.
    }

    Tree& tree_;
    Builder& b_;
    std::vector<Token> tokens_;
    size_t i_ = 0;
};

}  // namespace

std::unique_ptr<Tree> load_brace(std::shared_ptr<const std::string> path,
                                 std::shared_ptr<const std::string> content) {
    auto tree = std::make_unique<Tree>(std::move(path), std::move(content));
    Builder b(*tree);
    BraceReader(*tree, b).read();
    return tree;
}

std::unique_ptr<Tree> load_set(std::shared_ptr<const std::string> path,
                               std::shared_ptr<const std::string> content) {
    auto tree = std::make_unique<Tree>(std::move(path), std::move(content));
    Builder b(*tree);
    std::string_view all(tree->content());
    uint32_t line = 0;
    for (size_t pos = 0; pos < all.size();) {
        size_t nl = all.find('\n', pos);
        size_t end = nl == std::string_view::npos ? all.size() : nl;
        std::string_view text = all.substr(pos, end - pos);
        size_t begin = pos;
        pos = end + 1;
        ++line;
        auto words = tokenize(text);
        if (words.empty() || words[0].text.starts_with("#")) continue;
        b.at_line(line, begin, end);
        const std::string& verb = words[0].text;
        bool ok = true;
        if (verb == "set" && words.size() >= 3) {
            apply_set(b, words, 1);
        } else if (verb == "set" && words.size() == 2 && holds_entries(words[1].text) && !words[1].quoted) {
            b.step(b.base(words[1].text), words[1].text, true);  // `set service`: empty, see empty_container

        } else if (verb == "move") {
            ok = apply_move(b, words);
        } else if (verb == "delete") {
            ok = apply_delete(b, words);
        } else {
            ok = false;
        }
        if (!ok) {
            tree->warnings.push_back({Diagnostic::Severity::warning, SourceLocation{tree->path(), line, 1},
                                      fmt::format("ignored: cannot apply '{}'", text.substr(0, 80))});
        }
    }
    return tree;
}

}  // namespace flowgap::parsers::paloalto
