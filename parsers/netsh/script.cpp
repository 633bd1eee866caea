// Scripts of netsh commands: `netsh advfirewall firewall add rule name=... dir=in ...`, as
// administrators and deployment tools write them in .bat/.cmd files (Windows' own `netsh dump`
// prints no firewall rules). Every spelling cmd.exe and netsh accept is read (command_line.hpp):
// `NETSH.EXE`, a full path, `@netsh`, several commands joined by `&&`, prefixes such as
// `netsh adv f a r`. Each command changes the state the script builds, in order, as running it
// would: `add rule`, `set rule ... new`, `delete rule`, `reset`, `import` and profile settings.
// A line that names the firewall but cannot be read stands for "anything" in the direction it
// could change (RawRule::unreadable): it never vanishes.
#include <algorithm>
#include <optional>
#include <span>

#include <fmt/format.h>

#include "parsers/netsh/command_line.hpp"
#include "parsers/netsh/readers.hpp"
#include "parsers/netsh/text.hpp"

namespace flowgap::parsers::netsh {

namespace {

constexpr size_t kMaxGarbageWarnings = 20;
constexpr size_t kMaxEditWork = 50'000'000;  // rules looked at by all edits together

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

// cmd.exe commands that never touch the firewall; after rem, goto and exit the line ends.
constexpr std::string_view kShellWords[] = {
    "rem",     "echo", "pushd", "popd",  "setlocal", "endlocal", "cls",    "title", "pause", "chcp",
    "timeout", "goto", "exit",  "color", "ver",      "break",    "verify", "cd",    "chdir"};

constexpr unsigned kIn = 1, kOut = 2, kBoth = 3;

std::optional<Field> key_field(std::string_view key) {
    for (const auto& row : kKeys) {
        if (row.key == key) return row.field;
    }
    return std::nullopt;
}

bool mentions_firewall(std::string_view text) {
    return lower(text).find("firewall") != std::string::npos;
}

// The direction a command's `dir=` names, both when it names none.
unsigned direction_hint(std::span<const Token> tokens) {
    for (const auto& t : tokens) {
        if (t.key.empty() || match_prefix(t.key, kRuleParameters).word != "dir") continue;
        std::string v = lower(t.value);
        if (v == "in") return kIn;
        if (v == "out") return kOut;
    }
    return kBoth;
}

// Where a command is: its line (0-based index) and column.
struct At {
    size_t index;
    uint32_t column;
    std::string_view text;
};

class ScriptReader {
  public:
    ScriptReader(std::string_view text, Collected& out) : lines_(split_lines(text)), out_(out) {}

    void run() {
        for (size_t i = 0; i < lines_.size(); ++i)
            line(i);
        if (garbage_ > kMaxGarbageWarnings)
            out_.warn(0, fmt::format("{} more lines not understood, refused or not read",
                                     garbage_ - kMaxGarbageWarnings));
    }

  private:
    uint32_t number(size_t i) const { return static_cast<uint32_t>(i + 1); }

    void garbage(const At& at, std::string_view why) {
        if (++garbage_ <= kMaxGarbageWarnings)
            out_.warn(number(at.index), fmt::format("{}, ignored: '{}'", why, at.text.substr(0, 80)),
                      at.column);
    }

    // netsh refuses the command (an unknown or ambiguous word): it changes nothing.
    void refused(const At& at, std::string_view why) {
        if (++garbage_ > kMaxGarbageWarnings) return;
        out_.warn(number(at.index),
                  fmt::format("{}: netsh refuses this command, so it changes nothing on the host: '{}'", why,
                              at.text.substr(0, 80)),
                  at.column);
    }

