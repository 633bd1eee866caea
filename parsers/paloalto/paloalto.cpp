#include "parsers/paloalto/paloalto.hpp"

#include <algorithm>
#include <deque>
#include <map>

#include <fmt/format.h>

#include "parsers/paloalto/nat.hpp"
#include "parsers/paloalto/rules.hpp"

namespace flowgap::parsers::paloalto {

using analysis::Diagnostic;
using analysis::Firewall;
using analysis::InputError;
using analysis::Policy;
using analysis::SourceLocation;

namespace {

// One device's view: its scopes (innermost first), its rulebases in evaluation order, and
// where default-rule overrides may sit (most specific first).
struct Context {
    std::string label;  // "vsys vsys1", "device-group DG"
    std::vector<const Scope*> chain;
    std::vector<pugi::xml_node> rulebases;  // each holds security/rules
    std::vector<pugi::xml_node> overrides;  // each holds default-security-rules
    // The `set` path of the rulebase this device's own allow rules go to, which the default
    // rules follow ("rulebase", "vsys vsys2 rulebase", "device-group DG post-rulebase").
    std::string local;
    // Overrides that the export shows come from Panorama (pushed to this firewall).
    std::vector<pugi::xml_node> pushed;
};

// The named entries of a container. A rendered template may write one entry twice; PAN-OS
// merges such entries, so their children move into the first one.
std::vector<pugi::xml_node> entries(pugi::xml_node container, std::vector<Diagnostic>& warnings,
                                    const Tree& tree) {
    std::vector<pugi::xml_node> out;
    for (pugi::xml_node e = container.child("entry"), next; e; e = next) {
        next = e.next_sibling("entry");
        auto same = std::find_if(out.begin(), out.end(), [&](pugi::xml_node o) {
            return std::string_view(o.attribute("name").value()) == e.attribute("name").value();
        });
        if (same == out.end()) {
            out.push_back(e);
            continue;
        }
        warnings.push_back(
            {Diagnostic::Severity::warning, tree.location(e),
             fmt::format("'{}' is written twice; its two entries are merged", e.attribute("name").value())});
        while (pugi::xml_node c = e.first_child())
            same->append_move(c);
        container.remove_child(e);
    }
    return out;
}

// Follows the rule just added with its copies for the packets NAT rules redirect: the rule no
// longer matches them in real coordinates; each copy matches them as the device does (`seen`: the
// same rule translated on the post-NAT zones, which sees the public address), under a name that
// says so. Copy and rule are disjoint and adjacent, so first-match order is kept.
void redirect(std::deque<analysis::Rule>& rules, analysis::Rule seen,
              const std::vector<Redirect>& redirects) {
    analysis::Rule& original = rules.back();  // a deque keeps references across push_back
    for (const Redirect& n : redirects) {
        analysis::FlowSpace q = analysis::FlowSpace::of(n.sources, n.real, analysis::ProtocolSet::all());
        if (original.match.intersects(q)) original.match = original.match - q;
        if (original.may_match.intersects(q)) original.may_match = original.may_match - q;
        analysis::Rule copy;
        copy.match = to_real(seen.match, n);
        copy.may_match = to_real(seen.may_match, n) - copy.match;
        if (copy.match.empty() && copy.may_match.empty()) continue;
        copy.name = fmt::format("{} via NAT {}", original.name, n.nat);
        copy.name_key = original.name_key ? original.name_key : static_cast<uint32_t>(original.name.size());
        copy.action = seen.action;
        copy.conditions = seen.conditions;
        copy.applications = seen.applications;
        copy.location = original.location;
        copy.text = original.text;
        copy.position = original.position;
        // The fix for packets a copy blocks names the public address (fix.cpp).
        copy.container = fmt::format("{}|dnat={}", original.container, n.addressed.str());
        rules.push_back(std::move(copy));
    }
}

std::vector<std::string> entry_names(const std::vector<pugi::xml_node>& es) {
    std::vector<std::string> out;
    for (auto e : es)
        out.emplace_back(e.attribute("name").value());
    return out;
}

class Loader {
  public:
    Loader(Tree& tree, const ParseOptions& options, Firewall& fw) : tree_(tree), options_(options), fw_(fw) {
        config_ = tree.config();
        device_ = config_.child("devices").child("entry");
        shared_ = &scope("shared", config_.child("shared"));
    }

