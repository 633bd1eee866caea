// Windows evaluates every enabled rule of the active profile regardless of order: a matching
// block rule wins over a matching allow rule, and the profile's default decides the rest
// (formats.md 3.7). That is Combine::block_wins. What an offline reader cannot know (the
// host's profile when the deployment does not say, its subnets and servers behind address
// keywords, services, interface types, IPsec) makes a rule conditional, never "any".
#include "parsers/netsh/translate.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "parsers/netsh/text.hpp"

namespace flowgap::parsers::netsh {

namespace {

using namespace analysis;

// Packets a rule matches for certain, and those it might match.
template <typename Set>
struct Range {
    Set certain, possible;
};

// Host-relative address keywords (netsh and PowerShell spellings); a 4/6 suffix keeps one family.
constexpr std::string_view kAddressKeywords[] = {
    "localsubnet",          "dns",          "dhcp",          "wins", "defaultgateway", "internet", "intranet",
    "intranetremoteaccess", "playtodevice", "captiveportal",
};

struct PortKeyword {
    std::string_view word;
    uint32_t lo, hi;
    std::string_view meaning;
};
// Ports Windows assigns at run time or to one component; the rule may match them only.
constexpr PortKeyword kPortKeywords[] = {
    {"rpc", 1024, 65535, "the dynamic RPC ports of the rule's service"},
    {"rpc-epmap", 135, 135, "the RPC endpoint mapper (RPCSS only)"},
    {"rpcepmap", 135, 135, "the RPC endpoint mapper (RPCSS only)"},
    {"iphttps", 443, 443, "IP-HTTPS tunnel traffic only"},
    {"iphttpsin", 443, 443, "IP-HTTPS tunnel traffic only"},
    {"iphttpsout", 443, 443, "IP-HTTPS tunnel traffic only"},
    {"teredo", 0, 65535, "the Teredo port the host picks"},
    {"ply2disc", 0, 65535, "Play To discovery ports"},
    {"playtodiscovery", 0, 65535, "Play To discovery ports"},
};

std::optional<uint32_t> small_number(std::string_view s) {
    uint32_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || v > 255) return std::nullopt;
    return v;
}

class Translator {
  public:
    Translator(const Collected& in, const ParseOptions& options, Firewall& fw)
        : in_(in), options_(options), fw_(fw) {
        for (size_t p = 0; p < 3; ++p)
            settings_[p] = in.profiles[p];
        if (!options.profile.empty()) {
            possible_ = options.profile == "domain"    ? kDomain
                        : options.profile == "private" ? kPrivate
                                                       : kPublic;
        }
    }

    void run() {
        check_profiles();
        Policy in{"inbound", Direction::inbound, Combine::block_wins, {}, default_rule(true)};
        Policy out{"outbound", Direction::outbound, Combine::block_wins, {}, default_rule(false)};
        for (const auto& raw : in_.rules) {
            if (!raw.unreadable.empty()) {
                (raw.inbound ? in : out).rules.push_back(unreadable(raw));
                continue;
            }
            if (!raw.enabled) continue;  // disabled rules are counted, not kept
            if (auto r = rule(raw)) (raw.inbound ? in : out).rules.push_back(std::move(*r));
        }
        fw_.policies.push_back(std::move(in));
        fw_.policies.push_back(std::move(out));
    }

  private:
    // Warnings about the whole input (line 0) name the first file; the others their own.
    void warn(uint32_t line, std::string message) { warn(in_.path, line, std::move(message)); }
    void warn(const std::shared_ptr<const std::string>& file, uint32_t line, std::string message) {
        fw_.warnings.push_back({Diagnostic::Severity::warning,
                                SourceLocation{file ? file : in_.path, line, line ? 1u : 0u},
                                std::move(message)});
    }

    std::string profile_names(unsigned bits) const {
        std::vector<std::string_view> names;
        for (size_t p = 0; p < 3; ++p) {
            if (bits & (1u << p)) names.push_back(kProfileNames[p]);
        }
        return fmt::format("{}", fmt::join(names, ", "));
    }

