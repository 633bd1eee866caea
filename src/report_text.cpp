// The terminal view: one line per flow and firewall, then the rules that decide it.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include "src/report.hpp"

namespace flowgap::cli {

using namespace flowgap::analysis;

namespace {

std::string shorten(const AddressSet& s, size_t max_items = 3) {
    auto cidrs = s.cidrs();
    if (s == AddressSet::all()) return "any";
    if (cidrs.size() <= max_items) return fmt::format("{}", fmt::join(cidrs, ","));
    cidrs.resize(max_items);
    return fmt::format("{},... ({} blocks)", fmt::join(cidrs, ","), s.cidrs().size());
}

void write_decisions(std::ostream& out, const FlowAtFirewall& res) {
    for (const auto& part : res.parts) {
        for (const auto& d : part.evaluation.decisions) {
            auto example = d.space.example();
            std::string verb = d.conditional ? fmt::format("may {}", to_string(d.rule->action))
                                             : std::string(to_string(d.rule->action));
            fmt::print(out, "      {:<13} {} ({}) e.g. {}\n", verb, d.rule->name, d.rule->location.str(),
                       example ? example->str() : "-");
            if (d.conditional) {
                for (const auto& c : d.rule->conditions)
                    fmt::print(out, "                    if {}\n", c);
            }
        }
    }
    for (const auto& n : res.notes)
        fmt::print(out, "      note: {}\n", n);
}

void write_firewall(std::ostream& out, const Report& r, size_t fi) {
    const FirewallSpec& spec = r.deployment.firewalls[fi];
    const Firewall& fw = r.firewalls[fi];
    std::string where = spec.host ? "host " + spec.host->str() : "network";
    fmt::print(out, "\n{} ({}, {}, {} rules, {})\n", spec.name, fw.format, spec.config_path, fw.rule_count,
               where);
    for (const auto& w : fw.warnings)
        fmt::print(out, "  {}\n", w.str());
    bool any = false;
    for (const auto& res : r.audit.results) {
        if (res.firewall != fi) continue;
        any = true;
        const Flow& f = r.audit.flows[res.flow];
        fmt::print(out, "  {:<14} {:<32} {:<12} {} -> {}\n", to_string(res.verdict), f.entry->id,
                   fmt::format("{}/{}", res.crossing.protocols().str(), res.crossing.dports().str()),
                   shorten(res.crossing.sources()), shorten(res.crossing.destinations()));
        if (res.verdict != Verdict::allowed || res.parts.empty()) write_decisions(out, res);
    }
    if (!any) fmt::print(out, "  no Tanium flow crosses this firewall\n");
}

void write_findings(std::ostream& out, const Report& r) {
    if (r.findings.empty()) return;
    fmt::print(out, "\nfindings\n");
    for (int s = static_cast<int>(Severity::critical); s >= static_cast<int>(Severity::info); --s) {
        for (const auto& f : r.findings) {
            if (static_cast<int>(f.severity) != s) continue;
            fmt::print(out, "  {:<9} {:<21} {} ({})\n", to_string(f.severity), f.check,
                       r.deployment.firewalls[f.firewall].name, f.rule->location.str());
            fmt::print(out, "      {}\n", f.message);
            if (auto p = (f.excess.empty() ? f.needed : f.excess).example())
                fmt::print(out, "      e.g. {}\n", p->str());
            if (!f.needed.empty() && !f.excess.empty()) {
                fmt::print(out, "      needed part: {}/{} from {} to {}\n", f.needed.protocols().str(),
                           f.needed.dports().str(), shorten(f.needed.sources()),
                           shorten(f.needed.destinations()));
            }
        }
    }
}

}  // namespace

void write_audit_text(std::ostream& out, const Report& r) {
    fmt::print(out, "flowgap audit of {}: {} firewalls, {} Tanium flows\n", r.deployment.path,
               r.firewalls.size(), r.audit.flows.size());
    for (size_t fi = 0; fi < r.firewalls.size(); ++fi)
        write_firewall(out, r, fi);

    fmt::print(out, "\nend to end\n");
    size_t required = 0, failing = 0;
    for (const auto& e : r.audit.end_to_end) {
        const Flow& f = r.audit.flows[e.flow];
        std::vector<std::string> names;
        for (size_t fi : e.firewalls)
            names.push_back(r.deployment.firewalls[fi].name);
        std::string via =
            names.empty() ? "crosses no audited firewall" : fmt::format("via {}", fmt::join(names, ", "));
        fmt::print(out, "  {:<14} {:<32} {:<11} {}\n", to_string(e.verdict), f.entry->id,
                   to_string(f.entry->level), via);
        if (auto p = e.blocked.example()) fmt::print(out, "      blocked e.g. {}\n", p->str());
        if (auto p = e.conditional.example()) fmt::print(out, "      conditional e.g. {}\n", p->str());
        if (f.entry->level != Level::required) continue;
        ++required;
        if (e.verdict != Verdict::allowed && e.verdict != Verdict::not_applicable) ++failing;
    }
    write_findings(out, r);
    if (failing == 0) {
        fmt::print(out, "\nPASS: all {} required flows are allowed\n", required);
    } else {
        fmt::print(out, "\nFAIL: {} of {} required flows are not allowed end to end\n", failing, required);
    }
}

void write_flows_text(std::ostream& out, const Deployment& d, const std::vector<Flow>& flows) {
    fmt::print(out, "Tanium flows for {} ({} platform):\n", d.path,
               d.platform == Platform::appliance ? "appliance" : "windows");
    for (const auto& f : flows) {
        fmt::print(out, "  {:<32} {:<11} {:<16} {} {} {}\n", f.entry->id, to_string(f.entry->level),
                   f.service, shorten(f.from, 4), f.entry->both_ways ? "<->" : "->", shorten(f.to, 4));
    }
}

}  // namespace flowgap::cli
