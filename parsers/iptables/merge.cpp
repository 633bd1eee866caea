// One host's iptables-save and ip6tables-save dumps as one firewall.
//
// The kernel keeps separate tables per family: an IPv4 packet meets only the IPv4 chains and
// their policies, an IPv6 packet only the IPv6 ones. So each merged chain is first-match over
// the IPv4 rules, then the IPv4 chain's policy as a rule matching every IPv4 packet, then the
// IPv6 rules, then the IPv6 policy as the default. The two families' packets are disjoint, so
// the order between them decides nothing, and every decision still names its own file's line.
#include <algorithm>

#include <fmt/format.h>

#include "parsers/iptables/iptables.hpp"
#include "parsers/iptables/tables.hpp"

namespace flowgap::parsers::iptables {

namespace {

using analysis::Action;
using analysis::AddressSet;
using analysis::Family;
using analysis::FlowSpace;
using analysis::InputError;
using analysis::Policy;
using analysis::Rule;
using analysis::SourceLocation;

std::string_view family_name(Family f) {
    return f == Family::v4 ? "IPv4 (iptables-save)" : "IPv6 (ip6tables-save)";
}

std::string_view tag(Family f) {
    return f == Family::v4 ? "IPv4" : "IPv6";
}

FlowSpace family_space(Family f) {
    AddressSet all = f == Family::v4 ? AddressSet::all_v4() : AddressSet::all_v6();
    return FlowSpace::of(all, all, analysis::ProtocolSet::all());
}

Policy* find_policy(analysis::Firewall& fw, const std::string& name, analysis::Direction direction) {
    for (auto& p : fw.policies) {
        if (p.name == name && p.direction == direction) return &p;
    }
    return nullptr;
}

// The rules one dump adds to a merged policy, ending with its policy as a rule over the whole
// family. A dump without that table (never the filter table: tables.cpp always gives its hooks
// a policy) does not filter its family there: an allow rule says so.
void append_family(const Dump& dump, Policy* chain, const std::string& name, Policy& out) {
    FlowSpace space = family_space(dump.family);
    if (!chain) {
        Rule pass;
        pass.name = fmt::format("{} not in the {} dump", name, tag(dump.family));
        pass.action = Action::allow;
        pass.match = space;
        pass.location = SourceLocation{dump.firewall.path};
        pass.container = name;
        out.rules.push_back(std::move(pass));
        return;
    }
    for (auto& rule : chain->rules) {
        Rule& r = out.rules.emplace_back(std::move(rule));
        r.match &= space;  // the parser already keeps each rule in its family; this makes it certain
        r.may_match &= space;
    }
    Rule& closing = out.rules.emplace_back(std::move(chain->default_rule));
    closing.name += fmt::format(" ({})", tag(dump.family));
    closing.match &= space;
    closing.may_match &= space;
}

// The policies of both dumps, each (name, direction) once, in netfilter's order.
std::vector<std::pair<std::string, analysis::Direction>> merged_order(const std::vector<Dump>& dumps) {
    std::vector<std::pair<size_t, std::pair<std::string, analysis::Direction>>> ranked;
    for (const auto& d : dumps) {
        for (const auto& p : d.firewall.policies) {
            std::pair<std::string, analysis::Direction> key{p.name, p.direction};
            bool seen =
                std::any_of(ranked.begin(), ranked.end(), [&](const auto& r) { return r.second == key; });
            if (!seen) ranked.push_back({stage_rank(p.name, p.direction), key});
        }
    }
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::pair<std::string, analysis::Direction>> out;
    for (auto& r : ranked)
        out.push_back(std::move(r.second));
    return out;
}

analysis::Firewall merge(std::vector<Dump> dumps) {
    std::stable_sort(dumps.begin(), dumps.end(), [](const Dump& a, const Dump& b) {
        return a.family == Family::v4 && b.family == Family::v6;
    });
    analysis::Firewall fw;
    fw.format = "iptables";
    fw.path = dumps.front().firewall.path;
    for (const auto& d : dumps) {
        fw.rule_count += d.firewall.rule_count;
        fw.warnings.insert(fw.warnings.end(), d.firewall.warnings.begin(), d.firewall.warnings.end());
        fw.sources.insert(fw.sources.end(), d.firewall.sources.begin(), d.firewall.sources.end());
        fw.bypass |= d.firewall.bypass;
        fw.translations.insert(fw.translations.end(), d.firewall.translations.begin(),
                               d.firewall.translations.end());
    }
    for (const auto& [name, direction] : merged_order(dumps)) {
        Policy merged;
        merged.name = name;
        merged.direction = direction;
        for (auto& d : dumps) {
            Policy* own = find_policy(d.firewall, name, direction);
            if (own) merged.admits = merged.admits && own->admits;
            append_family(d, own, name, merged);
        }
        // The last family's policy decides what no rule matched; as the default it matches all.
        merged.default_rule = std::move(merged.rules.back());
        merged.rules.pop_back();
        merged.default_rule.match = FlowSpace::all();
        fw.policies.push_back(std::move(merged));
    }
    return fw;
}

}  // namespace

analysis::Firewall parse(const std::vector<Input>& inputs, const ParseOptions& options) {
    if (inputs.size() == 1) return parse(inputs[0].path, inputs[0].content, options);
    std::vector<Dump> dumps;
    for (const auto& in : inputs) {
        Dump d = parse_dump(in.path, in.content, options);
        for (const auto& other : dumps) {
            if (other.family == d.family)
                throw InputError(SourceLocation{in.path, 1, 1},
                                 fmt::format("a second {} dump for this firewall (the first is {}): give one "
                                             "iptables-save and one ip6tables-save dump of the host",
                                             family_name(d.family), *other.firewall.path));
        }
        dumps.push_back(std::move(d));
    }
    return merge(std::move(dumps));
}

}  // namespace flowgap::parsers::iptables
