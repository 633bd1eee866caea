#include "src/report/items.hpp"
#include "src/report/redact.hpp"

#include "src/report/remedies.hpp"
#include "src/report/visible.hpp"

#include <fmt/format.h>

namespace flowgap::report {

using namespace flowgap::analysis;

namespace {

std::string waiver_note(const Waiver& w) {
    return fmt::format("{} (waived until {}, {})", w.reason, w.expires.str(), w.location.str());
}

void flow_view(const Report& r, const GateItem& item, ItemView& v) {
    const FlowAtFirewall& res = *item.flow;
    const Flow& flow = r.audit.flows[res.flow];
    v.subject = std::string(flow.entry->id);
    const Decision* d = deciding(res);
    std::string example =
        example_as_sent(r, res.firewall, res.blocked.empty() ? res.conditional : res.blocked);
    v.example = example;
    if (d) {
        v.location = d->rule->location;
        v.text = mask_secrets(d->rule->text);
    }
    std::string how = res.blocked.empty() ? "depends on a condition" : "is blocked";
    // No rule's condition explains it: a note of the audit does (a public address no NAT rule publishes).
    if (!d && !res.notes.empty()) how += fmt::format(" ({})", fmt::join(res.notes, "; "));
    std::string by = d ? fmt::format(" by {}", mask_secrets(d->rule->name)) : std::string();
    v.message = fmt::format("{} ({}) is {} at {}: e.g. {} {}{}", v.subject, flow.service,
                            to_string(res.verdict), v.firewall, example.empty() ? "-" : example, how, by);
    v.remediation = flow_remedy(r, res);
}

void finding_view(const Report& r, const GateItem& item, ItemView& v) {
    const Finding& f = *item.finding;
    v.subject = mask_secrets(f.rule->name);
    v.location = f.rule->location;
    v.message = f.message;
    v.text = mask_secrets(f.rule->text);
    v.example = example_as_sent(r, f.firewall, f.excess.empty() ? f.needed : f.excess);
    v.remediation = finding_remedy(r, f);
}

void waiver_view(const Report& r, const GateItem& item, ItemView& v) {
    const Waiver& w = *item.waiver;
    v.subject = "waiver";
    v.location = w.location;
    std::string what =
        w.flow.empty() ? fmt::format("{} {}", w.check, w.rule) : fmt::format("flow {}", w.flow);
    bool known = false;
    for (const auto& spec : r.deployment.firewalls)
        known = known || spec.name == w.firewall;
    v.firewall = known ? w.firewall : std::string();
    if (item.check == "expired-waiver") {
        v.message = fmt::format("the waiver of {} at {} expired on {}: it no longer waives", what, w.firewall,
                                w.expires.str());
        v.remediation = "fix what it waived, or renew the waiver with a new reason and expiry date";
    } else {
        v.message = fmt::format("the waiver of {} at {} matches nothing in this audit", what, w.firewall);
        v.remediation = "remove the waiver, or correct the rule, flow or firewall it names";
    }
}

}  // namespace

ItemView view(const Report& r, const GateItem& item) {
    ItemView v;
    v.check = item.check;
    v.severity = std::string(to_string(item.severity));
    if (item.kind != GateItem::Kind::waiver) v.firewall = firewall_name(r, item.firewall);
    switch (item.kind) {
        case GateItem::Kind::flow: flow_view(r, item, v); break;
        case GateItem::Kind::finding: finding_view(r, item, v); break;
        case GateItem::Kind::waiver: waiver_view(r, item, v); break;
    }
    if (item.waived && item.waiver) v.waiver = waiver_note(*item.waiver);
    return v;
}

SeverityCounts count(const Gate& g) {
    SeverityCounts c;
    for (const auto& i : g.items) {
        if (i.waived) {
            ++c.waived;
        } else {
            ++c.open[static_cast<size_t>(i.severity)];
        }
    }
    return c;
}

const std::array<Severity, 5>& severities_descending() {
    static const std::array<Severity, 5> all = {Severity::critical, Severity::high, Severity::medium,
                                                Severity::low, Severity::info};
    return all;
}

const Decision* deciding(const FlowAtFirewall& r) {
    for (const auto& part : r.parts) {
        for (const auto& d : part.evaluation.decisions) {
            if (d.rule->action != Action::allow && !d.conditional) return &d;
        }
    }
    for (const auto& part : r.parts) {
        for (const auto& d : part.evaluation.decisions) {
            if (d.conditional || d.rule->action != Action::allow) return &d;
        }
    }
    return nullptr;
}

std::vector<const Translation*> translations_of(const Report& r, size_t firewall, const FlowSpace& space) {
    std::vector<const Translation*> out;
    if (firewall >= r.firewalls.size()) return out;
    for (const auto& t : r.firewalls[firewall].translations)
        if (t.packets.intersects(space)) out.push_back(&t);
    return out;
}

std::string packet_as_sent(const Report& r, size_t firewall, const Packet& p) {
    if (firewall < r.firewalls.size()) {
        for (const auto& t : r.firewalls[firewall].translations) {
            if (!t.packets.contains(p)) continue;
            if (t.original.empty()) break;
            Packet sent = p;
            sent.dst.value = t.original.intervals().min();
            return fmt::format("{} (DNAT {} -> {})", sent.str(), mask_secrets(t.rule), t.translated.str());
        }
    }
    return p.str();
}

std::string example_as_sent(const Report& r, size_t firewall, const FlowSpace& space) {
    auto p = space.example();
    return p ? packet_as_sent(r, firewall, *p) : std::string();
}

std::string flow_id(const Report& r, const FlowAtFirewall& res) {
    return std::string(r.audit.flows[res.flow].entry->id);
}

std::string firewall_name(const Report& r, size_t firewall) {
    return firewall < r.deployment.firewalls.size() ? r.deployment.firewalls[firewall].name : std::string();
}

std::string verdict_color_class(Verdict v) {
    return std::string(to_string(v));
}

std::string escape_markup(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default:
                if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n' || c == '\r') out += c;
        }
    }
    return out;
}

namespace {

std::string markdown_text(std::string_view s, bool html) {
    std::string out;
    for (char c : visible(s)) {
        if (c == '|') {
            out += "\\|";
        } else if (c == '`') {
            out += '\'';
        } else if (html && c == '<') {
            out += "&lt;";
        } else if (html && c == '>') {
            out += "&gt;";
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace

std::string markdown_cell(std::string_view s) {
    return markdown_text(s, true);
}

std::string markdown_code(std::string_view s) {
    return markdown_text(s, false);
}

}  // namespace flowgap::report
