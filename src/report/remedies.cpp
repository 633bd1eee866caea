#include "src/report/remedies.hpp"

#include <fmt/format.h>

#include "parsers/vendors.hpp"
#include "src/report/redact.hpp"
#include "src/report/visible.hpp"

namespace flowgap::report {

using namespace flowgap::analysis;

namespace {

// Remedies name rules, and a rule named after its comment may quote a secret: reports mask it,
// like the rule text (src/redact.hpp), at the price of a command to edit by hand.
// A masked command is no longer the right one, and a mask inside a quoted word may upset its quoting:
// such a remedy keeps no commands, and its summary says so.
Remedy masked(Remedy r) {
    r.summary = mask_secrets(r.summary);
    bool changed = false;
    for (const auto& c : r.commands)
        changed = changed || mask_secrets(c) != c;
    if (changed) {
        r.summary = fmt::format("no command: it would quote what looks like a secret; make the change by hand: {}",
                                r.summary);
        r.commands.clear();
        r.xml.clear();
    }
    r.xml = mask_secrets(r.xml);
    return r;
}

Remedy remedy_for(const Fix& fix, const Flow& flow, const Firewall& fw) {
    if (const parsers::Vendor* v = parsers::vendor_named(fw.format)) return v->fix(fix, flow);
    return Remedy{fmt::format("allow these packets before {}", fix.blocking->name), {}, {}};
}

Remedy remedy_for(const Finding& finding, const Firewall& fw) {
    const parsers::Vendor* v = parsers::vendor_named(fw.format);
    if (finding.check != "app-id-rule" || !v || !v->replace_app_rule) return {};
    return v->replace_app_rule(finding);
}

const std::vector<Remedy> kNone;

std::string as_text(const std::vector<Remedy>& list) {
    std::string out;
    for (const auto& rem : list) {
        if (!out.empty()) out += "\n";
        // One line each: a name's newline must not start a line of its own (visible() shows it).
        out += visible(rem.summary);
        for (const auto& c : rem.commands)
            out += "\n" + visible(c);
    }
    return out;
}

}  // namespace

Remedies plan_remedies(const std::vector<Firewall>& firewalls, const Audit& audit,
                       const std::vector<Finding>& findings) {
    Remedies out;
    for (const auto& fix : plan_fixes(audit)) {
        out.flows[{fix.flow, fix.firewall}].push_back(
            masked(remedy_for(fix, audit.flows[fix.flow], firewalls[fix.firewall])));
    }
    for (size_t i = 0; i < findings.size(); ++i) {
        Remedy one = remedy_for(findings[i], firewalls[findings[i].firewall]);
        if (!one.commands.empty() || !one.summary.empty()) out.findings[i].push_back(masked(std::move(one)));
    }
    return out;
}

const std::vector<Remedy>& remedies(const Report& r, const FlowAtFirewall& res) {
    if (!r.remedies) return kNone;
    auto it = r.remedies->flows.find({res.flow, res.firewall});
    return it == r.remedies->flows.end() ? kNone : it->second;
}

const std::vector<Remedy>& remedies(const Report& r, const Finding& f) {
    if (!r.remedies || r.findings.empty() || &f < r.findings.data() ||
        &f >= r.findings.data() + r.findings.size())
        return kNone;
    auto it = r.remedies->findings.find(static_cast<size_t>(&f - r.findings.data()));
    return it == r.remedies->findings.end() ? kNone : it->second;
}

std::string flow_remedy(const Report& r, const FlowAtFirewall& res) {
    return as_text(remedies(r, res));
}

std::string finding_remedy(const Report& r, const Finding& f) {
    return as_text(remedies(r, f));
}

}  // namespace flowgap::report
