// The terminal view: one line per flow and firewall, then the rules that decide it, the
// findings by severity and the gate. Colors (ANSI) only when ReportOptions::color says so.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include "src/report/items.hpp"
#include "src/report/redact.hpp"
#include "src/report/remedies.hpp"
#include "src/report/report.hpp"
#include "src/report/visible.hpp"

namespace flowgap::report {

using namespace flowgap::analysis;

namespace {

// A remedy's summary after "fix:", its commands indented below it.
void write_fix(std::ostream& out, const std::string& fix) {
    if (fix.empty()) return;
    std::string_view rest = fix;
    bool first = true;
    while (!rest.empty()) {
        size_t nl = rest.find('\n');
        std::string_view line = rest.substr(0, nl);
        fmt::print(out, "{}{}\n", first ? "      fix: " : "        ", visible(line));
        first = false;
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    }
}

// Pads first, then colors, so that escapes never upset the columns.
std::string paint(bool color, std::string_view code, std::string_view text, size_t width = 0) {
    std::string padded = fmt::format("{:<{}}", text, width);
    if (!color) return padded;
    return fmt::format("\x1b[{}m{}\x1b[0m{}", code, text, padded.substr(text.size()));
}

std::string_view verdict_code(Verdict v) {
    switch (v) {
        case Verdict::allowed: return "32";
        case Verdict::blocked: return "1;31";
        case Verdict::partial: return "33";
        case Verdict::conditional: return "35";
        case Verdict::not_applicable: return "2";
    }
    return "0";
}

std::string_view severity_code(Severity s) {
    switch (s) {
        case Severity::critical: return "1;31";
        case Severity::high: return "31";
        case Severity::medium: return "33";
        case Severity::low: return "36";
        case Severity::info: return "2";
    }
    return "0";
}

std::string shorten(const AddressSet& s, size_t max_items = 3) {
    auto cidrs = s.cidrs();
    if (s == AddressSet::all()) return "any";
    if (cidrs.size() <= max_items) return fmt::format("{}", fmt::join(cidrs, ","));
    cidrs.resize(max_items);
    return fmt::format("{},... ({} blocks)", fmt::join(cidrs, ","), s.cidrs().size());
}

void write_decisions(std::ostream& out, const Report& r, const FlowAtFirewall& res) {
    for (const auto& part : res.parts) {
        for (const auto& d : part.evaluation.decisions) {
            std::string example = example_as_sent(r, res.firewall, d.space);
            std::string verb = d.conditional ? fmt::format("may {}", to_string(d.rule->action))
                                             : std::string(to_string(d.rule->action));
            fmt::print(out, "      {:<13} {} ({}) e.g. {}\n", verb, visible(mask_secrets(d.rule->name)),
                       visible(d.rule->location.str()), example.empty() ? "-" : visible(example));
            if (d.conditional) {
                for (const auto& c : conditions_for(*d.rule, d.space))
                    fmt::print(out, "                    if {}\n", visible(c));
            }
        }
    }
    for (const auto& n : res.notes)
        fmt::print(out, "      note: {}\n", visible(n));
}

void write_firewall(std::ostream& out, const Report& r, size_t fi) {
    const FirewallSpec& spec = r.deployment.firewalls[fi];
    const Firewall& fw = r.firewalls[fi];
    std::string where = spec.host ? "host " + spec.host->str() : "network";
    fmt::print(out, "\n{} ({}, {}, {} rules, {})\n", visible(spec.name), fw.format,
               visible(spec.config_text()), fw.rule_count, where);
    for (const auto& w : fw.warnings)
        fmt::print(out, "  {}\n", visible(mask_secrets(w.str())));
    bool any = false;
    for (const auto& res : r.audit.results) {
        if (res.firewall != fi) continue;
        any = true;
        const Flow& f = r.audit.flows[res.flow];
        fmt::print(out, "  {} {:<32} {:<12} {} -> {}\n",
                   paint(r.options.color, verdict_code(res.verdict), to_string(res.verdict), 14),
                   visible(f.entry->id),
                   fmt::format("{}/{}", res.crossing.protocols().str(), res.crossing.dports().str()),
                   shorten(res.crossing.sources()), shorten(res.crossing.destinations()));
        for (const Translation* t : translations_of(r, fi, res.crossing)) {
            fmt::print(out, "      nat: sent to {}, DNAT {} ({}) -> {}\n", t->original.str(),
                       visible(mask_secrets(t->rule)), visible(t->location.str()), t->translated.str());
        }
        if (res.verdict != Verdict::allowed || res.parts.empty()) write_decisions(out, r, res);
        const GateItem* item = r.gate ? r.gate->item_for(res) : nullptr;
        if (item && item->waived) fmt::print(out, "      waived: {}\n", visible(view(r, *item).waiver));
        if (item) write_fix(out, flow_remedy(r, res));
    }
    if (!any) fmt::print(out, "  no Tanium flow crosses this firewall\n");
}

void write_findings(std::ostream& out, const Report& r) {
    if (r.findings.empty()) return;
    fmt::print(out, "\nfindings\n");
    for (Severity s : severities_descending()) {
        for (const auto& f : r.findings) {
            if (f.severity != s) continue;
            fmt::print(out, "  {} {:<21} {} ({})\n",
                       paint(r.options.color, severity_code(s), to_string(s), 9), f.check,
                       visible(r.deployment.firewalls[f.firewall].name), visible(f.rule->location.str()));
            fmt::print(out, "      {}\n", visible(f.message));
            const GateItem* item = r.gate ? r.gate->item_for(f) : nullptr;
            if (item && item->waived) fmt::print(out, "      waived: {}\n", visible(view(r, *item).waiver));
            write_fix(out, finding_remedy(r, f));
            // As the client sends it: to the public address where a NAT publishes the host.
            std::string example = example_as_sent(r, f.firewall, f.excess.empty() ? f.needed : f.excess);
            if (!example.empty()) fmt::print(out, "      e.g. {}\n", example);
            if (!f.needed.empty() && !f.excess.empty()) {
                fmt::print(out, "      needed part: {}/{} from {} to {}\n", f.needed.protocols().str(),
                           f.needed.dports().str(), shorten(f.needed.sources()),
                           shorten(f.needed.destinations()));
            }
        }
    }
}

// Expired and stale waivers: they are gate items of their own, listed after the findings.
void write_waiver_problems(std::ostream& out, const Report& r) {
    bool header = false;
    for (const auto& item : r.gate->items) {
        if (item.kind != GateItem::Kind::waiver) continue;
        if (!header) fmt::print(out, "\nwaivers\n");
        header = true;
        ItemView v = view(r, item);
        fmt::print(out, "  {} {:<21} ({})\n",
                   paint(r.options.color, severity_code(item.severity), v.severity, 9), v.check,
                   visible(v.location.str()));
        fmt::print(out, "      {}\n", visible(v.message));
    }
}

std::string gate_line(const Report& r) {
    const Gate& g = *r.gate;
    std::string waived = g.waived() ? fmt::format(", {} waived", g.waived()) : std::string();
    if (g.passed()) return fmt::format("gate (--fail-on {}): PASS{}", to_string(g.fail_on), waived);
    return fmt::format("gate (--fail-on {}): FAIL, {} item{} at or above {}{}", to_string(g.fail_on),
                       g.failing(), g.failing() == 1 ? "" : "s", to_string(g.fail_on), waived);
}

// --quiet: only what fails the gate, each with where to fix it.
void write_quiet(std::ostream& out, const Report& r) {
    for (const auto& item : r.gate->items) {
        if (!item.fails) continue;
        ItemView v = view(r, item);
        fmt::print(out, "{} {:<21} {} {} ({})\n",
                   paint(r.options.color, severity_code(item.severity), v.severity, 9), v.check,
                   visible(v.firewall.empty() ? "-" : v.firewall), visible(v.subject),
                   visible(v.location.str()));
        fmt::print(out, "      {}\n", visible(v.message));
        write_fix(out, v.remediation);
    }
    fmt::print(out, "{}\n", gate_line(r));
}

}  // namespace

void write_audit_text(std::ostream& out, const Report& r) {
    if (r.options.quiet && r.gate) return write_quiet(out, r);
    fmt::print(out, "flowgap audit of {}: {} firewalls, {} Tanium flows\n", visible(r.deployment.path),
               r.firewalls.size(), r.audit.flows.size());
    for (size_t fi = 0; fi < r.firewalls.size(); ++fi)
        write_firewall(out, r, fi);

    fmt::print(out, "\nend to end\n");
    size_t required = 0, failing = 0;
    for (const auto& e : r.audit.end_to_end) {
        const Flow& f = r.audit.flows[e.flow];
        std::vector<std::string> names;
        for (size_t fi : e.firewalls)
            names.push_back(visible(r.deployment.firewalls[fi].name));
        std::string via =
            names.empty() ? "crosses no audited firewall" : fmt::format("via {}", fmt::join(names, ", "));
        fmt::print(out, "  {} {:<32} {:<11} {}\n",
                   paint(r.options.color, verdict_code(e.verdict), to_string(e.verdict), 14),
                   visible(f.entry->id), to_string(f.entry->level), via);
        if (auto p = e.blocked.example()) fmt::print(out, "      blocked e.g. {}\n", p->str());
        if (auto p = e.conditional.example()) fmt::print(out, "      conditional e.g. {}\n", p->str());
        if (f.entry->level != Level::required) continue;
        ++required;
        if (e.verdict != Verdict::allowed && e.verdict != Verdict::not_applicable) ++failing;
    }
    write_findings(out, r);
    if (r.gate) write_waiver_problems(out, r);
    if (failing == 0) {
        fmt::print(out, "\nPASS: all {} required flows are allowed\n", required);
    } else {
        fmt::print(out, "\nFAIL: {} of {} required flows are not allowed end to end\n", failing, required);
    }
    if (r.gate) fmt::print(out, "{}\n", gate_line(r));
    if (r.options.timestamp) fmt::print(out, "generated {}\n", *r.options.timestamp);
}

void write_flows_text(std::ostream& out, const Deployment& d, const std::vector<Flow>& flows) {
    fmt::print(out, "Tanium flows for {} ({} platform):\n", visible(d.path),
               d.platform == Platform::appliance ? "appliance" : "windows");
    for (const auto& f : flows) {
        fmt::print(out, "  {:<32} {:<11} {:<16} {} {} {}\n", visible(f.entry->id), to_string(f.entry->level),
                   visible(f.service), shorten(f.from, 4), f.entry->both_ways ? "<->" : "->",
                   shorten(f.to, 4));
    }
}

}  // namespace flowgap::report
