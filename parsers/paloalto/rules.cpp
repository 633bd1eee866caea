#include "parsers/paloalto/rules.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace flowgap::parsers::paloalto {

using analysis::Action;
using analysis::AddressSet;
using analysis::Diagnostic;
using analysis::FlowSpace;
using analysis::ProtocolSet;
using analysis::Rule;

namespace {

std::vector<std::string> names(pugi::xml_node list) {
    std::vector<std::string> out;
    for_each_member(list, [&](std::string_view n, pugi::xml_node) { out.emplace_back(n); });
    return out;
}

// Whether a member list leaves its field unrestricted: no members, or `any` among them. Asked
// of five fields of every rule, almost always `any`, so it reads the members in place.
bool is_any(pugi::xml_node list) {
    if (!list) return true;  // most of these fields are absent
    bool empty = true, any = false;
    for_each_member(list, [&](std::string_view n, pugi::xml_node) {
        empty = false;
        any = any || n == "any";
    });
    return empty || any;
}

std::string joined(const std::vector<std::string>& v) {
    if (v.size() <= 6) return fmt::format("{}", fmt::join(v, ", "));
    return fmt::format("{}, ... ({} in all)", fmt::join(v.begin(), v.begin() + 6, ", "), v.size());
}

bool yes(const Fields& f, Fields::Name child) {
    return f.value(child) == "yes";
}

// The addresses a side may match: certain ones, and (when the resolved match is uncertain) any
// address at all. They are the resolved match's own sets, or what negation leaves: most rules
// copy no address set here.
class Side {
  public:
    Side(const AddressMatch& m, bool negate);
    Side(const Side&) = delete;  // points into itself
    Side& operator=(const Side&) = delete;
    const AddressSet& certain() const { return *certain_; }
    const AddressSet& possible() const { return *possible_; }  // a superset of certain

  private:
    AddressSet inverse_;  // every address but the match's certain ones, when negated
    const AddressSet* certain_;
    const AddressSet* possible_;
};

Side::Side(const AddressMatch& m, bool negate) {
    static const AddressSet all = AddressSet::all(), none = AddressSet::none();
    if (!negate) {
        certain_ = &m.certain;
        possible_ = m.uncertain ? &all : &m.certain;
        return;
    }
    // Negation inverts the whole union: addresses an unknown member may hold stay uncertain.
    inverse_ = all - m.certain;
    certain_ = m.uncertain ? &none : &inverse_;
    possible_ = &inverse_;
}

void add(FlowSpace& out, const AddressSet& s, const AddressSet& d, const L4& l4) {
    if (s.empty() || d.empty()) return;
    FlowSpace piece = FlowSpace::of(s, d, l4.proto, l4.dport, l4.sport);
    if (out.empty()) {
        out = std::move(piece);
    } else {
        out |= piece;
    }
}

// Whether a rule whose sides are certain may match packets beyond its certain match: some
// piece from a possible zone pair or a possible service has addresses on both sides. Most rules
// ask only because a zone is unknown (IPv6, when no interface has an IPv6 address) and their
// addresses are in known zones: then the possible match would be the certain one again, and
// building it to subtract the certain one would give nothing.
bool widens(const ZonePairs& zp, const Side& src, const Side& dst, const ServiceMatch& svc) {
    auto reaches = [&](const ZonePairs::Pair& p) {
        return p.first.intersects(src.possible()) && p.second.intersects(dst.possible());
    };
    bool any_service = !svc.certain.empty() || !svc.possible.empty();
    return (!svc.possible.empty() && std::any_of(zp.certain.begin(), zp.certain.end(), reaches)) ||
           (any_service && std::any_of(zp.possible.begin(), zp.possible.end(), reaches));
}

// Indexed by Fields::Name.
constexpr std::array<std::string_view, Fields::count> kFieldNames = {
    "action",
    "from",
    "to",
    "rule-type",
    "source",
    "destination",
    "negate-source",
    "negate-destination",
    "application",
    "service",
    "source-user",
    "category",
    "hip-profiles",
    "source-hip",
    "destination-hip",
    "schedule",
    "target",
    "disabled",
};

// kFieldNames' positions by name length (Fields::count pads a row): a child's name is compared
// only with the one to three field names of its length. This runs for every child of every rule.
constexpr size_t kLongestField = 18;  // "negate-destination"
constexpr auto kFieldsByLength = [] {
    std::array<std::array<uint8_t, 3>, kLongestField + 1> out{};
    for (auto& row : out)
        row.fill(Fields::count);
    for (uint8_t i = 0; i < Fields::count; ++i) {
        auto& row = out.at(kFieldNames[i].size());              // not a constant if a name is longer
        *std::find(row.begin(), row.end(), Fields::count) = i;  // or if a row is full
    }
    return out;
}();

// The field an element name is, or Fields::count for one translation does not read.
Fields::Name field_of(std::string_view name) {
    if (name.size() > kLongestField) return Fields::count;
    for (uint8_t i : kFieldsByLength[name.size()])
        if (i != Fields::count && kFieldNames[i] == name) return static_cast<Fields::Name>(i);
    return Fields::count;
}

}  // namespace

