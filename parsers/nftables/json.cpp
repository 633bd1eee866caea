// Rendering libnftables' JSON (libnftables-json(5)) as `nft list ruleset` text. Each expression
// and statement is printed as nft prints it, so the text reader decides what is exact,
// conditional or unknown for both forms alike; an object flowgap does not know is printed as its
// key, which the text reader reports as an unknown expression (conditional, with a warning).
#include "parsers/nftables/json.hpp"

#include <map>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace flowgap::parsers::nftables {

using analysis::InputError;
using analysis::SourceLocation;
using nlohmann::json;

namespace {

// libnftables nests a few levels (a rule's expression in a set in a map); a file nesting deeper
// than this is no export, and the renderer recurses over expressions.
constexpr size_t kMaxNesting = 64;

// Checks the nesting of the raw bytes (before nlohmann builds anything) and returns the position
// of each element of the top-level "nftables" array: the `{` at depth 3.
std::vector<SourceLocation> scan(const std::shared_ptr<const std::string>& path, std::string_view t) {
    std::vector<SourceLocation> elements;
    size_t depth = 0;
    uint32_t line = 1;
    size_t line_start = 0;
    bool in_string = false;
    for (size_t i = 0; i < t.size(); ++i) {
        char c = t[i];
        if (c == '\n') {
            ++line;
            line_start = i + 1;
        }
        if (in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                in_string = false;
            continue;
        }
        auto column = static_cast<uint32_t>(i - line_start + 1);
        if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > kMaxNesting)
                throw InputError(
                    SourceLocation{path, line, column},
                    fmt::format("JSON nested more than {} deep: not an nft -j export", kMaxNesting));
            if (depth == 3 && c == '{') elements.push_back(SourceLocation{path, line, column});
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return elements;
}

bool word_safe(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                  c == '.' || c == ':' || c == '/' || c == '-' || c == '@' || c == '*';
        if (!ok) return false;
    }
    return true;
}

// A string as nft prints it: quoted when it is a name (interfaces) or not a plain word. nft
// strings carry no escapes: a quote inside becomes an apostrophe (names are shown, never run).
std::string word(const std::string& s, bool quote) {
    if (!quote && word_safe(s)) return s;
    std::string out = s;
    for (char& c : out)
        if (c == '"' || c == '\n' || c == '\r') c = '\'';
    return "\"" + out + "\"";
}

class Renderer {
  public:
    Renderer(const std::shared_ptr<const std::string>& path) : path_(path) {}

    Rendered run(const json& doc, const std::vector<SourceLocation>& at);

  private:
    [[noreturn]] void fail(const std::string& message) const { throw InputError(here_, message); }
    const json& field(const json& o, const char* key) const {
        if (!o.is_object() || !o.contains(key))
            fail(fmt::format("expected \"{}\" in {}", key, o.dump().substr(0, 80)));
        return o[key];
    }
    std::string str(const json& j) const {
        if (j.is_string()) return j.get<std::string>();
        if (j.is_number_integer()) return std::to_string(j.get<long long>());
        if (j.is_number_unsigned()) return std::to_string(j.get<unsigned long long>());
        fail(fmt::format("expected a string or a number, found {}", j.dump().substr(0, 80)));
    }
    void emit(const std::string& text) {
        out_.text += text;
        out_.text += '\n';
        out_.lines.push_back(here_);
    }
    std::string expr(const json& j, size_t depth, bool names = false) const;
    std::string object_expr(const std::string& key, const json& v, size_t depth) const;
    std::string statement(const json& j) const;
    std::string verdict_value(const json& j, size_t depth) const;
    void table(const json& t);
    void set(const json& s);
    void chain(const json& c);

    const std::shared_ptr<const std::string>& path_;
    SourceLocation here_;
    Rendered out_;
    // The array's objects of each table, in order: (family, table) -> indexes.
    const json* doc_ = nullptr;
    const std::vector<SourceLocation>* at_ = nullptr;
};

