// Exact destination NAT for the simple case. See dnat.hpp.
#include "parsers/iptables/dnat.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

#include <fmt/format.h>

namespace flowgap::parsers::iptables {

using analysis::Address;
using analysis::AddressSet;
using analysis::FlowSpace;
using analysis::Policy;
using analysis::ProtocolSet;
using analysis::Rule;
using analysis::Translation;

namespace {

// `--to-destination` with one address and at most one port.
struct Destination {
    AddressSet address;
    std::optional<uint32_t> port;
};

std::optional<uint32_t> port_number(std::string_view text) {
    uint32_t p = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), p);
    if (ec != std::errc() || end != text.data() + text.size() || p == 0 || p > 65535) return std::nullopt;
    return p;
}

// "10.0.0.1", "10.0.0.1:80", "[2001:db8::1]", "[2001:db8::1]:80", "2001:db8::1"; a range of
// addresses or ports is no single destination.
std::optional<Destination> single_destination(std::string_view v) {
    std::string_view addr = v, port;
    if (v.starts_with('[')) {
        size_t close = v.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        addr = v.substr(1, close - 1);
        std::string_view rest = v.substr(close + 1);
        if (!rest.empty() && (!rest.starts_with(':') || rest.size() == 1)) return std::nullopt;
        if (!rest.empty()) port = rest.substr(1);
    } else if (std::count(v.begin(), v.end(), ':') == 1) {
        addr = v.substr(0, v.find(':'));
        port = v.substr(v.find(':') + 1);
    }
    auto a = Address::parse(addr);
    if (!a) return std::nullopt;
    Destination out{AddressSet::host(*a), std::nullopt};
    if (!port.empty()) {
        out.port = port_number(port);
        if (!out.port) return std::nullopt;
    }
    return out;
}

bool one_address(const AddressSet& a) {
    return a.size() == 1;
}

// The translation a certain rewrite makes, if flowgap follows it exactly: one public address, one
// real one of the same family, the port kept (a port in the target only where the rule matches
// that port alone, over tcp or udp), and no earlier rule of the chain that may take its packets.
std::optional<Translation> exact(const Policy& nat, const Rewrites::Certain& c,
                                 DestinationOf destination_of) {
    auto written = destination_of(c.target);
    if (!written) return std::nullopt;
    auto to = single_destination(*written);
    if (!to) return std::nullopt;
    AddressSet original = c.packets.destinations();
    if (!one_address(original) || original == to->address) return std::nullopt;
    if (original.v4_part().empty() != to->address.v4_part().empty()) return std::nullopt;
    if (to->port) {
        ProtocolSet ported =
            ProtocolSet::single(analysis::protocol::tcp) | ProtocolSet::single(analysis::protocol::udp);
        if (!(c.packets.protocols() - ported).empty()) return std::nullopt;
        if (!(c.packets.dports() == analysis::PortSet::single(*to->port))) return std::nullopt;
    }
    for (size_t i = 0; i < c.index && i < nat.rules.size(); ++i) {
        const Rule& r = nat.rules[i];
        if (r.match.intersects(c.packets) || r.may_match.intersects(c.packets)) return std::nullopt;
    }
    const Rule& rule = nat.rules[c.index];
    Translation t;
    t.rule = rule.name_key ? rule.name.substr(0, rule.name_key) : rule.name;
    t.location = rule.location;
    t.original = original;
    t.translated = to->address;
    t.packets = analysis::redirected(c.packets, to->address);
    return t;
}

// Removes the translations' packets from `rule`: it sees them addressed to the public address.
void forget(Rule& rule, const FlowSpace& translated) {
    if (rule.match.intersects(translated)) rule.match -= translated;
    if (rule.may_match.intersects(translated)) rule.may_match -= translated;
}

// Each rule followed by its copy for each translation's packets, as the rule sees them before
// the translation (addressed to the public address). A copy and its rule are disjoint and
// adjacent, so first-match order holds.
void add_copies(Policy& p, const std::vector<Translation>& ts, const FlowSpace& translated) {
    std::deque<Rule> out;
    for (Rule& r : p.rules) {
        std::vector<Rule> copies;
        for (const Translation& t : ts) {
            Rule copy;
            copy.match = t.to_real(r.match);
            copy.may_match = t.to_real(r.may_match) - copy.match;
            if (copy.match.empty() && copy.may_match.empty()) continue;
            copy.name = fmt::format("{} via NAT {}", r.name, t.rule);
            copy.name_key = r.name_key ? r.name_key : static_cast<uint32_t>(r.name.size());
            copy.action = r.action;
            copy.conditions = r.conditions;
            copy.scopes = r.scopes;
            copy.location = r.location;
            copy.text = r.text;
            copy.position = r.position;
            // The fix for packets a copy blocks matches the public address (fix.cpp).
            copy.container = fmt::format("{}|dnat={}", r.container, t.original.str());
            copies.push_back(std::move(copy));
        }
        forget(r, translated);
        out.push_back(std::move(r));
        for (Rule& c : copies)
            out.push_back(std::move(c));
    }
    p.rules = std::move(out);
}