Fields::Fields(pugi::xml_node entry) {
    for (pugi::xml_node c = entry.first_child(); c; c = c.next_sibling()) {
        if (c.type() != pugi::node_element) continue;
        Name n = field_of(c.name());
        if (n != count && !nodes_[n]) nodes_[n] = c;  // the first of a repeated name counts
    }
}

std::string_view Fields::name(Name n) {
    return kFieldNames[n];
}

Action RuleTranslator::action(const Fields& f, Action fallback) {
    std::string_view a = f.value(Fields::action);
    if (a.empty()) return fallback;
    if (a == "allow") return Action::allow;
    if (a == "deny" || a == "drop" || a.starts_with("reset-")) return Action::block;
    warnings_.push_back({Diagnostic::Severity::warning, tree_.location(f[Fields::action]),
                         fmt::format("unknown action '{}': the rule's outcome is unknown", a)});
    return Action::unknown;
}

const ZonePairs& RuleTranslator::pairs(const Fields& f) {
    // The key is built in a buffer kept across rules: most rules share a few zone pairs, and a
    // formatted key with two name vectors per rule cost more than the pairs themselves.
    key_.clear();
    for (Fields::Name field : {Fields::from, Fields::to}) {
        for_each_member(f[field], [&](std::string_view n, pugi::xml_node) { key_.append(n).push_back(','); });
        key_.push_back('|');
    }
    std::string_view type = f.value(Fields::rule_type);
    key_.append(type);
    auto it = pairs_.find(key_);
    if (it == pairs_.end())
        it = pairs_
                 .emplace(key_, zone_pairs(source_zones_, zones_, names(f[Fields::from]),
                                           names(f[Fields::to]), type))
                 .first;
    return it->second;
}

// What the rule's match depends on beyond addresses and ports: App-ID, users, URL categories,
// schedules, HIP profiles, Panorama targets.
std::vector<std::string> RuleTranslator::global_conditions(const Fields& f, const AppMatch& apps) {
    std::vector<std::string> out;
    if (!apps.any) out.push_back(fmt::format("App-ID classifies the traffic as {}", joined(apps.names)));
    for (Fields::Name field : {Fields::source_user, Fields::category, Fields::hip_profiles,
                               Fields::source_hip, Fields::destination_hip}) {
        if (!is_any(f[field]))
            out.push_back(fmt::format("{} is {}", Fields::name(field), joined(names(f[field]))));
    }
    if (std::string_view s = f.value(Fields::schedule); !s.empty())
        out.push_back(fmt::format("schedule '{}' is active", s));
    pugi::xml_node target = f[Fields::target];
    if (!target) return out;
    if (auto devices = names(target.child("devices")); !devices.empty()) {
        out.push_back(fmt::format("the firewall is {}one of the target devices {}",
                                  std::string_view(target.child_value("negate")) == "yes" ? "not " : "",
                                  joined(devices)));
    }
    return out;
}

