// PowerShell scripts of the NetSecurity cmdlets, as many teams keep their Windows firewall:
//
//   New-NetFirewallRule -DisplayName "Tanium Client" -Direction Inbound -Protocol TCP `
//       -LocalPort 17472 -RemoteAddress @("10.20.0.0/16", "LocalSubnet") -Action Allow
//
// read in order into the state running them leaves, like netsh scripts (script.cpp). Parameter
// names match by unambiguous case-insensitive prefix, as PowerShell binds them; values may be
// quoted either way, comma lists or @() arrays. A value PowerShell computes ($variables,
// (expressions), "strings with $x") is not known: the rule becomes conditional, or, where it
// decides what the command does at all (direction, action, name), the command stands for
// "anything" in its direction (add_unreadable). So do commands inside {} blocks (which may run
// never or many times) and pipelines that feed the cmdlets. Each New-NetFirewallRule becomes the
// property object the JSON export gives, read by read_json_rule.
#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include "parsers/netsh/command_line.hpp"
#include "parsers/netsh/powershell_words.hpp"
#include "parsers/netsh/readers.hpp"
#include "parsers/netsh/text.hpp"

namespace flowgap::parsers::netsh {

namespace {

using nlohmann::json;

constexpr size_t kMaxWarnings = 20;
constexpr size_t kMaxEditWork = 50'000'000;  // rules looked at by all selections together

constexpr std::string_view kCmdlets[] = {"new-netfirewallrule",     "set-netfirewallrule",
                                         "remove-netfirewallrule",  "enable-netfirewallrule",
                                         "disable-netfirewallrule", "set-netfirewallprofile"};

enum class Use { property, select, condition, ignore, whatif };
struct Param {
    std::string_view word;  // lowercase, for match_prefix
    std::string_view property;
    Use use;
};
// The parameters of New-/Set-NetFirewallRule (Get-Help).
constexpr Param kRuleParams[] = {
    {"action", "Action", Use::property},
    {"authentication", "Authentication", Use::property},
    {"direction", "Direction", Use::property},
    {"displayname", "DisplayName", Use::select},
    {"edgetraversalpolicy", "EdgeTraversalPolicy", Use::property},
    {"enabled", "Enabled", Use::property},
    {"encryption", "Encryption", Use::property},
    {"icmptype", "IcmpType", Use::property},
    {"interfacetype", "InterfaceType", Use::property},
    {"localaddress", "LocalAddress", Use::property},
    {"localport", "LocalPort", Use::property},
    {"profile", "Profile", Use::property},
    {"program", "Program", Use::property},
    {"protocol", "Protocol", Use::property},
    {"remoteaddress", "RemoteAddress", Use::property},
    {"remotemachine", "RemoteMachine", Use::property},
    {"remoteport", "RemotePort", Use::property},
    {"remoteuser", "RemoteUser", Use::property},
    {"service", "Service", Use::property},
    {"name", "Name", Use::select},
    {"newdisplayname", "DisplayName", Use::property},
    {"interfacealias", "InterfaceAlias", Use::condition},
    {"localuser", "LocalUser", Use::condition},
    {"owner", "Owner", Use::condition},
    {"package", "Package", Use::condition},
    {"policystore", "PolicyStore", Use::condition},
    {"gposession", "GPOSession", Use::condition},
    {"overrideblockrules", "OverrideBlockRules", Use::condition},
    {"dynamictarget", "DynamicTarget", Use::condition},
    {"remotedynamickeywordaddresses", "RemoteDynamicKeywordAddresses", Use::condition},
    {"loosesourcemapping", "LooseSourceMapping", Use::condition},
    {"localonlymapping", "LocalOnlyMapping", Use::condition},
    {"description", "", Use::ignore},
    {"group", "", Use::ignore},
    {"platform", "", Use::ignore},
};

struct Argument {
    const Param* param = nullptr;
    std::string typed;
    std::vector<PsValue> values;  // empty for a switch
    bool computed() const {
        for (const auto& v : values) {
            if (v.computed) return true;
        }
        return false;
    }
    std::string joined() const {
        std::string out;
        for (const auto& v : values)
            out += (out.empty() ? "" : ",") + v.text;
        return values.empty() ? "True" : out;
    }
};

// Set-NetFirewallProfile's parameters that decide filtering; the others only log or notify.
constexpr Param kProfileParams[] = {
    {"name", "Profile", Use::select},
    {"profile", "Profile", Use::select},
    {"all", "All", Use::select},
    {"enabled", "Enabled", Use::property},
    {"defaultinboundaction", "DefaultInboundAction", Use::property},
    {"defaultoutboundaction", "DefaultOutboundAction", Use::property},
    {"allowinboundrules", "AllowInboundRules", Use::property},
    {"allowlocalfirewallrules", "AllowLocalFirewallRules", Use::condition},
    {"disabledinterfacealiases", "DisabledInterfaceAliases", Use::condition},
    {"policystore", "PolicyStore", Use::condition},
    {"gposession", "GPOSession", Use::condition},
    {"logfilename", "", Use::ignore},
    {"logmaxsizekilobytes", "", Use::ignore},
    {"logallowed", "", Use::ignore},
    {"logblocked", "", Use::ignore},
    {"logignored", "", Use::ignore},
    {"notifyonlisten", "", Use::ignore},
    {"enablestealthmodeforipsec", "", Use::ignore},
    {"allowunicastresponsetomulticast", "", Use::ignore},
    {"allowuserapps", "", Use::ignore},
    {"allowuserports", "", Use::ignore},
    {"allowlocalipsecrules", "", Use::ignore},
};

// The parameters every firewall cmdlet takes (CIM and common parameters).
constexpr Param kCommonParams[] = {
    {"asjob", "", Use::ignore},         {"cimsession", "", Use::ignore}, {"throttlelimit", "", Use::ignore},
    {"passthru", "", Use::ignore},      {"confirm", "", Use::ignore},    {"erroraction", "", Use::ignore},
    {"warningaction", "", Use::ignore}, {"verbose", "", Use::ignore},    {"whatif", "", Use::whatif},
};

// A cmdlet's parameters with the common ones, and their words for match_prefix: PowerShell
// resolves a prefix among all of them, so an abbreviation is ambiguous across both lists.
struct ParamTable {
    std::vector<Param> params;
    std::vector<std::string_view> words;