std::string Renderer::expr(const json& j, size_t depth, bool names) const {
    if (depth > kMaxNesting) fail("expressions nested too deep");
    if (j.is_string()) return word(j.get<std::string>(), names);
    if (j.is_number() || j.is_boolean()) return j.dump();
    if (j.is_array()) {  // an implicit set: `ct state { established, related }`
        std::vector<std::string> items;
        for (const auto& e : j)
            items.push_back(expr(e, depth + 1, names));
        return fmt::format("{{ {} }}", fmt::join(items, ", "));
    }
    if (!j.is_object() || j.size() != 1)
        fail(fmt::format("not an nft expression: {}", j.dump().substr(0, 80)));
    auto only = j.begin();
    const std::string& key = only.key();
    const json& value = only.value();
    if (key == "set" && value.is_array()) {
        std::vector<std::string> items;
        for (const auto& e : value)
            items.push_back(expr(e, depth + 1, names));
        return fmt::format("{{ {} }}", fmt::join(items, ", "));
    }
    if (key == "elem") return expr(field(value, "val"), depth + 1, names);
    return object_expr(key, value, depth);
}

std::string Renderer::object_expr(const std::string& key, const json& v, size_t depth) const {
    if (key == "payload") {
        if (v.contains("protocol")) return str(field(v, "protocol")) + " " + str(field(v, "field"));
        return "payload";  // a raw offset: not modelled (the text reader says so)
    }
    if (key == "meta") return "meta " + str(field(v, "key"));
    if (key == "ct") return "ct " + (v.contains("dir") ? str(v["dir"]) + " " : "") + str(field(v, "key"));
    if (key == "prefix") return str(field(v, "addr")) + "/" + str(field(v, "len"));
    if (key == "range") {
        const json& r = v;
        if (!r.is_array() || r.size() != 2) fail("a range is [low, high]");
        return expr(r[0], depth + 1) + "-" + expr(r[1], depth + 1);
    }
    if (key == "concat") {
        std::vector<std::string> parts;
        for (const auto& e : v)
            parts.push_back(expr(e, depth + 1));
        return fmt::format("{}", fmt::join(parts, " . "));
    }
    if (key == "&" || key == "|" || key == "^" || key == "<<" || key == ">>") {
        if (!v.is_array() || v.size() != 2) fail(fmt::format("'{}' takes two operands", key));
        return expr(v[0], depth + 1) + " " + key + " " + expr(v[1], depth + 1);
    }
    if (key == "fib") {
        std::vector<std::string> flags;
        if (v.contains("flags"))
            for (const auto& f : v["flags"])
                flags.push_back(str(f));
        return fmt::format("fib {} {}", fmt::join(flags, " . "),
                           v.contains("result") ? str(v["result"]) : "");
    }
    if (key == "map") return expr(field(v, "key"), depth + 1) + " map " + expr(field(v, "data"), depth + 1);
    if (key == "tcp option") return "tcp option " + (v.contains("name") ? str(v["name"]) : "");
    if (key == "socket" || key == "rt" || key == "osf" || key == "exthdr" || key == "ipsec" ||
        key == "numgen" || key == "jhash" || key == "symhash")
        return key;  // known to be conditional (or unknown) to the text reader, whatever follows
    // Verdicts as values of a verdict map.
    if (key == "accept" || key == "drop" || key == "continue" || key == "return") return key;
    if (key == "jump" || key == "goto") return key + " " + str(field(v, "target"));
    return key;
}

// A verdict map's data: `{ KEY : VERDICT, ... }` or `@map`.
std::string Renderer::verdict_value(const json& data, size_t depth) const {
    if (data.is_string()) return data.get<std::string>();
    const json& set = data.is_object() && data.contains("set") ? data["set"] : data;
    if (!set.is_array()) fail("a verdict map is { KEY : VERDICT, ... } or @map");
    std::vector<std::string> items;
    for (const auto& e : set) {
        if (!e.is_array() || e.size() != 2) fail("a verdict map element is [KEY, VERDICT]");
        items.push_back(expr(e[0], depth + 1) + " : " + expr(e[1], depth + 1));
    }
    return fmt::format("{{ {} }}", fmt::join(items, ", "));
}