    void run() {
        std::vector<Context> contexts = select();
        std::vector<pugi::xml_node> devices = {device_};
        for (pugi::xml_node t : device_.child("template").children("entry"))
            for (pugi::xml_node d : t.child("config").child("devices").children("entry"))
                devices.push_back(d);
        // Interfaces may name shared address objects; zones are the device's, whatever the vsys.
        Resolver resolver(tree_, {shared_}, fw_.warnings);
        ZoneMap zones = options_.zones.empty() ? infer_zones(tree_, devices, resolver, fw_.warnings)
                                               : zones_from_options(options_.zones);
        if (zones.inferred) fw_.bypass = zones.bypass;
        for (const Context& c : contexts)
            fw_.policies.push_back(policy(c, zones));
        count_rules();
    }

  private:
    const Scope& scope(std::string name, pugi::xml_node node) {
        return scopes_.emplace_back(std::move(name), node);
    }

    pugi::xml_node pick(const std::vector<pugi::xml_node>& all, const std::string& wanted, const char* what,
                        const char* key) {
        for (auto e : all)
            if (wanted == e.attribute("name").value()) return e;
        throw InputError(
            SourceLocation{tree_.path()},
            fmt::format("{} '{}' (from `{}:` in the deployment) is not in this export; it has: {}", what,
                        wanted, key, fmt::join(entry_names(all), ", ")));
    }

    // With several vsys or device groups and none named, each becomes its own policy.
    std::vector<pugi::xml_node> choose(const std::vector<pugi::xml_node>& all, const std::string& wanted,
                                       const char* what, const char* key) {
        if (!wanted.empty()) return {pick(all, wanted, what, key)};
        if (all.size() > 1) {
            warn(all.front().parent(),
                 fmt::format("this export has {} {} entries ({}) and the deployment names none with `{}:`: "
                             "each is audited as its own policy",
                             all.size(), what, fmt::join(entry_names(all), ", "), key));
        }
        return all;
    }

    std::vector<Context> select() {
        auto groups = entries(device_.child("device-group"), fw_.warnings, tree_);
        auto vsyses = entries(device_.child("vsys"), fw_.warnings, tree_);
        pugi::xml_node pushed = config_.child("panorama");
        std::vector<Context> out;
        if (!groups.empty()) {
            for (auto dg : choose(groups, options_.device_group, "device group", "device_group"))
                out.push_back(device_group(dg, groups));
        } else if (!vsyses.empty()) {
            for (auto v : choose(vsyses, options_.vsys, "vsys", "vsys"))
                out.push_back(vsys(v, pushed));
        } else if (config_.child("shared").child("pre-rulebase") ||
                   config_.child("shared").child("post-rulebase")) {
            out.push_back({"shared",
                           {shared_},
                           {pre(config_.child("shared")), post(config_.child("shared"))},
                           {post(config_.child("shared"))},
                           "shared post-rulebase",
                           {}});
        } else if (device_.child("template") || device_.child("template-stack")) {
            // Templates carry interfaces and zones; the policy they serve lives in device groups.
            throw InputError(start_of(config_),
                             "a Panorama configuration with templates but no device group, vsys or shared "
                             "rulebase: templates hold no security policy; export the firewall's running "
                             "configuration, or Panorama's whole configuration with its device groups");
        } else {
            // A firewall with no rules still denies between zones; an export without any place
            // for rules is truncated or the wrong file, and reading it as "nothing filters" would
            // call every flow allowed.
            throw InputError(start_of(config_),
                             "no vsys, device group or shared rulebase: not a firewall's whole configuration "
                             "(a truncated or partial export?)");
        }
        return out;
    }