    void check_profiles() {
        unsigned seen = 0;
        for (size_t p = 0; p < 3; ++p) {
            if (settings_[p].seen) seen |= 1u << p;
        }
        if (seen == 0) {
            warn(0,
                 "no `netsh advfirewall show allprofiles` output: assuming Windows' defaults (every profile "
                 "ON, BlockInbound,AllowOutbound)");
            return;
        }
        if (unsigned missing = possible_ & ~seen)
            warn(0,
                 fmt::format("no settings for the {} profile: assuming State ON, BlockInbound,AllowOutbound",
                             profile_names(missing)));
        for (size_t p = 0; p < 3; ++p) {
            const ProfileSettings& s = settings_[p];
            if (s.seen && s.on && !s.policy_seen && (possible_ & (1u << p)))
                warn(s.file, s.line,
                     fmt::format("the {} profile's settings show no Firewall Policy: assuming "
                                 "BlockInbound,AllowOutbound",
                                 kProfileNames[p]));
        }
    }

    // The profiles (among those the host could be in) where a rule filters at all.
    unsigned effective_profiles(const RawRule& r) const {
        unsigned eff = 0;
        for (size_t p = 0; p < 3; ++p) {
            const ProfileSettings& s = settings_[p];
            bool ignored = r.inbound && r.action != "block" && s.inbound == "blockinboundalways";
            if ((possible_ & r.profiles & (1u << p)) && s.on && !ignored) eff |= 1u << p;
        }
        return eff;
    }

    // What a profile does with packets no rule matches, and how to say so.
    std::pair<Action, std::string> profile_default(size_t p, bool inbound) const {
        const ProfileSettings& s = settings_[p];
        if (!s.on) return {Action::allow, fmt::format("{} profile: State OFF", kProfileNames[p])};
        std::string setting = inbound ? (s.inbound == "blockinboundalways" ? "BlockInboundAlways"
                                         : s.inbound == "allowinbound"     ? "AllowInbound"
                                                                           : "BlockInbound")
                                      : (s.outbound == "blockoutbound" ? "BlockOutbound" : "AllowOutbound");
        if (inbound ? s.inbound_unknown : s.outbound_unknown)
            return {Action::unknown,
                    fmt::format("{} profile: NotConfigured (Group Policy decides, else Windows' default {})",
                                kProfileNames[p], inbound ? "BlockInbound" : "AllowOutbound")};
        std::string_view note = setting == "BlockInboundAlways" ? ", which ignores every allow rule" : "";
        return {
            setting.starts_with("Allow") ? Action::allow : Action::block,
            fmt::format("{} profile: {}{}{}", kProfileNames[p], setting, note, s.seen ? "" : " (assumed)")};
    }

    Rule default_rule(bool inbound) const {
        Rule d;
        d.match = FlowSpace::all();
        std::vector<std::string> parts;
        std::optional<Action> action;
        bool same = true;
        for (size_t p = 0; p < 3; ++p) {
            if (!(possible_ & (1u << p))) continue;
            auto [a, text] = profile_default(p, inbound);
            same = same && (!action || *action == a);
            action = a;
            parts.push_back(text);
            if (inbound && settings_[p].on && settings_[p].inbound == "blockinboundalways")
                d.container += fmt::format("{}{}={}", d.container.empty() ? "" : ";", lower(kProfileNames[p]),
                                           settings_[p].outbound);
            if (settings_[p].seen && d.location.line == 0)
                d.location = {settings_[p].file, settings_[p].line, 1};
        }
        if (!d.location.file) d.location.file = in_.path;
        d.action = same ? *action : Action::unknown;
        d.name = same ? fmt::format("default ({})", fmt::join(parts, "; "))
                      : fmt::format("default differs by profile ({}); set `profile:` in the deployment",
                                    fmt::join(parts, "; "));
        return d;
    }