    template <size_t N>
    explicit ParamTable(const Param (&own)[N]) {
        params.assign(std::begin(own), std::end(own));
        params.insert(params.end(), std::begin(kCommonParams), std::end(kCommonParams));
        for (const auto& p : params)
            words.push_back(p.word);
    }
    const Param* find(std::string_view word) const {
        for (const auto& p : params) {
            if (p.word == word) return &p;
        }
        return nullptr;
    }
};

const ParamTable& rule_params() {
    static const ParamTable table(kRuleParams);
    return table;
}

const ParamTable& profile_params() {
    static const ParamTable table(kProfileParams);
    return table;
}

// A rule as New-NetFirewallRule made it and later commands changed it.
struct Entry {
    json props = json::object();
    uint32_t line = 0;
    std::string_view text;
    std::vector<std::string> conditions;
};

// Properties whose value decides what the command does at all, not only which packets.
bool decisive(std::string_view property) {
    return property == "Direction" || property == "Action" || property == "Enabled" ||
           property == "DisplayName" || property == "Name";
}

class PowerShellReader {
  public:
    PowerShellReader(std::string_view text, Collected& out) : lines_(split_lines(text)), out_(out) {}

    void run() {
        for (size_t i = 0; i < lines_.size(); ++i)
            i = logical_line(i);
        for (const auto& e : entries_) {
            size_t before = out_.rules.size();
            read_json_rule(e.props, e.line, e.text, out_);
            if (out_.rules.size() > before) {
                for (const auto& c : e.conditions)
                    out_.rules.back().conditions.push_back(c);
            }
        }
        if (warnings_ > kMaxWarnings)
            out_.warn(0, fmt::format("{} more lines not understood, refused or not read",
                                     warnings_ - kMaxWarnings));
    }

