// JUnit XML for CI dashboards: one test case per (flow, firewall) and per finding, failed when
// it fails the gate, skipped when waived; expired and stale waivers are test cases too.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include "src/report.hpp"
#include "src/report_items.hpp"

namespace flowgap::cli {

using namespace flowgap::analysis;

namespace {

struct Case {
    std::string classname;
    std::string name;
    std::string failure_type;     // set: failed
    std::string failure_message;  // one line
    std::string details;          // failure body or system-out
    std::string skipped;          // set: skipped (waived)
};

struct Suite {
    std::string name;
    std::vector<Case> cases;
    size_t failures() const {
        return static_cast<size_t>(
            std::count_if(cases.begin(), cases.end(), [](const Case& c) { return !c.failure_type.empty(); }));
    }
    size_t skipped() const {
        return static_cast<size_t>(
            std::count_if(cases.begin(), cases.end(), [](const Case& c) { return !c.skipped.empty(); }));
    }
};

std::string details_of(const ItemView& v) {
    std::string out = fmt::format("{}\nat {}", v.message, v.location.str());
    if (!v.example.empty()) out += "\nexample: " + v.example;
    if (!v.text.empty()) out += "\nrule: " + v.text;
    if (!v.remediation.empty()) out += "\nfix: " + v.remediation;
    return out;
}

// The gate's word on a case: failed, skipped (waived), or passed with the facts as output.
void judge(Case& c, const Report& r, const GateItem* item, const std::string& passed_note) {
    if (!item) {
        c.details = passed_note;
        return;
    }
    ItemView v = view(r, *item);
    c.details = details_of(v);
    if (item->waived) {
        c.skipped = "waived: " + v.waiver;
    } else if (item->fails) {
        c.failure_type = v.check;
        c.failure_message = fmt::format("{} {}: {}", v.severity, v.check, v.message);
    } else {
        c.details += fmt::format("\n({} is below --fail-on {})", v.severity, to_string(r.gate->fail_on));
    }
}

std::vector<Suite> suites(const Report& r) {
    std::vector<Suite> out;
    for (size_t fi = 0; fi < r.firewalls.size(); ++fi) {
        Suite s{"flows at " + firewall_name(r, fi), {}};
        for (const auto& res : r.audit.results) {
            if (res.firewall != fi) continue;
            Case c{"flowgap.flows." + firewall_name(r, fi), flow_id(r, res), "", "", "", ""};
            const Flow& f = r.audit.flows[res.flow];
            judge(c, r, r.gate->item_for(res),
                  fmt::format("{} ({}, {}) is {}", f.entry->id, to_string(f.entry->level), f.service,
                              to_string(res.verdict)));
            s.cases.push_back(std::move(c));
        }
        out.push_back(std::move(s));
    }
    Suite findings{"findings", {}};
    Suite waivers{"waivers", {}};
    for (const auto& item : r.gate->items) {
        if (item.kind == GateItem::Kind::flow) continue;
        ItemView v = view(r, item);
        bool waiver = item.kind == GateItem::Kind::waiver;
        Case c{fmt::format("flowgap.{}.{}", waiver ? "waivers" : "findings",
                           v.firewall.empty() ? "-" : v.firewall),
               fmt::format("{} {} ({})", v.check, v.subject, v.location.str()),
               "",
               "",
               "",
               ""};
        judge(c, r, &item, "");
        (waiver ? waivers : findings).cases.push_back(std::move(c));
    }
    out.push_back(std::move(findings));
    if (!waivers.cases.empty()) out.push_back(std::move(waivers));
    return out;
}

}  // namespace

void write_audit_junit(std::ostream& out, const Report& r) {
    std::vector<Suite> all = suites(r);
    size_t tests = 0, failures = 0, skipped = 0;
    for (const auto& s : all) {
        tests += s.cases.size();
        failures += s.failures();
        skipped += s.skipped();
    }
    auto e = [](std::string_view s) { return escape_markup(s); };
    fmt::print(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fmt::print(out, "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">\n",
               e("flowgap audit " + r.deployment.path), tests, failures, skipped);
    for (const auto& s : all) {
        std::string stamp =
            r.options.timestamp ? fmt::format(" timestamp=\"{}\"", e(*r.options.timestamp)) : "";
        fmt::print(out,
                   "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\"{}>\n",
                   e(s.name), s.cases.size(), s.failures(), s.skipped(), stamp);
        for (const auto& c : s.cases) {
            fmt::print(out, "    <testcase classname=\"{}\" name=\"{}\">\n", e(c.classname), e(c.name));
            if (!c.failure_type.empty()) {
                fmt::print(out, "      <failure type=\"{}\" message=\"{}\">{}</failure>\n", e(c.failure_type),
                           e(c.failure_message), e(c.details));
            } else if (!c.skipped.empty()) {
                fmt::print(out, "      <skipped message=\"{}\"/>\n", e(c.skipped));
                fmt::print(out, "      <system-out>{}</system-out>\n", e(c.details));
            } else if (!c.details.empty()) {
                fmt::print(out, "      <system-out>{}</system-out>\n", e(c.details));
            }
            fmt::print(out, "    </testcase>\n");
        }
        fmt::print(out, "  </testsuite>\n");
    }
    fmt::print(out, "</testsuites>\n");
}

}  // namespace flowgap::cli