    // One comma list of addresses: literals are certain, keywords the deployment resolves
    // (`address_keywords`) too; the others could be any address of their family.
    Range<AddressSet> addresses(const RawRule& r, std::string_view text, std::string_view side,
                                std::vector<std::string>& conditions) {
        if (text == "any") return {AddressSet::all(), AddressSet::all()};
        Range<AddressSet> out;
        for (auto item : split(text, ',')) {
            if (auto set = AddressSet::parse(item, &masks_)) {
                out.certain |= *set;
                continue;
            }
            if (auto cover = AddressSet::mask_cover(item)) {
                // Over the mask budget: the covering prefix holds every address the item matches.
                out.possible |= *cover;
                warn(r.file, r.line,
                     fmt::format("rule '{}': {} address '{}' has a mask too fragmented to model (over {} "
                                 "intervals for one address, or over {} in the file): the rule is "
                                 "treated as conditional",
                                 r.name, side, item, analysis::MaskBudget::kPerAddress,
                                 analysis::MaskBudget::kPerFile));
                conditions.push_back(
                    fmt::format("{} address '{}' (non-contiguous mask not modelled)", side, item));
                continue;
            }
            std::string key = lower(item);
            AddressSet family = AddressSet::all();
            if (key.ends_with('4') || key.ends_with('6')) {
                family = key.back() == '4' ? AddressSet::all_v4() : AddressSet::all_v6();
                key.pop_back();
            }
            bool known = std::find(std::begin(kAddressKeywords), std::end(kAddressKeywords), key) !=
                         std::end(kAddressKeywords);
            if (auto it = options_.address_keywords.find(key);
                known && it != options_.address_keywords.end()) {
                out.certain |= it->second & family;
                continue;
            }
            out.possible |= known ? family : AddressSet::all();
            if (!known)
                warn(r.file, r.line,
                     fmt::format("rule '{}': {} address '{}' not understood", r.name, side, item));
            conditions.push_back(
                known ? fmt::format(
                            "{} address {} holds the packet's address (host-specific; give its addresses "
                            "under `address_keywords:` in the deployment)",
                            side, item)
                      : fmt::format("{} address '{}' (not understood)", side, item));
        }
        out.possible |= out.certain;
        return out;
    }

    Range<PortSet> ports(const RawRule& r, std::string_view text, std::string_view side,
                         std::vector<std::string>& conditions) {
        if (text == "any") return {PortSet::all(), PortSet::all()};
        Range<PortSet> out;
        for (auto item : split(text, ',')) {
            if (auto set = PortSet::parse(item); set && item.find(':') == std::string_view::npos) {
                out.certain = out.certain | *set;
                continue;
            }
            std::string key = lower(item);
            auto kw = std::find_if(std::begin(kPortKeywords), std::end(kPortKeywords),
                                   [&](const PortKeyword& k) { return k.word == key; });
            if (kw == std::end(kPortKeywords)) {
                warn(r.file, r.line,
                     fmt::format("rule '{}': {} port '{}' not understood", r.name, side, item));
                out.possible = PortSet::all();
                conditions.push_back(fmt::format("{} port '{}' (not understood)", side, item));
                continue;
            }
            out.possible = out.possible | PortSet::range(kw->lo, kw->hi);
            conditions.push_back(fmt::format("{} port {}: {}", side, item, kw->meaning));
        }
        out.possible = out.possible | out.certain;
        return out;
    }

    Range<ProtocolSet> protocols(const RawRule& r, std::vector<std::string>& conditions) {
        std::string_view p = r.protocol;
        std::optional<uint32_t> n = p == "icmpv4"   ? std::optional<uint32_t>(protocol::icmp)
                                    : p == "icmpv6" ? std::optional<uint32_t>(protocol::icmpv6)
                                                    : protocol::parse(p);
        if (p == "any") return {ProtocolSet::all(), ProtocolSet::all()};
        if (n) return {ProtocolSet::single(*n), ProtocolSet::single(*n)};
        warn(r.file, r.line, fmt::format("rule '{}': protocol '{}' not understood", r.name, p));
        conditions.push_back(fmt::format("protocol '{}' (not understood)", p));
        return {ProtocolSet::none(), ProtocolSet::all()};
    }

    // ICMP rows "type:code" (each a number or "any") in the destination-port dimension.
    Range<PortSet> icmp(const RawRule& r, std::vector<std::string>& conditions) {
        if (r.icmp.empty()) return {PortSet::all(), PortSet::all()};
        PortSet set;
        for (const auto& row : r.icmp) {
            auto parts = split(row, ':');
            std::string_view type = parts.empty() ? "any" : parts[0];
            std::string_view code = parts.size() < 2 ? "any" : parts[1];
            auto t = small_number(type), c = small_number(code);
            if (type == "any") {
                set = PortSet::all();
            } else if (t && code == "any") {
                set = set | PortSet::icmp_type(*t);
            } else if (t && c) {
                set = set | PortSet::icmp_type_code(*t, *c);
            } else {
                warn(r.file, r.line,
                     fmt::format("rule '{}': ICMP type/code '{}' not understood", r.name, row));
                conditions.push_back(fmt::format("ICMP type/code '{}' (not understood)", row));
                return {set, PortSet::all()};
            }
        }
        return {set, set};
    }