  private:
    uint32_t number(size_t i) const { return static_cast<uint32_t>(i + 1); }

    void warn(std::string message) {
        if (++warnings_ <= kMaxWarnings) out_.warn(line_, std::move(message));
    }

    // PowerShell stops the command (a binding error, -WhatIf): it changes nothing.
    void refused(std::string_view why) {
        warn(fmt::format("{}: PowerShell does not run this command, so it changes nothing on the host", why));
    }

    void unreadable(unsigned dirs, std::string_view why) {
        warn(fmt::format(
            "{}: flowgap cannot tell what this command does to the firewall, so its {} packets are "
            "conditional unless a rule certainly blocks them",
            why,
            dirs == 3   ? "inbound and outbound"
            : dirs == 1 ? "inbound"
                        : "outbound"));
        for (unsigned d : {1u, 2u}) {
            if (dirs & d) add_unreadable(out_, line_, text_, d == 1, std::string(why));
        }
    }

    // One line with its backtick continuations; returns the index of its last line.
    size_t logical_line(size_t i) {
        std::string_view first = trim(lines_[i]);
        if (first.starts_with("<#")) {  // a block comment
            while (i < lines_.size() && lines_[i].find("#>") == std::string_view::npos)
                ++i;
            return i;
        }
        size_t last = i;
        std::string joined(trim(lines_[i]));
        while (joined.ends_with('`') && last + 1 < lines_.size()) {
            joined.pop_back();
            joined += ' ';
            joined += trim(lines_[++last]);
        }
        const char* begin = lines_[i].data();
        text_ =
            std::string_view(begin, static_cast<size_t>(lines_[last].data() + lines_[last].size() - begin));
        line_ = number(i);
        bool names_firewall = lower(joined).find("firewall") != std::string::npos;
        auto words = ps_words(joined);
        size_t start = 0;
        for (size_t k = 0; k <= words.size(); ++k) {
            if (k < words.size() && words[k].kind != PsWord::semicolon) continue;
            statement(std::vector<PsWord>(words.begin() + start, words.begin() + k), names_firewall);
            start = k + 1;
        }
        return last;
    }

    void statement(std::vector<PsWord> w, bool names_firewall) {
        bool braces = false;
        for (const auto& word : w) {
            if (word.kind == PsWord::open_brace) ++depth_, braces = true;
            if (word.kind == PsWord::close_brace && depth_ > 0) --depth_, braces = true;
        }
        if (w.empty() || !names_firewall) return;
        std::string cmdlet = w[0].kind == PsWord::value && !w[0].v.computed ? lower(w[0].v.text) : "";
        bool known = std::find(std::begin(kCmdlets), std::end(kCmdlets), cmdlet) != std::end(kCmdlets);
        if (!known || braces || depth_ > 0)
            return unreadable(
                3, known ? "a firewall command inside a { } block, which may run never or many times"
                         : "a PowerShell statement that names the firewall but is not a command "
                           "flowgap reads");
        for (size_t k = 0; k < w.size(); ++k) {
            if (w[k].kind != PsWord::pipe) continue;
            bool feeds_firewall = false;  // `| Out-Null` only takes the output
            for (size_t j = k + 1; j < w.size(); ++j)
                feeds_firewall = feeds_firewall || lower(w[j].v.text).find("firewall") != std::string::npos;
            if (feeds_firewall) return unreadable(3, "a pipeline into a firewall command");
            w.resize(k);
            break;
        }
        if (cmdlet == "set-netfirewallprofile") return profile(w);
        std::vector<Argument> args;
        if (!arguments(w, rule_params(), args)) return;
        if (cmdlet == "new-netfirewallrule") return create(args);
        edit(cmdlet, args);
    }