// The DNAT rule itself: its packets (conditional, as written) are followed by the translated
// ones, which it certainly takes, ending the nat chain. The rules above never see them.
void take(Policy& nat, size_t index, const Translation& t) {
    for (size_t i = 0; i < index; ++i)
        forget(nat.rules[i], t.packets);
    const Rule& dnat = nat.rules[index];
    Rule copy;
    copy.name = dnat.name;
    copy.name_key = dnat.name_key;
    copy.action = analysis::Action::allow;
    copy.match = t.packets;
    copy.location = dnat.location;
    copy.text = dnat.text;
    copy.container = dnat.container;
    copy.position = dnat.position;
    nat.rules.insert(nat.rules.begin() + static_cast<std::ptrdiff_t>(index) + 1, std::move(copy));
}

}  // namespace

std::optional<std::string_view> iptables_destination(std::string_view target) {
    // The target is the rule's text from `-j`: tokens are plain words here (no quotes), and the
    // views point into `target`, which outlives the call.
    std::string_view rest = target;
    std::string_view words[3];
    for (auto& w : words) {
        size_t start = rest.find_first_not_of(' ');
        if (start == std::string_view::npos) return std::nullopt;
        rest.remove_prefix(start);
        w = rest.substr(0, rest.find(' '));
        rest.remove_prefix(w.size());
    }
    if (rest.find_first_not_of(' ') != std::string_view::npos) return std::nullopt;
    if (words[0] != "DNAT" || words[1] != "--to-destination") return std::nullopt;
    return words[2];
}

std::vector<Translation> follow_dnat(Policy& nat, const Rewrites& rewrites,
                                     const std::vector<Policy*>& before, const FlowSpace& untracked,
                                     DestinationOf destination_of) {
    std::vector<Translation> found;
    std::vector<size_t> at;
    for (const auto& c : rewrites.certain) {
        if (c.packets.intersects(untracked)) continue;
        if (auto t = exact(nat, c, destination_of)) {
            found.push_back(std::move(*t));
            at.push_back(c.index);
        }
    }
    // A packet two translations could have sent belongs to neither exactly.
    std::vector<Translation> out;
    std::vector<size_t> index;
    for (size_t i = 0; i < found.size(); ++i) {
        bool clash = false;
        for (size_t j = 0; j < found.size(); ++j)
            clash = clash || (i != j && found[i].packets.intersects(found[j].packets));
        if (clash) continue;
        out.push_back(std::move(found[i]));
        index.push_back(at[i]);
    }
    if (out.empty()) return out;
    // From the last, so that the earlier indices still hold.
    for (size_t i = out.size(); i-- > 0;)
        take(nat, index[i], out[i]);
    FlowSpace translated;
    for (const auto& t : out)
        translated |= t.packets;
    for (Policy* p : before)
        if (p) add_copies(*p, out, translated);
    return out;
}

void resolve_dnat_tests(Policy& policy, const Rewrites& rewrites,
                        const std::vector<Translation>& translations) {
    if (translations.empty() || rewrites.dnat_tests.empty()) return;
    FlowSpace translated;
    for (const auto& t : translations)
        translated |= t.packets;
    const std::string unknown = fmt::format("({})", kNatStateUnknown);
    for (const auto& [index, sign] : rewrites.dnat_tests) {
        if (index >= policy.rules.size()) continue;
        Rule& r = policy.rules[index];
        // Only the state test may make the rule's packets possible: then its may_match is what
        // it matches when the test holds.
        if (r.conditions.size() != 1 || !r.conditions.front().ends_with(unknown)) continue;
        if (!r.may_match.intersects(translated)) continue;
        if (sign > 0) r.match |= r.may_match & translated;
        r.may_match -= translated;
    }
}

}  // namespace flowgap::parsers::iptables