    // Where `set` commands put rules of this rulebase ("rulebase", "device-group DG pre-rulebase",
    // "shared post-rulebase"); empty for rules pushed from Panorama, which are changed there.
    static std::string set_path(pugi::xml_node rb) {
        pugi::xml_node owner = rb.parent();
        std::string_view kind = owner.parent().name();
        std::string name = owner.attribute("name").value();
        if (std::string_view(owner.name()) == "shared") return fmt::format("shared {}", rb.name());
        if (kind == "device-group") return fmt::format("device-group {} {}", name, rb.name());
        if (kind == "vsys")
            return name == "vsys1" ? std::string(rb.name()) : fmt::format("vsys {} {}", name, rb.name());
        return "";
    }
    static pugi::xml_node pre(pugi::xml_node n) { return n.child("pre-rulebase"); }
    static pugi::xml_node post(pugi::xml_node n) { return n.child("post-rulebase"); }

    Context vsys(pugi::xml_node v, pugi::xml_node pushed) {
        Context c;
        std::string name = v.attribute("name").value();
        c.label = "vsys " + name;
        c.chain.push_back(&scope(c.label, v));
        if (pushed) c.chain.push_back(&scope("panorama", pushed));
        c.chain.push_back(shared_);
        c.rulebases = {pre(pushed), v.child("rulebase"), post(pushed)};
        c.overrides = {v.child("rulebase"), post(pushed), post(config_.child("shared"))};
        c.pushed = {post(pushed), post(config_.child("shared"))};
        c.local = name == "vsys1" ? "rulebase" : fmt::format("vsys {} rulebase", name);
        return c;
    }

    // shared pre, group pre (root first), group post (own group first), shared post.
    Context device_group(pugi::xml_node dg, const std::vector<pugi::xml_node>& groups) {
        std::map<std::string, std::string> parent;
        for (pugi::xml_node d : config_.child("readonly").child("devices").children("entry"))
            for (pugi::xml_node g : d.child("device-group").children("entry"))
                parent[g.attribute("name").value()] = g.child_value("parent-dg");
        std::vector<pugi::xml_node> lineage;  // own group first
        for (pugi::xml_node g = dg; g && lineage.size() < 16;) {
            lineage.push_back(g);
            auto p = parent.find(g.attribute("name").value());
            if (p == parent.end() || p->second.empty()) break;
            g = pugi::xml_node();
            for (auto cand : groups)
                if (p->second == cand.attribute("name").value()) g = cand;
            if (!g) warn(dg, fmt::format("parent device group '{}' is not in the export", p->second));
        }
        Context c;
        c.label = fmt::format("device-group {}", dg.attribute("name").value());
        for (auto g : lineage)
            c.chain.push_back(&scope(fmt::format("device-group {}", g.attribute("name").value()), g));
        c.chain.push_back(shared_);
        c.rulebases.push_back(pre(config_.child("shared")));
        for (auto it = lineage.rbegin(); it != lineage.rend(); ++it)
            c.rulebases.push_back(pre(*it));
        for (auto g : lineage) {
            c.rulebases.push_back(post(g));
            c.overrides.push_back(post(g));
        }
        c.rulebases.push_back(post(config_.child("shared")));
        c.overrides.push_back(post(config_.child("shared")));
        c.local = fmt::format("device-group {} post-rulebase", dg.attribute("name").value());
        return c;
    }

