// Scripts of netsh commands: `netsh advfirewall firewall add rule name=... dir=in ...`, one per
// line, as administrators and deployment tools write them (Windows' own `netsh dump` prints no
// firewall rules). Later `set rule ... new ...` and `delete rule` lines edit earlier rules, as
// running the script would.
#include <optional>
#include <span>

#include <fmt/format.h>

#include "parsers/netsh/readers.hpp"
#include "parsers/netsh/text.hpp"

namespace flowgap::parsers::netsh {

namespace {

constexpr size_t kMaxGarbageWarnings = 20;

struct KeyRow {
    std::string_view key;
    Field field;
};
// `add rule` parameters (netsh advfirewall firewall add rule /?).
constexpr KeyRow kKeys[] = {
    {"name", Field::rule_name},
    {"dir", Field::direction},
    {"action", Field::action},
    {"enable", Field::enabled},
    {"profile", Field::profiles},
    {"localip", Field::local_ip},
    {"remoteip", Field::remote_ip},
    {"localport", Field::local_port},
    {"remoteport", Field::remote_port},
    {"protocol", Field::protocol},
    {"program", Field::program},
    {"service", Field::service},
    {"interfacetype", Field::interface_types},
    {"edge", Field::edge},
    {"security", Field::security},
    {"rmtcomputergrp", Field::remote_computers},
    {"rmtusrgrp", Field::remote_users},
    {"description", Field::description},
};

struct Token {
    std::string key;  // lowercase; empty for a bare word
    std::string value;
};

// Words separated by blanks; double quotes group, anywhere in a word (name="Open Port").
std::vector<Token> tokenize(std::string_view line) {
    std::vector<Token> out;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && is_blank(line[i]))
            ++i;
        if (i >= line.size()) break;
        std::string word;
        bool quoted = false;
        for (; i < line.size() && (quoted || !is_blank(line[i])); ++i) {
            if (line[i] == '"') {
                quoted = !quoted;
            } else {
                word.push_back(line[i]);
            }
        }
        Token t;
        size_t eq = word.find('=');
        if (eq != std::string::npos && word.find('"') == std::string::npos) {
            t.key = lower(std::string_view(word).substr(0, eq));
            t.value = word.substr(eq + 1);
        } else {
            t.value = word;
        }
        out.push_back(std::move(t));
    }
    return out;
}

std::optional<Field> key_field(std::string_view key) {
    for (const auto& row : kKeys) {
        if (row.key == key) return row.field;
    }
    return std::nullopt;
}

class ScriptReader {
  public:
    ScriptReader(std::string_view text, Collected& out) : lines_(split_lines(text)), out_(out) {}

    void run() {
        for (size_t i = 0; i < lines_.size(); ++i)
            line(i);
        if (garbage_ > kMaxGarbageWarnings)
            out_.warn(0, fmt::format("{} more lines not understood", garbage_ - kMaxGarbageWarnings));
    }

  private:
    uint32_t number(size_t i) const { return static_cast<uint32_t>(i + 1); }

    void garbage(size_t i, std::string_view why) {
        if (++garbage_ <= kMaxGarbageWarnings)
            out_.warn(number(i), fmt::format("{}, ignored: '{}'", why, trim(lines_[i]).substr(0, 80)));
    }

    void line(size_t i) {
        std::string_view text = trim(lines_[i]);
        std::string l = lower(text);
        if (text.empty() || l.starts_with("rem ") || l == "rem" || l.starts_with("::") ||
            l.starts_with("#") || l.starts_with("@echo") || l.starts_with("echo ") ||
            l.starts_with("pushd") || l.starts_with("popd"))
            return;
        auto tokens = tokenize(text);
        // Drop the context words: `netsh advfirewall firewall add rule` or, after
        // `pushd advfirewall firewall`, a bare `add rule`.
        size_t k = 0;
        for (std::string_view word : {"netsh", "advfirewall", "firewall"}) {
            if (k < tokens.size() && tokens[k].key.empty() && lower(tokens[k].value) == word) ++k;
        }
        std::string verb = k < tokens.size() ? lower(tokens[k].value) : "";
        std::string noun = k + 1 < tokens.size() ? lower(tokens[k + 1].value) : "";
        std::span<const Token> args(tokens.data() + std::min(tokens.size(), k + 2),
                                    tokens.size() - std::min(tokens.size(), k + 2));
        if (noun == "rule" && verb == "add") return add(i, text, args);
        if (noun == "rule" && verb == "set") return edit(i, args, false);
        if (noun == "rule" && verb == "delete") return edit(i, args, true);
        if (verb == "set" && (noun.ends_with("profile") || noun == "allprofiles"))
            return profile(i, noun, args);
        garbage(i, k > 0 ? "a netsh command flowgap does not model" : "not a netsh command");
    }

