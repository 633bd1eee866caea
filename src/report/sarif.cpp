// SARIF 2.1.0 for code scanning: one reporting rule per check id, one result per gate item,
// located at the config file and line (or the waiver entry) so that a pull request on the
// firewall repository is annotated on the offending line. Waived items are suppressed results.
#include <cctype>

#include <nlohmann/json.hpp>

#include "flowgap/version.hpp"
#include "src/report/items.hpp"
#include "src/report/report.hpp"
#include "src/report/sarif.hpp"
#include "src/report/utf8.hpp"

namespace flowgap::report {

using nlohmann::ordered_json;
using namespace flowgap::analysis;

std::string_view sarif_level(Severity s) {
    switch (s) {
        case Severity::critical:
        case Severity::high: return "error";
        case Severity::medium: return "warning";
        case Severity::low:
        case Severity::info: return "note";
    }
    return "note";
}

namespace {

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

std::optional<size_t> rule_index(std::string_view check) {
    const auto& rules = sarif_rules();
    for (size_t i = 0; i < rules.size(); ++i) {
        if (rules[i].id == check) return i;
    }
    return std::nullopt;
}

ordered_json rule_json(const CheckInfo& c) {
    ordered_json j;
    j["id"] = c.id;
    j["name"] = c.id;
    j["shortDescription"] = {{"text", c.summary}};
    j["fullDescription"] = {{"text", c.summary}};
    j["defaultConfiguration"] = {{"level", sarif_level(c.severity)}};
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

ordered_json result_json(const Report& r, const GateItem& item) {
    ItemView v = view(r, item);
    std::string text = v.message;
    if (!v.remediation.empty()) text += ". Fix: " + v.remediation;
    // Stable across runs and line moves: what the item is about, not where it sits.
    ordered_json j =
        sarif_result(v.check, item.severity, text, v.location, v.check + "|" + v.firewall + "|" + v.subject);
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

const std::vector<CheckInfo>& sarif_rules() {
    static const std::vector<CheckInfo> all = all_checks();
    return all;
}

ordered_json sarif_result(std::string_view check, Severity severity, const std::string& message,
                          const SourceLocation& location, const std::string& fingerprint) {
    ordered_json j;
    j["ruleId"] = check;
    if (auto index = rule_index(check)) j["ruleIndex"] = *index;
    j["level"] = sarif_level(severity);
    j["message"] = {{"text", message}};
    j["locations"] = ordered_json::array({location_json(location)});
    j["partialFingerprints"] = {{"flowgapItem/v1", fingerprint}};
    return j;
}

ordered_json sarif_log(ordered_json results, int exit_code, const std::optional<std::string>& timestamp) {
    ordered_json driver;
    driver["name"] = "flowgap";
    driver["version"] = FLOWGAP_VERSION;
    driver["rules"] = ordered_json::array();
    for (const auto& c : sarif_rules())
        driver["rules"].push_back(rule_json(c));
    ordered_json run;
    run["tool"] = {{"driver", driver}};
    ordered_json invocation = {{"executionSuccessful", true}, {"exitCode", exit_code}};
    if (timestamp) invocation["endTimeUtc"] = *timestamp;
    run["invocations"] = ordered_json::array({invocation});
    run["results"] = std::move(results);
    run["columnKind"] = "unicodeCodePoints";
    ordered_json j;
    j["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
    j["version"] = "2.1.0";
    j["runs"] = ordered_json::array({run});
    return j;
}

void write_audit_sarif(std::ostream& out, const Report& r) {
    ordered_json results = ordered_json::array();
    for (const auto& item : r.gate->items)
        results.push_back(result_json(r, item));
    out << dump_json(sarif_log(std::move(results), r.gate->passed() ? 0 : 1, r.options.timestamp)) << "\n";
}

}  // namespace flowgap::report