std::string Renderer::statement(const json& j) const {
    if (!j.is_object() || j.size() != 1)
        fail(fmt::format("not an nft statement: {}", j.dump().substr(0, 80)));
    auto only = j.begin();
    const std::string& key = only.key();
    const json& v = only.value();
    if (key == "match") {
        const json& left = field(v, "left");
        bool names = left.is_object() && left.contains("meta") && left["meta"].is_object() &&
                     left["meta"].contains("key") && str(left["meta"]["key"]).find("if") != std::string::npos;
        std::string op = v.contains("op") ? str(v["op"]) : "==";
        std::string shown = op == "==" || op == "in" ? " " : " " + op + " ";
        return expr(left, 1) + shown + expr(field(v, "right"), 1, names);
    }
    static const std::map<std::string, std::string> kPlain = {{"accept", "accept"},
                                                              {"drop", "drop"},
                                                              {"continue", "continue"},
                                                              {"return", "return"},
                                                              {"counter", "counter"},
                                                              {"log", "log"},
                                                              {"notrack", "notrack"},
                                                              {"reject", "reject"},
                                                              {"masquerade", "masquerade"},
                                                              {"redirect", "redirect"},
                                                              {"queue", "queue"},
                                                              {"tproxy", "tproxy"},
                                                              {"fwd", "fwd"},
                                                              {"synproxy", "synproxy"},
                                                              {"quota", "quota"},
                                                              {"meter", "meter"},
                                                              {"dup", "dup"}};
    if (auto it = kPlain.find(key); it != kPlain.end()) return it->second;
    if (key == "jump" || key == "goto") return key + " " + str(field(v, "target"));
    if (key == "limit") return fmt::format("limit rate {}", v.contains("rate") ? str(v["rate"]) : "");
    if (key == "dnat" || key == "snat") {
        std::string to = v.contains("addr") ? expr(v["addr"], 1) : "";
        if (v.contains("port")) to += ":" + expr(v["port"], 1);
        return key + " to " + to;
    }
    if (key == "mangle") return expr(field(v, "key"), 1) + " set " + expr(field(v, "value"), 1);
    if (key == "vmap") return expr(field(v, "key"), 1) + " vmap " + verdict_value(field(v, "data"), 1);
    if (key == "set")
        return fmt::format("{} {} {{ {} }}", v.contains("op") ? str(v["op"]) : "add", str(field(v, "set")),
                           expr(field(v, "elem"), 1));
    if (key == "xt")
        return fmt::format("xt {} {}", v.contains("type") ? str(v["type"]) : "",
                           v.contains("name") ? str(v["name"]) : "");
    if (key == "ct helper" || key == "ct timeout" || key == "ct expectation" || key == "secmark")
        return key + " set " + word(str(v), true);
    return key;  // unknown: the text reader warns and makes the rule conditional
}

void Renderer::set(const json& s) {
    bool map = s.contains("map");
    emit(fmt::format("\t{} {} {{", map ? "map" : "set", word(str(field(s, "name")), false)));
    auto type_of = [&](const json& t) {
        if (!t.is_array()) return str(t);
        std::vector<std::string> parts;
        for (const auto& p : t)
            parts.push_back(str(p));
        return fmt::format("{}", fmt::join(parts, " . "));
    };
    std::string type = type_of(field(s, "type"));
    if (map) type += " : " + type_of(s["map"]);
    emit("\t\ttype " + type);
    if (s.contains("flags")) {
        std::vector<std::string> flags;
        if (s["flags"].is_array()) {
            for (const auto& f : s["flags"])
                flags.push_back(str(f));
        } else {
            flags.push_back(str(s["flags"]));
        }
        emit(fmt::format("\t\tflags {}", fmt::join(flags, ",")));
    }
    if (s.contains("timeout")) emit("\t\ttimeout " + str(s["timeout"]) + "s");
    if (s.contains("elem")) {
        std::vector<std::string> items;
        for (const auto& e : s["elem"]) {
            if (map && e.is_array() && e.size() == 2) {
                items.push_back(expr(e[0], 1) + " : " + expr(e[1], 1));
                continue;
            }
            std::string item = expr(e, 1);
            if (e.is_object() && e.contains("elem") &&
                (e["elem"].contains("timeout") || e["elem"].contains("expires")))
                item += " timeout 1s";  // an element that expires: the text reader calls the set dynamic
            items.push_back(item);
        }
        emit(fmt::format("\t\telements = {{ {} }}", fmt::join(items, ", ")));
    }
    emit("\t}");
}