    // A command that may change the firewall in a way flowgap cannot read.
    void unreadable(const At& at, unsigned dirs, std::string_view why) {
        std::string_view which = dirs == kBoth ? "inbound and outbound"
                                 : dirs == kIn ? "inbound"
                                               : "outbound";
        // The rule below stands for the command in the report; past the first few, only a count is warned.
        if (++garbage_ <= kMaxGarbageWarnings)
            out_.warn(
                number(at.index),
                fmt::format("{}: flowgap cannot tell what this command does to the firewall, so {} packets "
                            "are conditional unless a rule certainly blocks them: '{}'",
                            why, which, at.text.substr(0, 80)),
                at.column);
        for (unsigned d : {kIn, kOut}) {
            if (dirs & d) add_unreadable(out_, number(at.index), at.text, d == kIn, std::string(why));
        }
    }

    // The word of netsh's list `words` that a bare token names; a warning when netsh refuses it.
    std::optional<std::string_view> word(const At& at, const Token& t,
                                         std::span<const std::string_view> words, std::string_view context) {
        auto m = t.key.empty() ? match_prefix(t.value, words) : PrefixMatch{};
        if (!m.word.empty()) return m.word;
        std::string typed = t.key.empty() ? t.value : t.key + "=" + t.value;
        refused(at, m.ambiguous ? fmt::format("'{}' is ambiguous in netsh {} (several commands start so)",
                                              typed, context)
                                : fmt::format("'{}' is no command of netsh {}", typed, context));
        return std::nullopt;
    }

    void line(size_t i) {
        std::string_view text = trim(lines_[i]);
        if (text.empty() || text.starts_with(':') || text.starts_with('#')) return;  // labels, `::` comments
        for (const Command& c : split_commands(text)) {
            if (!command(i, c)) break;
        }
    }

    // One command of a line; false when cmd.exe runs nothing after it on the line.
    bool command(size_t i, Command c) {
        std::string_view text = c.text;
        while (text.starts_with('@')) {
            text = trim(text.substr(1));
            ++c.column;
        }
        At at{i, c.column, text};
        auto tokens = tokenize(text);
        drop_redirections(tokens);
        if (tokens.empty()) return true;
        std::string first = tokens[0].key.empty() ? lower(tokens[0].value) : "";
        for (std::string_view w : kShellWords) {
            if (first == w) return w != "rem" && w != "goto" && w != "exit";
        }
        std::span<const Token> t(tokens);
        if (!first.empty() && is_netsh_program(first)) {
            netsh(at, t.subspan(1));
        } else if (first == "advfirewall") {  // a `netsh -f` script
            netsh(at, t);
        } else if ((first == "add" || first == "set" || first == "delete") && tokens.size() > 1 &&
                   lower(tokens[1].value) == "rule") {  // after `pushd advfirewall firewall`
            firewall(at, t);
        } else if (mentions_firewall(text)) {
            unreadable(at, direction_hint(t), "a command that names the firewall but is not a netsh command");
        } else {
            garbage(at, "not a netsh command");
        }
        return true;
    }

    void netsh(const At& at, std::span<const Token> t) {
        if (t.empty() || t[0].value.starts_with('-') || t[0].value.starts_with('/')) {
            if (mentions_firewall(at.text))
                return unreadable(at, direction_hint(t), "netsh options (-r, -u, -c, -f) are not modelled");
            return garbage(at, "a netsh command flowgap does not model");
        }
        auto w = word(at, t[0], kTopWords, "");
        if (!w) return;
        if (*w == "advfirewall") return advfirewall(at, t.subspan(1));
        if (*w == "firewall")
            return unreadable(
                at, direction_hint(t),
                "the deprecated `netsh firewall` context (opmode, portopening, allowedprogram) is "
                "not modelled");
        garbage(at, "a netsh command flowgap does not model");
    }