    // Restrictions that decide whether the rule applies at all: each makes all of it conditional.
    void whole_rule_conditions(const RawRule& r, unsigned eff, std::vector<std::string>& conditions) {
        if (eff != possible_)
            conditions.push_back(fmt::format(
                "the host's network is in the {} profile (the rule does not filter in the {} profile; set "
                "`profile:` in the deployment)",
                profile_names(eff), profile_names(possible_ & ~eff)));
        if (r.service != "any")
            conditions.push_back(fmt::format("service {} sends or receives the packets", r.service));
        if (r.interface_types != "any")
            conditions.push_back(fmt::format("the packets use a {} interface", r.interface_types));
        if (r.security != "notrequired")
            conditions.push_back(fmt::format("the connection is protected by IPsec ({})", r.security));
        if (r.action == "bypass")
            conditions.push_back(
                "the connection is IPsec-authenticated (allow-bypass; its precedence over block "
                "rules is not modelled)");
        for (const auto& c : r.conditions)
            conditions.push_back(c);
    }

    // A script command flowgap could not read: it may allow or block any packet of its direction.
    Rule unreadable(const RawRule& r) const {
        Rule out;
        out.name = r.name;
        out.location = {r.file ? r.file : in_.path, r.line, 1};
        out.text = r.text;
        out.action = Action::unknown;
        out.may_match = FlowSpace::all();
        out.conditions.push_back(r.unreadable);
        return out;
    }

    std::optional<Rule> rule(const RawRule& r) {
        unsigned eff = effective_profiles(r);
        if (eff == 0) return std::nullopt;  // filters in no profile the host can be in
        Rule out;
        out.name = r.name;
        out.location = {r.file ? r.file : in_.path, r.line, 1};
        out.text = r.text;
        out.action = r.action == "block"                           ? Action::block
                     : r.action == "allow" || r.action == "bypass" ? Action::allow
                                                                   : Action::unknown;
        if (out.action == Action::unknown)
            warn(r.file, r.line,
                 fmt::format("rule '{}': action '{}' not understood; its outcome is unknown", r.name,
                             r.action));
        std::vector<std::string> conditions;  // gathered here, stored once in the rule
        if (r.program != "any") {
            std::string_view file = r.program;
            if (auto slash = file.find_last_of("\\/"); slash != std::string_view::npos)
                file.remove_prefix(slash + 1);
            out.programs.push_back(lower(trim(file)));
            conditions.push_back(fmt::format("program {}", r.program));
        }
        std::vector<std::string> whole;
        whole_rule_conditions(r, eff, whole);
        auto local = addresses(r, r.local_ip, "local", conditions);
        auto remote = addresses(r, r.remote_ip, "remote", conditions);
        auto proto = protocols(r, conditions);
        bool icmp_only = proto.possible == ProtocolSet::single(protocol::icmp) ||
                         proto.possible == ProtocolSet::single(protocol::icmpv6);
        auto lport = icmp_only ? Range<PortSet>{PortSet::all(), PortSet::all()}
                               : ports(r, r.local_port, "local", conditions);
        auto rport = icmp_only ? icmp(r, conditions) : ports(r, r.remote_port, "remote", conditions);
        // LocalIP/LocalPort are this host's side: the destination of inbound packets, the source
        // of outbound ones. ICMP type/code go in the destination-port dimension either way.
        const auto& src = r.inbound ? remote : local;
        const auto& dst = r.inbound ? local : remote;
        const auto& dport = icmp_only ? rport : r.inbound ? lport : rport;
        const auto& sport = icmp_only ? lport : r.inbound ? rport : lport;
        FlowSpace possible =
            FlowSpace::of(src.possible, dst.possible, proto.possible, dport.possible, sport.possible);
        if (whole.empty()) {
            out.match = FlowSpace::of(src.certain, dst.certain, proto.certain, dport.certain, sport.certain);
            out.may_match = possible - out.match;
        } else {
            out.may_match = std::move(possible);
        }
        conditions.insert(conditions.end(), whole.begin(), whole.end());
        out.conditions = std::move(conditions);
        return out;
    }

    const Collected& in_;
    const ParseOptions& options_;
    Firewall& fw_;
    std::array<ProfileSettings, 3> settings_;
    unsigned possible_ = kAllProfiles;  // the profiles the host could be in
    analysis::MaskBudget masks_;        // how far the file's non-contiguous masks may still expand
};

}  // namespace

void translate(const Collected& in, const ParseOptions& options, Firewall& fw) {
    Translator(in, options, fw).run();
}

}  // namespace flowgap::parsers::netsh
