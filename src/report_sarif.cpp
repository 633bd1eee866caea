// SARIF 2.1.0 for code scanning: one reporting rule per check id, one result per gate item,
// located at the config file and line (or the waiver entry) so that a pull request on the
// firewall repository is annotated on the offending line. Waived items are suppressed results.
#include <cctype>

#include <nlohmann/json.hpp>

#include "src/report.hpp"
#include "src/report_items.hpp"

namespace flowgap::cli {

using nlohmann::ordered_json;
using namespace flowgap::analysis;

namespace {

// SARIF levels: what code scanning shows as error, warning or note.
std::string_view level(Severity s) {
    switch (s) {
        case Severity::critical:
        case Severity::high: return "error";
        case Severity::medium: return "warning";
        case Severity::low:
        case Severity::info: return "note";
    }
    return "note";
}

// GitHub reads properties.security-severity (0.0-10.0) to rank security results.
std::string_view security_severity(Severity s) {
    switch (s) {
        case Severity::critical: return "9.5";
        case Severity::high: return "8.0";
        case Severity::medium: return "5.5";
        case Severity::low: return "3.0";
        case Severity::info: return "1.0";
    }
    return "1.0";
}

// A relative path stays relative (to the directory flowgap ran in, the repository root in CI);
// anything outside RFC 3986's unreserved set and '/' is percent-encoded.
std::string uri_of(const std::string& path) {
    static const char* hex = "0123456789ABCDEF";
    std::string out = !path.empty() && path[0] == '/' ? "file://" : "";
    for (unsigned char c : path) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::vector<CheckInfo> all_checks() {
    std::vector<CheckInfo> out = gate_checks();
    const auto& checks = check_catalog();
    out.insert(out.begin() + 1, checks.begin(), checks.end());
    return out;
}

ordered_json rule_json(const CheckInfo& c) {
    ordered_json j;
    j["id"] = c.id;
    j["name"] = c.id;
    j["shortDescription"] = {{"text", c.summary}};
    j["fullDescription"] = {{"text", c.summary}};
    j["defaultConfiguration"] = {{"level", level(c.severity)}};
    j["properties"] = {{"tags", {"security", "firewall", "tanium"}},
                       {"security-severity", security_severity(c.severity)}};
    return j;
}

ordered_json location_json(const SourceLocation& loc) {
    ordered_json physical;
    physical["artifactLocation"] = {{"uri", uri_of(loc.file ? *loc.file : std::string("flowgap"))}};
    if (loc.line > 0) {
        ordered_json region = {{"startLine", loc.line}};
        if (loc.column > 0) region["startColumn"] = loc.column;
        physical["region"] = region;
    }
    return {{"physicalLocation", physical}};
}

ordered_json result_json(const Report& r, const GateItem& item, size_t rule_index) {
    ItemView v = view(r, item);
    ordered_json j;
    j["ruleId"] = v.check;
    j["ruleIndex"] = rule_index;
    j["level"] = level(item.severity);
    std::string text = v.message;
    if (!v.remediation.empty()) text += ". Fix: " + v.remediation;
    j["message"] = {{"text", text}};
    j["locations"] = ordered_json::array({location_json(v.location)});
    // Stable across runs and line moves: what the item is about, not where it sits.
    j["partialFingerprints"] = {{"flowgapItem/v1", v.check + "|" + v.firewall + "|" + v.subject}};
    ordered_json props;
    props["severity"] = v.severity;
    props["firewall"] = v.firewall;
    props["failsGate"] = item.fails;
    if (!v.example.empty()) props["example"] = v.example;
    if (!v.text.empty()) props["ruleText"] = v.text;
    j["properties"] = props;
    if (item.waived) {
        j["suppressions"] = ordered_json::array(
            {{{"kind", "external"}, {"status", "accepted"}, {"justification", v.waiver}}});
    }
    return j;
}

}  // namespace

void write_audit_sarif(std::ostream& out, const Report& r) {
    std::vector<CheckInfo> checks = all_checks();
    ordered_json driver;
    driver["name"] = "flowgap";
    driver["version"] = "0.1.0";
    driver["rules"] = ordered_json::array();
    for (const auto& c : checks)
        driver["rules"].push_back(rule_json(c));
    ordered_json results = ordered_json::array();
    for (const auto& item : r.gate->items) {
        size_t index = 0;
        while (index < checks.size() && checks[index].id != item.check)
            ++index;
        results.push_back(result_json(r, item, index));
    }
    ordered_json run;
    run["tool"] = {{"driver", driver}};
    ordered_json invocation = {{"executionSuccessful", true}, {"exitCode", r.gate->passed() ? 0 : 1}};
    if (r.options.timestamp) invocation["endTimeUtc"] = *r.options.timestamp;
    run["invocations"] = ordered_json::array({invocation});
    run["results"] = results;
    run["columnKind"] = "unicodeCodePoints";
    ordered_json j;
    j["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
    j["version"] = "2.1.0";
    j["runs"] = ordered_json::array({run});
    out << j.dump(2) << "\n";
}

}  // namespace flowgap::cli