    // Binds the words after the cmdlet to parameters; false (warned) when PowerShell would not.
    bool arguments(const std::vector<PsWord>& w, const ParamTable& table, std::vector<Argument>& out) {
        for (size_t k = 1; k < w.size();) {
            if (w[k].kind != PsWord::param) {
                unreadable(3, fmt::format("'{}' is no parameter flowgap can bind", w[k].v.text));
                return false;
            }
            auto m = match_prefix(w[k].v.text, table.words);
            if (m.word.empty()) {
                refused(fmt::format("-{} is {} parameter of {}", w[k].v.text,
                                    m.ambiguous ? "an ambiguous" : "no", w[0].v.text));
                return false;
            }
            Argument a{table.find(m.word), w[k].v.text, {}};
            ++k;
            a.values = ps_values(w, k);
            if (a.param->use == Use::whatif) {
                refused("-WhatIf");
                return false;
            }
            out.push_back(std::move(a));
        }
        return true;
    }

    static unsigned direction_hint(const std::vector<Argument>& args) {
        for (const auto& a : args) {
            if (a.param->property != "Direction" || a.computed()) continue;
            std::string v = lower(a.joined());
            if (v.starts_with("in")) return 1;
            if (v.starts_with("out")) return 2;
        }
        return 3;
    }

    // A property value into a rule; computed filter values make the rule conditional instead.
    bool apply(const Argument& a, json& props, std::vector<std::string>& conditions, unsigned dirs) {
        std::string shown = fmt::format("-{} {}", a.param->property, a.joined());
        if (a.param->use == Use::ignore) return true;
        if (a.param->use == Use::condition) {
            std::string v = lower(a.joined());
            if (a.param->property == "PolicyStore" && (v == "persistentstore" || v == "localhost"))
                return true;
            if (a.param->property == "OverrideBlockRules" && v == "false") return true;
            conditions.push_back(fmt::format("{} (a restriction flowgap does not model)", shown));
            return true;
        }
        if (a.computed()) {
            if (decisive(a.param->property)) {
                unreadable(dirs, fmt::format("{} is computed by PowerShell", shown));
                return false;
            }
            conditions.push_back(fmt::format("{} (computed by PowerShell) matches the packets", shown));
            return true;
        }
        props[std::string(a.param->property)] = a.joined();
        return true;
    }

    void create(const std::vector<Argument>& args) {
        Entry e;
        e.line = line_;
        e.text = text_;
        unsigned dirs = direction_hint(args);
        for (const auto& a : args) {
            if (!apply(a, e.props, e.conditions, dirs)) return;
        }
        if (!e.props.contains("DisplayName")) return refused("New-NetFirewallRule without -DisplayName");
        if (!e.props.contains("Direction")) e.props["Direction"] = "Inbound";  // PowerShell's defaults
        if (!e.props.contains("Action")) e.props["Action"] = "Allow";
        entries_.push_back(std::move(e));
    }

    // Set-, Remove-, Enable-, Disable-NetFirewallRule: the rules -Name and -DisplayName select.
    void edit(std::string_view cmdlet, const std::vector<Argument>& args) {
        std::vector<const Argument*> selectors, changes;
        for (const auto& a : args)
            (a.param->use == Use::select ? selectors : changes).push_back(&a);
        for (const auto* a : selectors) {
            for (const auto& v : a->values) {
                if (v.computed || v.text.find('[') != std::string::npos)
                    return unreadable(3, fmt::format("-{} {} selects rules flowgap cannot tell",
                                                     a->param->property, a->joined()));
            }
        }
        if (selectors.empty()) return unreadable(3, fmt::format("{} without -Name or -DisplayName", cmdlet));
        bool set = cmdlet == "set-netfirewallrule";
        for (const auto* a : changes) {
            if (!set && a->param->use != Use::ignore)
                return unreadable(3, fmt::format("-{} as a filter of {}", a->param->property, cmdlet));
        }
        work_ += entries_.size();
        if (work_ > kMaxEditWork)
            throw analysis::InputError(
                {out_.path, line_, 1},
                fmt::format("this script's rule selections look at over {} rules in all, "
                            "more than flowgap models",
                            kMaxEditWork));
        auto picked = [&](const Entry& e) {
            for (const auto* a : selectors) {
                std::string have = e.props.value(std::string(a->param->property), std::string());
                bool any = false;
                for (const auto& v : a->values)
                    any = any || ps_like(v.text, have);
                if (!any) return false;
            }
            return true;
        };
        if (cmdlet == "remove-netfirewallrule") return (void)std::erase_if(entries_, picked);
        for (auto& e : entries_) {
            if (!picked(e)) continue;
            if (!set) e.props["Enabled"] = cmdlet == "enable-netfirewallrule" ? "True" : "False";
            for (const auto* a : changes) {
                if (!apply(*a, e.props, e.conditions, direction_hint(args))) return;
            }
        }
    }

