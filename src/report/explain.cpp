// `flowgap explain`: one packet's trace through one firewall, as a packet tracer's listing
// (text) or as JSON.
//
// The JSON document, schema "flowgap-explain/1"; keys in this order (ordered_json), so the same
// inputs give byte-identical output:
//   schema      "flowgap-explain/1"
//   firewall    the firewall's name in the deployment
//   format      the vendor format of its config (as the audit JSON names it, e.g. iptables)
//   config      its config file or files, as the text view names them
//   packet      {text: "tcp 10.20.5.5:49152 -> 10.10.1.10:17472", protocol, from, to, sport,
//               dport} (ICMP keeps type * 256 + code in dport)
//   program     the local program given with --program (lowercase), or null
//   filtered    false when the firewall never sees the packet; `directions` is then empty
//   verdict     the firewall's verdict for the packet, the one the audit gives a flow made of it:
//               "allowed", "blocked", "conditional", or "not-applicable" when not filtered
//   directions  each direction the firewall filters the packet in:
//     direction   "inbound", "outbound" or "transit"
//     verdict     what the direction's policies decide together (every one must allow)
//     policies    in the config's order; empty when no rule filters the direction (allowed):
//       policy      its name ("FORWARD", "vsys1 security rulebase", ...)
//       combine     "first-match" or "block-wins"
//       rules       how many rules it holds
//       steps       the rules consulted, in written order, as the text view shows them:
//                     {rule, location "file:line:column", action, outcome, why, conditional}
//                   outcome "no-match" (why: a dimension that misses, with its whole address set;
//                   the text view shortens a long set to "a, b, ... (N blocks)"), "overridden" (block-wins:
//                   it matches, but why: another rule took the packet first), "may-match" (why:
//                   its conditions) or "matches" (it decides; why: null). A run of more than 20
//                   rules that miss is one entry {outcome: "no-match", count, first, last}
//                   (first and last: locations), as in the text view.
//       defaults    the decisions of the policy's default: {rule, location, action, outcome}
//                   with outcome "decides" or "may-decide"
//       verdict     the policy's verdict for the packet
// Rule names and `why` may quote the config, so they pass through mask_secrets like the
// audit's JSON.
#include "src/report/explain.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <nlohmann/json.hpp>

#include "src/report/redact.hpp"
#include "src/report/utf8.hpp"
#include "src/report/visible.hpp"