void Renderer::chain(const json& c) {
    emit(fmt::format("\tchain {} {{", word(str(field(c, "name")), false)));
    if (c.contains("hook")) {
        std::string dev = c.contains("dev") ? " device " + word(str(c["dev"]), true) : "";
        emit(fmt::format("\t\ttype {} hook {}{} priority {}; policy {};",
                         c.contains("type") ? str(c["type"]) : "filter", str(c["hook"]), dev,
                         c.contains("prio") ? str(c["prio"]) : "0",
                         c.contains("policy") ? str(c["policy"]) : "accept"));
    }
}

Rendered Renderer::run(const json& doc, const std::vector<SourceLocation>& at) {
    const json& list = doc.at("nftables");
    if (!list.is_array()) fail("\"nftables\" is not an array");
    // Objects by table, in the order of the array: libnftables lists each table, then its sets,
    // chains and rules.
    using Key = std::pair<std::string, std::string>;
    std::vector<Key> tables;
    std::map<Key, std::vector<size_t>> members;
    std::map<std::tuple<std::string, std::string, std::string>, std::vector<size_t>> rules;
    for (size_t i = 0; i < list.size(); ++i) {
        here_ = i < at.size() ? at[i] : SourceLocation{path_, 1, 1};
        const json& e = list[i];
        if (!e.is_object() || e.size() != 1) fail("each element of \"nftables\" is an object with one key");
        auto only = e.begin();
        const std::string& kind = only.key();
        const json& o = only.value();
        if (kind == "metainfo") continue;
        if (kind == "table") {
            tables.push_back({str(field(o, "family")), str(field(o, "name"))});
        } else if (kind == "chain" || kind == "set" || kind == "map") {
            members[{str(field(o, "family")), str(field(o, "table"))}].push_back(i);
        } else if (kind == "rule") {
            rules[{str(field(o, "family")), str(field(o, "table")), str(field(o, "chain"))}].push_back(i);
        }
        // Counters, quotas, limits, flowtables, ct helpers: named objects rules use by name.
    }
    for (const auto& [family, name] : tables) {
        emit(fmt::format("table {} {} {{", family, word(name, false)));
        for (size_t i : members[{family, name}]) {
            here_ = i < at.size() ? at[i] : here_;
            auto only = list[i].begin();
            const std::string& kind = only.key();
            const json& o = only.value();
            if (kind != "chain") {
                set(o);
                continue;
            }
            chain(o);
            for (size_t r : rules[{family, name, str(o["name"])}]) {
                here_ = r < at.size() ? at[r] : here_;
                const json& rule = list[r]["rule"];
                std::vector<std::string> parts;
                for (const auto& s : field(rule, "expr"))
                    parts.push_back(statement(s));
                if (rule.contains("comment")) parts.push_back("comment " + word(str(rule["comment"]), true));
                std::string handle = rule.contains("handle") ? " # handle " + str(rule["handle"]) : "";
                emit(fmt::format("\t\t{}{}", fmt::join(parts, " "), handle));
            }
            emit("\t}");
        }
        emit("}");
    }
    return std::move(out_);
}

}  // namespace

bool looks_like_json(std::string_view content) {
    size_t i = content.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
    if (i == std::string_view::npos || content[i] != '{') return false;
    i = content.find_first_not_of(" \t\r\n", i + 1);
    return i != std::string_view::npos && content.substr(i).starts_with("\"nftables\"");
}

Rendered render_json(const std::shared_ptr<const std::string>& path, std::string_view content) {
    std::vector<SourceLocation> at = scan(path, content);
    json doc = json::parse(content, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("nftables"))
        throw InputError(SourceLocation{path, 1, 1}, "not nft -j output: expected {\"nftables\": [...]}");
    return Renderer(path).run(doc, at);
}

}  // namespace flowgap::parsers::nftables