    Policy policy(const Context& c, const ZoneMap& zones) {
        Resolver resolver(tree_, c.chain, fw_.warnings);
        RuleTranslator translate(tree_, resolver, zones, fw_.warnings);
        Policy p;
        p.name = c.label + " security rules";
        p.direction = analysis::Direction::transit;
        p.combine = analysis::Combine::first_match;
        // Packets a NAT rule redirects are decided on the public address with the real address's
        // zone: rules translated on those zones (`seen`) decide them exactly; what cannot be
        // followed exactly is conditional, ahead of every security rule.
        NatView nat = read_nat(tree_, resolver, zones, c.rulebases);
        record(nat.exact);
        for (auto& r : nat.conditional)
            p.rules.push_back(std::move(r));
        ZoneMap post_nat = nat.exact.empty() ? ZoneMap{} : post_nat_zones(zones, nat.exact);
        std::vector<Diagnostic> repeated;  // the second translation warns of the same things
        RuleTranslator seen(tree_, resolver, post_nat, repeated, &zones);
        for (pugi::xml_node rb : c.rulebases) {
            std::string container = set_path(rb);
            uint32_t position = 0;
            for (pugi::xml_node e : rb.child("security").child("rules").children("entry")) {
                ++position;
                Fields fields(e);
                if (fields.value(Fields::disabled) == "yes") continue;
                p.rules.push_back(translate.rule(e, fields));
                p.rules.back().container = container;
                p.rules.back().position = position;
                if (!nat.exact.empty()) redirect(p.rules, seen.rule(e, fields), nat.exact);
            }
        }
        pugi::xml_node intra, inter;
        bool pushed[2] = {false, false};
        for (pugi::xml_node o : c.overrides) {
            bool from_panorama = std::find(c.pushed.begin(), c.pushed.end(), o) != c.pushed.end();
            for (pugi::xml_node e : o.child("default-security-rules").child("rules").children("entry")) {
                std::string_view n = e.attribute("name").value();
                if (n == "intrazone-default" && !intra) intra = e, pushed[0] = from_panorama;
                if (n == "interzone-default" && !inter) inter = e, pushed[1] = from_panorama;
            }
        }
        auto defaults = translate.default_rules(intra, inter);
        // Position 0: after every rulebase. The container is where an allow rule that must come
        // before the default goes (the fix); "|pushed" when its override is Panorama's.
        for (size_t i = 0; i < defaults.size(); ++i)
            defaults[i].container = c.local + (pushed[i] ? "|pushed" : "");
        p.default_rule = defaults.back();
        auto seen_defaults =
            nat.exact.empty() ? std::vector<analysis::Rule>{} : seen.default_rules(intra, inter);
        for (size_t i = 0; i < defaults.size(); ++i) {
            p.rules.push_back(std::move(defaults[i]));
            if (!nat.exact.empty()) redirect(p.rules, std::move(seen_defaults[i]), nat.exact);
        }
        return p;
    }

    // The exact destination NATs, once each (several vsys or device groups may share a rulebase),
    // for the reports: the packets from the NAT rule's sources to the real address.
    void record(const std::vector<Redirect>& redirects) {
        for (const Redirect& r : redirects) {
            bool known = std::any_of(fw_.translations.begin(), fw_.translations.end(), [&](const auto& t) {
                return t.rule == r.nat && t.location.str() == r.location.str();
            });
            if (known) continue;
            analysis::Translation t;
            t.rule = r.nat;
            t.location = r.location;
            t.original = r.addressed;
            t.translated = r.real;
            t.packets = analysis::FlowSpace::of(r.sources, r.real, analysis::ProtocolSet::all());
            fw_.translations.push_back(std::move(t));
        }
    }

    // Counts every security rule in the file; rules where no evaluated rulebase sits (Prisma
    // Access containers, cloud devices) get a warning instead of silence. The walk follows
    // sibling and parent links rather than recursing: the input decides how deep the tree is.
    void count_rules() {
        pugi::xml_node c = config_.first_child();
        while (c) {
            if (c.type() == pugi::node_element && descend(c)) {
                c = c.first_child();
                continue;
            }
            while (!c.next_sibling() && c.parent() != config_)
                c = c.parent();
            c = c.next_sibling();
        }
    }

    // Counts the rules of one element; whether the walk goes into it.
    bool descend(pugi::xml_node c) {
        std::string_view name = c.name();
        if (name == "security" && c.child("rules")) {
            size_t count = 0;
            for (pugi::xml_node e = c.child("rules").child("entry"); e; e = e.next_sibling("entry"))
                ++count;
            fw_.rule_count += count;
            if (count && !evaluated(c.parent())) {
                warn(c, fmt::format("{} security rules under {} are not evaluated (unsupported location)",
                                    count, path_of(c.parent())));
            }
            return false;
        }
        return !skip(name) && c.first_child();
    }

