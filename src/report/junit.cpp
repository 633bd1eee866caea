// JUnit XML for CI dashboards: one test case per (flow, firewall) and per finding, failed when
// it fails the gate, skipped when waived; expired and stale waivers are test cases too.
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "src/report/report.hpp"
#include "src/report/items.hpp"
#include "src/report/junit.hpp"

namespace flowgap::report {

using namespace flowgap::analysis;

namespace {

std::string details_of(const ItemView& v) {
    std::string out = fmt::format("{}\nat {}", v.message, v.location.str());
    if (!v.example.empty()) out += "\nexample: " + v.example;
    if (!v.text.empty()) out += "\nrule: " + v.text;
    if (!v.remediation.empty()) out += "\nfix: " + v.remediation;
    return out;
}

// The gate's word on a case: failed, skipped (waived), or passed with the facts as output.
void judge(JunitCase& c, const Report& r, const GateItem* item, const std::string& passed_note) {
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

std::vector<JunitSuite> suites(const Report& r) {
    std::vector<JunitSuite> out;
    for (size_t fi = 0; fi < r.firewalls.size(); ++fi) {
        JunitSuite s{"flows at " + firewall_name(r, fi), {}};
        for (const auto& res : r.audit.results) {
            if (res.firewall != fi) continue;
            JunitCase c{"flowgap.flows." + firewall_name(r, fi), flow_id(r, res), "", "", "", ""};
            const Flow& f = r.audit.flows[res.flow];
            judge(c, r, r.gate->item_for(res),
                  fmt::format("{} ({}, {}) is {}", f.entry->id, to_string(f.entry->level), f.service,
                              to_string(res.verdict)));
            s.cases.push_back(std::move(c));
        }
        out.push_back(std::move(s));
    }
    JunitSuite findings{"findings", {}};
    JunitSuite waivers{"waivers", {}};
    for (const auto& item : r.gate->items) {
        if (item.kind == GateItem::Kind::flow) continue;
        ItemView v = view(r, item);
        bool waiver = item.kind == GateItem::Kind::waiver;
        JunitCase c{fmt::format("flowgap.{}.{}", waiver ? "waivers" : "findings",
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
    write_junit(out, "flowgap audit " + r.deployment.path, suites(r), r.options.timestamp);
}

size_t JunitSuite::failures() const {
    return static_cast<size_t>(std::count_if(cases.begin(), cases.end(),
                                             [](const JunitCase& c) { return !c.failure_type.empty(); }));
}

size_t JunitSuite::skipped() const {
    return static_cast<size_t>(
        std::count_if(cases.begin(), cases.end(), [](const JunitCase& c) { return !c.skipped.empty(); }));
}

void write_junit(std::ostream& out, const std::string& name, const std::vector<JunitSuite>& all,
                 const std::optional<std::string>& timestamp) {
    size_t tests = 0, failures = 0, skipped = 0;
    for (const auto& s : all) {
        tests += s.cases.size();
        failures += s.failures();
        skipped += s.skipped();
    }
    auto e = [](std::string_view s) { return escape_markup(s); };
    std::string stamp = timestamp ? fmt::format(" timestamp=\"{}\"", e(*timestamp)) : "";
    fmt::print(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fmt::print(out, "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">\n",
               e(name), tests, failures, skipped);
    for (const auto& s : all) {
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

}  // namespace flowgap::report