    void advfirewall(const At& at, std::span<const Token> t) {
        if (t.empty()) return garbage(at, "netsh advfirewall without a command");
        auto w = word(at, t[0], kAdvfirewallWords, "advfirewall");
        if (!w) return;
        if (*w == "firewall") return firewall(at, t.subspan(1));
        if (*w == "set") return set(at, t.subspan(1));
        if (*w == "reset") return reset(at);
        if (*w == "import") return import(at, t.subspan(1));
        if (*w == "consec" || *w == "mainmode") {
            constexpr std::string_view kReadOnly[] = {"show", "dump", "help", "?"};
            if (t.size() > 1 && !match_prefix(t[1].value, kReadOnly).word.empty()) return;
            return unreadable(at, kBoth,
                              "connection security (IPsec) rules are not modelled: one that requires "
                              "authentication drops connections that do not authenticate");
        }
        // show, dump, export, help, monitor: they change nothing.
    }

    void firewall(const At& at, std::span<const Token> t) {
        if (t.empty()) return garbage(at, "netsh advfirewall firewall without a command");
        auto verb = word(at, t[0], kFirewallWords, "advfirewall firewall");
        if (!verb || *verb == "show" || *verb == "dump" || *verb == "help" || *verb == "?") return;
        constexpr std::string_view kRule[] = {"rule"};
        if (t.size() < 2 || !word(at, t[1], kRule, fmt::format("advfirewall firewall {}", *verb))) return;
        auto args = t.subspan(2);
        if (*verb == "add") return add(at, args);
        edit(at, args, *verb == "delete");
    }

    void apply(RawRule& rule, const At& at, const Token& t) {
        auto m = match_prefix(t.key, kRuleParameters);
        auto field = m.word.empty() ? std::nullopt : key_field(m.word);
        if (!field) {
            out_.warn(number(at.index),
                      fmt::format("rule '{}': {} parameter '{}' (netsh refuses it, or reads it as some "
                                  "parameter: the rule is treated as conditional)",
                                  rule.name, m.ambiguous ? "ambiguous" : "unknown", t.key),
                      at.column);
            rule.conditions.push_back(
                fmt::format("{}={} (a parameter flowgap does not know)", t.key, t.value));
            return;
        }
        set_rule_field(rule, *field, t.value, number(at.index), out_);
    }

    void add(const At& at, std::span<const Token> args) {
        RawRule rule;
        rule.line = number(at.index);
        rule.text = at.text;
        bool has_action = false;
        for (const auto& t : args) {
            if (t.key.empty()) {
                garbage(at, fmt::format("add rule: '{}' is not a parameter=value pair", t.value));
                continue;
            }
            has_action = has_action || match_prefix(t.key, kRuleParameters).word == "action";
            apply(rule, at, t);
        }
        if (rule.name.empty() || !rule.has_direction || !has_action) {
            out_.warn(
                number(at.index),
                "add rule needs name=, dir= and action= (netsh refuses it: the line adds no rule); skipped",
                at.column);
            ++out_.skipped;
            return;
        }
        if (imported_ && states_after_import_ != kAllProfiles)
            rule.conditions.push_back(fmt::format(
                "the profile settings imported at line {} (not in this script) leave the firewall ON",
                imported_));
        out_.rules.push_back(std::move(rule));
    }

    void edit(const At& at, std::span<const Token> args, bool remove);
    void set(const At& at, std::span<const Token> t);
    void profile(const At& at, std::string_view noun, std::span<const Token> args);
    void reset(const At& at);
    void import(const At& at, std::span<const Token> args);