    // "/devices[localhost]/vsys[vsys1]/...": built only for a warning, never per level walked.
    std::string path_of(pugi::xml_node n) const {
        std::vector<pugi::xml_node> up;
        for (; n && n != config_; n = n.parent())
            up.push_back(n);
        std::string out;
        for (auto it = up.rbegin(); it != up.rend(); ++it) {
            if (std::string_view(it->name()) == "entry")
                out += fmt::format("[{}]", it->attribute("name").value());
            else
                out += fmt::format("/{}", it->name());
        }
        return out;
    }

    static bool skip(std::string_view name) {
        return name == "address" || name == "address-group" || name == "service" || name == "application" ||
               name == "mgt-config" || name == "deviceconfig" || name == "network" || name == "profiles" ||
               name == "threats" || name == "predefined";
    }

    // Whether a rulebase element is one the loader reads (for any selection).
    bool evaluated(pugi::xml_node rulebase) const {
        std::string_view n = rulebase.name();
        pugi::xml_node owner = rulebase.parent();
        std::string_view o = owner.name(), container = owner.parent().name();
        if (n == "rulebase") return container == "vsys";
        if (n != "pre-rulebase" && n != "post-rulebase") return false;
        return o == "shared" || o == "panorama" || container == "device-group";
    }

    // Where an element starts, with a column: an XML element's `<`, or a synthesized tree's
    // first line.
    SourceLocation start_of(pugi::xml_node n) const {
        if (tree_.synthesized() || n.offset_debug() <= 0) return SourceLocation{tree_.path(), 1, 1};
        return tree_.location_at(static_cast<size_t>(n.offset_debug() - 1));
    }

    void warn(pugi::xml_node where, std::string message) {
        fw_.warnings.push_back({Diagnostic::Severity::warning, tree_.location(where), std::move(message)});
    }

    Tree& tree_;
    const ParseOptions& options_;
    Firewall& fw_;
    pugi::xml_node config_, device_;
    std::deque<Scope> scopes_;  // stable addresses for the chains
    const Scope* shared_ = nullptr;
};

}  // namespace

static bool starts_like_xml(std::string_view content) {
    size_t first = content.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
    return first != std::string_view::npos && content[first] == '<';
}

bool looks_like(std::string_view content) {
    return detect_form(content) != Form::none;
}

Firewall parse(std::shared_ptr<const std::string> path, std::shared_ptr<const std::string> content,
               const ParseOptions& options) {
    Firewall fw;
    fw.format = "paloalto";
    fw.path = path;
    fw.sources.push_back(content);
    Form form = detect_form(*content);
    std::unique_ptr<Tree> tree;
    if (form == Form::set) {
        tree = load_set(path, content);
    } else if (form == Form::brace) {
        tree = load_brace(path, content);
    } else if (form == Form::xml || starts_like_xml(*content)) {
        tree = load_xml(path, content);  // reports what makes XML that is not PAN-OS unreadable
    } else {
        throw InputError(SourceLocation{path, 1, 1},
                         "not a PAN-OS export: neither XML (<config>), `set` commands nor the brace format");
    }
    fw.warnings = std::move(tree->warnings);
    Loader(*tree, options, fw).run();
    return fw;
}

Firewall parse(const std::vector<Input>& inputs, const ParseOptions& options, const SourceLocation& entry) {
    if (inputs.size() > 1) {
        std::vector<std::string> names;
        for (const auto& in : inputs)
            names.push_back(*in.path);
        throw InputError(
            entry.file ? entry : SourceLocation{inputs[1].path, 1, 1},
            fmt::format("a Palo Alto firewall is read from one export (its whole configuration), "
                        "but {} files are given: {}",
                        inputs.size(), fmt::join(names, ", ")));
    }
    return parse(inputs[0].path, inputs[0].content, options);
}

}  // namespace flowgap::parsers::paloalto