namespace flowgap::report {

using nlohmann::ordered_json;
using namespace flowgap::analysis;

namespace {

// Runs of rules that do not match longer than this are summarized, so 100k-rule policies stay
// readable. Shorter ones are shown: they are the path (a user chain's rules, what a RETURN
// skipped).
constexpr size_t kShownRun = 20;

// One line of a policy's listing: a step, or a summarized run of steps that do not match.
struct Row {
    size_t first = 0;
    size_t last = 0;  // inclusive
    bool summarized = false;
};

std::vector<Row> rows_of(const std::vector<TraceStep>& steps) {
    std::vector<Row> rows;
    size_t i = 0;
    while (i < steps.size()) {
        size_t j = i;
        while (j < steps.size() && steps[j].outcome == TraceStep::Outcome::no_match)
            ++j;
        if (j - i > kShownRun) {
            rows.push_back({i, j - 1, true});
            i = j;
            continue;
        }
        for (size_t end = std::max(j, i + 1); i < end; ++i)
            rows.push_back({i, i, false});
    }
    return rows;
}

std::string_view combine_text(Combine c) {
    return c == Combine::first_match ? "first match" : "block rules win";
}

std::string outcome_text(const TraceStep& s) {
    std::string_view action = to_string(s.rule->action);
    switch (s.outcome) {
        case TraceStep::Outcome::no_match: return "no match: " + (s.brief.empty() ? s.why : s.brief);
        case TraceStep::Outcome::overridden:
            return fmt::format("{}, then {}, but {}", s.conditional ? "may match" : "matches", action, s.why);
        case TraceStep::Outcome::may_match: return fmt::format("may match, then {} (if {})", action, s.why);
        case TraceStep::Outcome::matches: return fmt::format("MATCHES: {}", action);
    }
    return "";
}

void policy_text(std::ostream& out, const Direction direction, const PolicyTrace& t) {
    const Policy& policy = *t.policy;
    fmt::print(out, "{} policy {} ({} rules, {}):\n", to_string(direction), visible(policy.name),
               policy.rules.size(), combine_text(policy.combine));
    for (const Row& row : rows_of(t.steps)) {
        const TraceStep& first = t.steps[row.first];
        if (row.summarized) {
            fmt::print(out, "  {} rules do not match ({} .. {})\n", row.last - row.first + 1,
                       visible(first.rule->location.str()), visible(t.steps[row.last].rule->location.str()));
        } else {
            fmt::print(out, "  {:<28} {:<40} {}\n", visible(first.rule->name),
                       visible(first.rule->location.str()), visible(outcome_text(first)));
        }
    }
    for (const auto& d : t.defaults) {
        fmt::print(out, "  {:<28} {:<40} {}{}\n", visible(d.rule->name), visible(d.rule->location.str()),
                   d.conditional ? "may decide: " : "decides: ", to_string(d.rule->action));
    }
    fmt::print(out, "  verdict: {}\n", to_string(t.verdict));
}

ordered_json step_json(const TraceStep& s) {
    ordered_json j;
    j["rule"] = mask_secrets(s.rule->name);
    j["location"] = s.rule->location.str();
    j["action"] = to_string(s.rule->action);
    j["outcome"] = to_string(s.outcome);
    j["why"] = s.why.empty() ? ordered_json(nullptr) : ordered_json(mask_secrets(s.why));
    j["conditional"] = s.conditional;
    return j;
}

ordered_json policy_json(const PolicyTrace& t) {
    const Policy& policy = *t.policy;
    ordered_json j;
    j["policy"] = policy.name;
    j["combine"] = policy.combine == Combine::first_match ? "first-match" : "block-wins";
    j["rules"] = policy.rules.size();
    j["steps"] = ordered_json::array();
    for (const Row& row : rows_of(t.steps)) {
        if (!row.summarized) {
            j["steps"].push_back(step_json(t.steps[row.first]));
            continue;
        }
        ordered_json run;
        run["outcome"] = to_string(TraceStep::Outcome::no_match);
        run["count"] = row.last - row.first + 1;
        run["first"] = t.steps[row.first].rule->location.str();
        run["last"] = t.steps[row.last].rule->location.str();
        j["steps"].push_back(run);
    }
    j["defaults"] = ordered_json::array();
    for (const auto& d : t.defaults) {
        ordered_json x;
        x["rule"] = mask_secrets(d.rule->name);
        x["location"] = d.rule->location.str();
        x["action"] = to_string(d.rule->action);
        x["outcome"] = d.conditional ? "may-decide" : "decides";
        j["defaults"].push_back(x);
    }
    j["verdict"] = to_string(t.verdict);
    return j;
}

ordered_json packet_json(const Packet& p) {
    ordered_json j;
    j["text"] = p.str();
    j["protocol"] = protocol::name(p.proto);
    j["from"] = p.src.str();
    j["to"] = p.dst.str();
    j["sport"] = p.sport;
    j["dport"] = p.dport;
    return j;
}

}  // namespace

void write_explain_text(std::ostream& out, const FirewallSpec& spec, const Firewall& fw, const Trace& t) {
    fmt::print(out, "packet {} through {} ({}, {})\n", t.packet.str(), visible(spec.name), fw.format,
               visible(spec.config_text()));
    if (!t.filtered) {
        fmt::print(out,
                   "  this firewall does not filter this packet (not to or from its host, or it never "
                   "crosses it)\n");
        return;
    }
    for (const auto& share : t.shares) {
        if (share.policies.empty())
            fmt::print(out, "no rules filter {} traffic: allowed\n", to_string(share.direction));
        for (const auto& policy : share.policies)
            policy_text(out, share.direction, policy);
    }
}

void write_explain_json(std::ostream& out, const FirewallSpec& spec, const Firewall& fw, const Trace& t) {
    ordered_json j;
    j["schema"] = "flowgap-explain/1";
    j["firewall"] = spec.name;
    j["format"] = fw.format;
    j["config"] = spec.config_text();
    j["packet"] = packet_json(t.packet);
    j["program"] = t.program.empty() ? ordered_json(nullptr) : ordered_json(t.program);
    j["filtered"] = t.filtered;
    j["verdict"] = to_string(t.verdict);
    j["directions"] = ordered_json::array();
    for (const auto& share : t.shares) {
        ordered_json d;
        d["direction"] = to_string(share.direction);
        d["verdict"] = to_string(share.verdict);
        d["policies"] = ordered_json::array();
        for (const auto& policy : share.policies)
            d["policies"].push_back(policy_json(policy));
        j["directions"].push_back(d);
    }
    out << dump_json(j) << "\n";
}

}  // namespace flowgap::report
