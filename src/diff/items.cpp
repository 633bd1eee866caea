#include "src/diff/items.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace flowgap::diff {


namespace {

// The rules that let the flow through before and no longer do: what the change removed.
std::string removed_note(const FlowDiff& f) {
    std::vector<std::string> gone;
    for (const DiffDecision* d : only_in(f.before, f.after)) {
        if (d->action == "allow") gone.push_back(fmt::format("{} ({})", d->rule, d->location));
    }
    if (gone.empty()) return "";
    return fmt::format("; {} no longer allow{} it", fmt::join(gone, " and "), gone.size() == 1 ? "s" : "");
}

// "e.g. PACKET is blocked by RULE": a packet the after side loses, and the rule that decides it.
std::string loss_note(const VerdictState& after, const DiffDecision* rule) {
    std::string example = rule ? rule->example : std::string();
    bool blocked = rule ? rule->action != "allow" && !rule->conditional : !after.example_blocked.empty();
    if (example.empty())
        example = !after.example_blocked.empty() ? after.example_blocked : after.example_conditional;
    std::string out = example.empty() ? ""
                                      : fmt::format(": e.g. {} {}", example,
                                                    blocked ? "is blocked" : "depends on a condition");
    if (rule) out += fmt::format("{} by {}", out.empty() ? ": decided" : "", rule->rule);
    return out;
}

// What now decides the lost part of a flow at a firewall: a rule that newly blocks it (or
// makes it conditional) where the change put one, else the side's deciding rule.
const DiffDecision* now_deciding(const FlowDiff& f) {
    for (const DiffDecision* d : only_in(f.after, f.before)) {
        if (d->action != "allow" || d->conditional) return d;
    }
    return deciding_rule(f.after);
}

// The firewall's config in the candidate: where to point when no rule decides.
std::string config_of(const Side& s, const std::string& firewall) {
    for (const auto& fw : s.firewalls) {
        if (fw.name == firewall) return fw.config;
    }
    return s.deployment;
}

// An end-to-end change is located at a firewall where the same flow changed, preferring one
// that got worse; nullptr when none did (the flow changed only by crossing other firewalls).
const FlowDiff* firewall_change(const Diff& d, const std::string& flow) {
    const FlowDiff* any = nullptr;
    for (const auto& f : d.flows) {
        if (f.flow != flow || !now_deciding(f)) continue;
        if (got_worse(f)) return &f;
        if (!any) any = &f;
    }
    return any;
}

}  // namespace

std::string count(size_t n, const char* noun) {
    return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
}

std::string gate_summary(const Diff& d, const DiffGate& g) {
    if (!g.failed()) {
        size_t fixed = std::count_if(d.end_to_end.begin(), d.end_to_end.end(),
                                     [](const FlowDiff& f) { return f.change == FlowChange::fixed; });
        return fmt::format(
            "no required flow got worse{}{}",
            g.fail_on ? fmt::format(", no new finding at or above {}", analysis::to_string(*g.fail_on)) : "",
            fixed ? fmt::format("; {} fixed end to end", count(fixed, "flow")) : "");
    }
    std::vector<std::string> why;
    if (!g.broken_flows.empty())
        why.push_back(fmt::format("{} got worse ({})", count(g.broken_flows.size(), "required flow verdict"),
                                  fmt::join(g.broken_flows, ", ")));
    if (!g.new_findings.empty())
        why.push_back(fmt::format("{} at or above {} ({})", count(g.new_findings.size(), "new finding"),
                                  analysis::to_string(*g.fail_on), fmt::join(g.new_findings, ", ")));
    return fmt::format("{}", fmt::join(why, "; "));
}

const DiffDecision* deciding_rule(const VerdictState& v) {
    auto certain_block = [](const DiffDecision& d) { return d.action != "allow" && !d.conditional; };
    auto loses = [](const DiffDecision& d) { return d.action != "allow" || d.conditional; };
    auto it = std::find_if(v.decided_by.begin(), v.decided_by.end(), certain_block);
    if (it == v.decided_by.end()) it = std::find_if(v.decided_by.begin(), v.decided_by.end(), loses);
    return it == v.decided_by.end() ? nullptr : &*it;
}

ProblemView problem_of(const Diff& d, const FlowDiff& f) {
    ProblemView v;
    v.check = "required-flow";
    v.firewall = f.firewall;
    v.subject = f.flow;
    const FlowDiff* at = f.firewall.empty() ? firewall_change(d, f.flow) : &f;
    const DiffDecision* rule = at ? now_deciding(*at) : nullptr;
    std::string where = f.firewall.empty() ? "end to end" : "at " + f.firewall;
    v.message = fmt::format("{} ({}) is now {} {}, was {}{}", f.flow, f.level, f.after.verdict, where,
                            f.before.verdict, loss_note(f.after, rule));
    if (f.firewall.empty() && at && rule) v.message += " at " + at->firewall;
    if (at) v.message += removed_note(*at);
    v.location = rule ? rule->location : config_of(d.after, at ? at->firewall : std::string());
    if (rule) v.text = rule->text;
    v.example = rule && !rule->example.empty()     ? rule->example
                : !f.after.example_blocked.empty() ? f.after.example_blocked
                                                   : f.after.example_conditional;
    return v;
}

ProblemView problem_of(const FindingDiff& f) {
    const FindingState& now = *f.after;
    ProblemView v{f.check,      now.severity, f.firewall, now.rule,
                  now.location, now.message,  now.text,   now.example};
    if (f.change == FindingChange::raised) {
        v.message += fmt::format(" (raised from {} to {})", analysis::to_string(f.before->severity),
                                 analysis::to_string(now.severity));
    }
    return v;
}

analysis::SourceLocation parse_location(const std::string& s) {
    analysis::SourceLocation loc;
    std::string file = s;
    std::vector<uint32_t> numbers;  // from the right: column, then line
    while (numbers.size() < 2) {
        size_t colon = file.rfind(':');
        if (colon == std::string::npos || colon + 1 == file.size()) break;
        std::string tail = file.substr(colon + 1);
        if (tail.size() > 9 ||
            !std::all_of(tail.begin(), tail.end(), [](unsigned char c) { return std::isdigit(c); }))
            break;
        numbers.push_back(static_cast<uint32_t>(std::stoul(tail)));
        file.erase(colon);
    }
    if (numbers.size() == 2) {
        loc.line = numbers[1];
        loc.column = numbers[0];
    } else if (numbers.size() == 1) {
        loc.line = numbers[0];
    }
    loc.file = std::make_shared<const std::string>(file.empty() ? std::string("flowgap") : file);
    return loc;
}

}  // namespace flowgap::diff