    std::vector<std::string_view> lines_;
    Collected& out_;
    size_t garbage_ = 0;
    size_t edit_work_ = 0;
    uint32_t imported_ = 0;             // the line of the last `import`, 0: none
    unsigned states_after_import_ = 0;  // profiles whose State the script set since
};

// The rules a `set rule` or `delete rule` selects: `name=` (or all) and every filter given, compared
// as netsh stores them. A name equal but for case is a match netsh may or may not make.
enum class Pick { no, yes, unsure };

struct Selector {
    std::string name;
    RawRule probe;               // the filters, read like `add rule` parameters
    std::vector<Field> filters;  // which of them were given
};

std::string squeeze(std::string_view s) {
    std::string out;
    for (char c : lower(s)) {
        if (!is_blank(c)) out.push_back(c);
    }
    return out;
}

// A comma list as a set: netsh matches `443,17472` and `17472, 443` alike.
std::vector<std::string> items(std::string_view list) {
    std::vector<std::string> out;
    for (auto item : split(list, ','))
        out.push_back(squeeze(item));
    std::sort(out.begin(), out.end());
    return out;
}

bool same(const RawRule& a, const RawRule& b, Field f) {
    switch (f) {
        case Field::direction: return a.inbound == b.inbound;
        case Field::profiles: return a.profiles == b.profiles;
        case Field::protocol: return a.protocol == b.protocol && a.icmp == b.icmp;
        case Field::local_ip: return items(a.local_ip) == items(b.local_ip);
        case Field::remote_ip: return items(a.remote_ip) == items(b.remote_ip);
        case Field::local_port: return items(a.local_port) == items(b.local_port);
        case Field::remote_port: return items(a.remote_port) == items(b.remote_port);
        case Field::program: return squeeze(a.program) == squeeze(b.program);
        case Field::service: return squeeze(a.service) == squeeze(b.service);
        default: return true;
    }
}

// The filters `set rule` and `delete rule` accept besides name= (netsh ... delete rule /?).
bool selects(Field f) {
    switch (f) {
        case Field::rule_name:
        case Field::direction:
        case Field::profiles:
        case Field::protocol:
        case Field::local_ip:
        case Field::remote_ip:
        case Field::local_port:
        case Field::remote_port:
        case Field::program:
        case Field::service: return true;
        default: return false;
    }
}

Pick picks(const Selector& s, const RawRule& r) {
    if (!r.unreadable.empty()) return Pick::no;
    for (Field f : s.filters) {
        if (!same(s.probe, r, f)) return Pick::no;
    }
    if (lower(s.name) == "all" || r.name == s.name) return Pick::yes;
    return lower(r.name) == lower(s.name) ? Pick::unsure : Pick::no;
}

void ScriptReader::edit(const At& at, std::span<const Token> args, bool remove) {
    Selector s;
    Collected scratch;  // the filters' own warnings would repeat the rules'
    size_t k = 0;
    for (; k < args.size() && !(args[k].key.empty() && lower(args[k].value) == "new"); ++k) {
        auto m = match_prefix(args[k].key, kRuleParameters);
        auto field = m.word.empty() ? std::nullopt : key_field(m.word);
        if (!field || !selects(*field)) {
            return unreadable(at, direction_hint(args),
                              fmt::format("'{}=' does not select rules flowgap can compare", args[k].key));
        }
        if (*field == Field::rule_name) {
            s.name = args[k].value;
            continue;
        }
        set_rule_field(s.probe, *field, args[k].value, 0, scratch);
        s.filters.push_back(*field);
    }
    if (s.name.empty()) return refused(at, "a `set rule` or `delete rule` without name=");
    if (!remove && k >= args.size()) return refused(at, "`set rule` without `new`");
    // Each edit looks at every rule so far: a budget keeps a script of many edits from taking hours.
    edit_work_ += out_.rules.size();
    if (edit_work_ > kMaxEditWork)
        throw analysis::InputError(
            {out_.path, number(at.index), at.column},
            fmt::format("this script's `set rule` and `delete rule` lines look at over {} "
                        "rules in all, more than flowgap models",
                        kMaxEditWork));
    unsigned unsure = 0;
    for (auto& r : out_.rules) {
        Pick p = picks(s, r);
        if (p == Pick::unsure) unsure |= r.inbound ? kIn : kOut;
        if (p != Pick::yes || remove) continue;
        for (size_t j = k + 1; j < args.size(); ++j)
            apply(r, at, args[j]);
    }
    if (remove) std::erase_if(out_.rules, [&](const RawRule& r) { return picks(s, r) == Pick::yes; });
    if (unsure)
        unreadable(
            at, unsure,
            fmt::format("a rule's name differs from name={} only in case, which netsh may match", s.name));
}

void ScriptReader::set(const At& at, std::span<const Token> t) {
    if (t.empty()) return refused(at, "`advfirewall set` without a setting");
    auto w = word(at, t[0], kSetWords, "advfirewall set");
    if (!w) return;
    if (w->ends_with("profile") && *w != "currentprofile") return profile(at, *w, t.subspan(1));
    if (*w == "allprofiles") return profile(at, *w, t.subspan(1));
    if (*w == "currentprofile")
        return unreadable(at, kBoth, "`set currentprofile` changes whichever profile is active when it runs");
    out_.warn(number(at.index),
              fmt::format("`advfirewall set {}` is not modelled (it does not decide which "
                          "packets the rules pass); ignored",
                          *w),
              at.column);
}

// `set allprofiles state off`, `set domainprofile firewallpolicy blockinbound,allowoutbound`.
void ScriptReader::profile(const At& at, std::string_view noun, std::span<const Token> args) {
    std::vector<size_t> which = noun == "allprofiles"      ? std::vector<size_t>{0, 1, 2}
                                : noun == "domainprofile"  ? std::vector<size_t>{0}
                                : noun == "privateprofile" ? std::vector<size_t>{1}
                                                           : std::vector<size_t>{2};
    constexpr std::string_view kSettings[] = {"firewallpolicy", "logging", "settings", "state"};
    if (args.size() < 2) return refused(at, "a profile setting without a value");
    auto setting = word(at, args[0], kSettings, fmt::format("advfirewall set {}", noun));
    if (!setting || *setting == "logging" || *setting == "settings") return;
    std::string value = lower(args[1].value);
    if (value == "notconfigured" || value.find("notconfigured") != std::string::npos)
        return unreadable(at,
                          *setting == "state"                  ? kBoth
                          : value.starts_with("notconfigured") ? kIn
                                                               : kOut,
                          "NotConfigured leaves the setting to Group Policy or Windows' default");
    auto parts = split(value, ',');
    bool valid = *setting == "state" ? value == "on" || value == "off"
                                     : parts.size() == 2 &&
                                           (parts[0] == "blockinbound" || parts[0] == "blockinboundalways" ||
                                            parts[0] == "allowinbound") &&
                                           (parts[1] == "allowoutbound" || parts[1] == "blockoutbound");
    if (!valid) return refused(at, fmt::format("'{}' is no value of {}", args[1].value, *setting));
    for (size_t p : which) {
        ProfileSettings& s = out_.profiles[p];
        if (!s.seen) s.line = number(at.index);  // the profile is located where the script first sets it
        s.seen = true;
        if (*setting == "state") {
            s.on = value == "on";
            s.state_seen = true;
            states_after_import_ |= 1u << p;
        } else {
            s.inbound = std::string(parts[0]);
            s.outbound = std::string(parts[1]);
            s.policy_seen = true;
        }
    }
}

// `netsh advfirewall reset`: every rule deleted, every profile ON with BlockInbound,AllowOutbound.
void ScriptReader::reset(const At& at) {
    out_.rules.clear();
    for (auto& s : out_.profiles) {
        s = ProfileSettings{};
        s.seen = s.state_seen = s.policy_seen = true;
        s.line = number(at.index);
    }
    imported_ = 0;
}

// `netsh advfirewall import FILE` replaces every rule and profile setting with the file's, which
// flowgap does not have.
void ScriptReader::import(const At& at, std::span<const Token> args) {
    out_.rules.clear();
    for (auto& s : out_.profiles)
        s = ProfileSettings{};
    imported_ = number(at.index);
    states_after_import_ = 0;
    unreadable(
        at, kBoth,
        fmt::format("the policy imported from '{}' (not in this script) replaces every rule and profile "
                    "setting; audit that export instead",
                    args.empty() ? "" : args[0].value));
}

}  // namespace

void read_script(std::string_view text, Collected& out) {
    ScriptReader(text, out).run();
}

}  // namespace flowgap::parsers::netsh