Rule RuleTranslator::rule(pugi::xml_node entry, const Fields& f) {
    Rule r;
    r.name = entry.attribute("name").value();
    r.location = tree_.location(entry);
    r.text = tree_.text(entry);
    r.action = action(f, Action::unknown);
    if (!f[Fields::action]) {
        warnings_.push_back({Diagnostic::Severity::warning, r.location,
                             fmt::format("rule '{}' has no action: its outcome is unknown", r.name)});
    }
    const ZonePairs& zp = pairs(f);
    AddressMatch src_merged, dst_merged;
    ServiceMatch svc_merged;
    const AddressMatch& src_m = resolver_.addresses(f[Fields::source], src_merged);
    const AddressMatch& dst_m = resolver_.addresses(f[Fields::destination], dst_merged);
    AppMatch apps = resolver_.applications(f[Fields::application]);
    const ServiceMatch& svc = resolver_.services(f[Fields::service], apps, svc_merged);
    Side src(src_m, yes(f, Fields::negate_source)), dst(dst_m, yes(f, Fields::negate_destination));
    std::vector<std::string> global = global_conditions(f, apps);
    // What the rule asks App-ID to decide, recorded for checks that prefer port-based rules.
    if (!apps.any) r.applications = apps.names;
    bool any_service = false, app_default = false;
    for_each_member(f[Fields::service], [&](std::string_view n, pugi::xml_node) {
        any_service = true;
        app_default = app_default || n == "application-default";
    });
    if (!any_service || app_default) r.applications.push_back("service application-default");

    // Each zone pair's addresses are narrowed once, not once per service.
    if (global.empty()) {
        for (const auto& [zs, zd] : zp.certain) {
            AddressSet s = zs & src.certain(), d = zd & dst.certain();
            for (const auto& l4 : svc.certain)
                add(r.match, s, d, l4);
        }
    }
    bool uncertain = !global.empty() || src_m.uncertain || dst_m.uncertain || !svc.possible.empty() ||
                     !zp.possible.empty();
    if (!uncertain) return r;
    // Without global conditions or uncertain sides, only zone pairs and services can widen.
    if (global.empty() && !src_m.uncertain && !dst_m.uncertain && !widens(zp, src, dst, svc)) return r;
    FlowSpace full;
    for (const auto* list : {&zp.certain, &zp.possible})
        for (const auto& [zs, zd] : *list) {
            AddressSet s = zs & src.possible(), d = zd & dst.possible();
            for (const auto* l4s : {&svc.certain, &svc.possible})
                for (const auto& l4 : *l4s)
                    add(full, s, d, l4);
        }
    r.may_match = full - r.match;
    if (r.may_match.empty()) return r;
    using List = const std::vector<std::string>*;
    for (List c : std::initializer_list<List>{&global, &src_m.conditions, &dst_m.conditions, &svc.conditions,
                                              &zp.conditions})
        for (const auto& s : *c)
            if (std::find(r.conditions.begin(), r.conditions.end(), s) == r.conditions.end())
                r.conditions.push_back(s);
    scope_zone_conditions(r, zp);
    return r;
}

// The zone pairs' condition concerns only packets with an address outside every zone: a report
// about a packet whose addresses both have zones must not name it (an App-ID rule may match such
// a packet for its own reason).
void RuleTranslator::scope_zone_conditions(Rule& r, const ZonePairs& zp) {
    const AddressSet& u = zones_.unknown;
    AddressSet all = AddressSet::all();
    if (zp.conditions.empty() || u == all) return;
    if (!unknown_zone_) {
        unknown_zone_ = std::make_shared<const FlowSpace>(FlowSpace::of(u, all, ProtocolSet::all()) |
                                                          FlowSpace::of(all, u, ProtocolSet::all()));
    }
    for (const auto& c : zp.conditions)
        r.scopes.push_back({c, unknown_zone_});
}

std::vector<Rule> RuleTranslator::default_rules(pugi::xml_node intrazone, pugi::xml_node interzone) {
    Rule intra, inter;
    intra.name = "intrazone-default";
    inter.name = "interzone-default";
    for (auto [r, node, fallback] :
         {std::tuple{&intra, intrazone, Action::allow}, {&inter, interzone, Action::block}}) {
        r->action = node ? action(Fields(node), fallback) : fallback;
        r->location = node ? tree_.location(node) : analysis::SourceLocation{tree_.path()};
        if (node) r->text = tree_.text(node);
    }
    for (const auto& [name, area] : zones_.zones) {
        auto from = source_zones_.zones.find(name);
        if (from != source_zones_.zones.end())
            intra.match |= FlowSpace::of(from->second, area, ProtocolSet::all());
    }
    const AddressSet& u = zones_.unknown;
    if (!u.empty()) {
        AddressSet all = AddressSet::all();
        intra.may_match =
            FlowSpace::of(u, all, ProtocolSet::all()) | FlowSpace::of(all - u, u, ProtocolSet::all());
        intra.conditions.push_back(u == all
                                       ? "the zones of the addresses are unknown"
                                       : "source and destination are in the same zone (a zone is unknown)");
    }
    inter.match = FlowSpace::all();
    return {std::move(intra), std::move(inter)};
}

}  // namespace flowgap::parsers::paloalto