    void profile(const std::vector<PsWord>& w) {
        std::vector<Argument> args;
        if (!arguments(w, profile_params(), args)) return;
        unsigned which = 0;
        for (const auto& a : args) {
            if (a.param->use != Use::select) continue;
            if (a.param->property == "All") which = kAllProfiles;
            for (const auto& v : a.param->property == "All" ? std::vector<PsValue>{} : a.values) {
                auto p = value_of(ValueKind::profile, v.text);
                if (v.computed || !p || *p == "any")
                    return unreadable(
                        3, fmt::format("-Profile {} names profiles flowgap cannot tell", a.joined()));
                which |= *p == "domain" ? kDomain : *p == "private" ? kPrivate : kPublic;
            }
        }
        if (!which) return unreadable(3, "Set-NetFirewallProfile without -Profile or -All");
        for (const auto& a : args) {
            if (a.param->use == Use::select || a.param->use == Use::ignore) continue;
            if (!setting(a, which)) return;
        }
    }

    // One profile setting; false when it cannot be read (warned, and a rule stands for it).
    bool setting(const Argument& a, unsigned which) {
        std::string v = lower(a.joined()), property(a.param->property);
        bool yes = v == "true", no = v == "false";
        unsigned dirs = property == "DefaultOutboundAction" ? 2 : property == "DefaultInboundAction" ? 1 : 3;
        if (a.param->use == Use::condition && !(property == "AllowLocalFirewallRules" && yes))
            return unreadable(3, fmt::format("-{} {} is not modelled", property, a.joined())), false;
        bool valid = property == "Enabled" || property == "AllowInboundRules" ? yes || no
                                                                              : v == "block" || v == "allow";
        if (a.param->use == Use::condition) return true;
        if (a.computed() || !valid)
            return unreadable(dirs,
                              fmt::format("-{} {} (NotConfigured or computed: Group Policy or PowerShell "
                                          "decides)",
                                          property, a.joined())),
                   false;
        for (size_t p = 0; p < 3; ++p) {
            if (!(which & (1u << p))) continue;
            ProfileSettings& s = out_.profiles[p];
            if (!s.seen) s.line = line_;  // as in netsh scripts: where the script first sets the profile
            s.seen = true;
            if (property == "Enabled") s.on = yes, s.state_seen = true;
            if (property == "DefaultInboundAction")
                s.inbound = v == "block" ? "blockinbound" : "allowinbound";
            if (property == "DefaultOutboundAction")
                s.outbound = v == "block" ? "blockoutbound" : "allowoutbound";
            if (property == "AllowInboundRules") {
                if (no) s.inbound = "blockinboundalways";
                if (yes && s.inbound == "blockinboundalways") s.inbound = "blockinbound";
            }
            if (property != "Enabled") s.policy_seen = true;
        }
        return true;
    }

    std::vector<std::string_view> lines_;
    Collected& out_;
    std::vector<Entry> entries_;
    std::string_view text_;  // the current logical line, continuations included
    uint32_t line_ = 0;
    size_t depth_ = 0;  // of { } blocks
    size_t warnings_ = 0;
    size_t work_ = 0;
};

}  // namespace

bool is_firewall_cmdlet_line(std::string_view line) {
    std::string l = lower(trim(line));
    for (std::string_view c : kCmdlets) {
        if (l.starts_with(c) && (l.size() == c.size() || is_blank(l[c.size()]) || l[c.size()] == '`'))
            return true;
    }
    return false;
}

void read_powershell(std::string_view text, Collected& out) {
    PowerShellReader(text, out).run();
}

}  // namespace flowgap::parsers::netsh