    void apply(RawRule& rule, size_t i, const Token& t) {
        auto field = key_field(t.key);
        if (!field) {
            out_.warn(number(i), fmt::format("rule '{}': unknown parameter '{}'", rule.name, t.key));
            rule.conditions.push_back(
                fmt::format("{}={} (a parameter flowgap does not know)", t.key, t.value));
            return;
        }
        set_rule_field(rule, *field, t.value, number(i), out_);
    }

    void add(size_t i, std::string_view text, std::span<const Token> args) {
        RawRule rule;
        rule.line = number(i);
        rule.text = text;
        bool has_action = false;
        for (const auto& t : args) {
            if (t.key.empty()) {
                garbage(i, fmt::format("add rule: '{}' is not a parameter=value pair", t.value));
                continue;
            }
            has_action = has_action || t.key == "action";
            apply(rule, i, t);
        }
        if (rule.name.empty() || !rule.has_direction || !has_action) {
            out_.warn(number(i), "add rule needs name=, dir= and action=; skipped");
            ++out_.skipped;
            return;
        }
        out_.rules.push_back(std::move(rule));
    }

    // `set rule name=X [dir=in] new enable=no ...` and `delete rule name=X [dir=in]`: the rules
    // the selectors pick, as netsh would.
    void edit(size_t i, std::span<const Token> args, bool remove) {
        std::string name;
        std::optional<bool> inbound;
        size_t k = 0;
        for (; k < args.size() && !(args[k].key.empty() && lower(args[k].value) == "new"); ++k) {
            if (args[k].key == "name") name = args[k].value;
            if (args[k].key == "dir") inbound = lower(args[k].value) == "in";
        }
        auto picked = [&](const RawRule& r) {
            return (name == "all" || r.name == name) && (!inbound || r.inbound == *inbound);
        };
        if (remove) {
            std::erase_if(out_.rules, picked);
            return;
        }
        for (auto& r : out_.rules) {
            if (!picked(r)) continue;
            for (size_t j = k + 1; j < args.size(); ++j)
                apply(r, i, args[j]);
        }
    }

    // `set allprofiles state off`, `set domainprofile firewallpolicy blockinbound,allowoutbound`.
    void profile(size_t i, std::string_view noun, std::span<const Token> args) {
        std::vector<size_t> which;
        if (noun == "allprofiles") which = {0, 1, 2};
        if (noun == "domainprofile") which = {0};
        if (noun == "privateprofile") which = {1};
        if (noun == "publicprofile") which = {2};
        if (which.empty() || args.size() < 2)
            return garbage(i, "a profile setting flowgap does not model (currentprofile names no profile)");
        std::string setting = lower(args[0].value), value = lower(args[1].value);
        for (size_t p : which) {
            ProfileSettings& s = out_.profiles[p];
            if (!s.seen) s.line = number(i);
            s.seen = true;
            if (setting == "state") {
                s.on = value != "off";
                s.state_seen = true;
            }
            if (setting == "firewallpolicy") {
                auto parts = split(value, ',');
                if (parts.size() == 2) {
                    s.inbound = parts[0];
                    s.outbound = parts[1];
                    s.policy_seen = true;
                }
            }
        }
    }

    std::vector<std::string_view> lines_;
    Collected& out_;
    size_t garbage_ = 0;
};

}  // namespace

void read_script(std::string_view text, Collected& out) {
    ScriptReader(text, out).run();
}

}  // namespace flowgap::parsers::netsh
