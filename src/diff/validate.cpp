#include "src/diff/validate.hpp"

#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "analysis/diagnostic.hpp"

namespace flowgap::diff {

using nlohmann::json;

namespace {

// Field checks for one report, each naming the field by its JSON pointer.
class Check {
  public:
    explicit Check(const std::string& name) : name_(name) {}

    [[noreturn]] void fail(const std::string& pointer, const std::string& message) const {
        analysis::InputError::raise_at(name_, (pointer.empty() ? "/" : pointer) + ": " + message);
    }

    // Strings may be absent or null (an example when there is none); anything else is an error.
    void text(const json& parent, const std::string& at, const char* key) const {
        auto it = parent.find(key);
        if (it == parent.end() || it->is_null() || it->is_string()) return;
        fail(at + "/" + key, "must be a string");
    }
    // A value out of a fixed set: absent is allowed, anything present must be one of `allowed`.
    void one_of(const json& parent, const std::string& at, const char* key,
                std::initializer_list<std::string_view> allowed) const {
        auto it = parent.find(key);
        if (it == parent.end()) return;
        if (it->is_string()) {
            for (auto a : allowed)
                if (it->get_ref<const std::string&>() == a) return;
        }
        std::string list;
        for (auto a : allowed)
            list += (list.empty() ? "" : ", ") + std::string(a);
        fail(at + "/" + key, "must be one of " + list);
    }
    void flag(const json& parent, const std::string& at, const char* key) const {
        auto it = parent.find(key);
        if (it != parent.end() && !it->is_boolean()) fail(at + "/" + key, "must be true or false");
    }
    void count(const json& parent, const std::string& at, const char* key) const {
        auto it = parent.find(key);
        if (it == parent.end() || it->is_number_unsigned()) return;
        // A document built in memory holds 3 as a signed integer; parsed text holds it unsigned.
        if (it->is_number_integer() && it->get<std::int64_t>() >= 0) return;
        fail(at + "/" + key, "must be a whole number of at least 0");
    }
    void object(const json& j, const std::string& at) const {
        if (!j.is_object()) fail(at, "must be an object");
    }
    // An optional list: absent or an array.
    const json* list(const json& parent, const std::string& at, const char* key) const {
        auto it = parent.find(key);
        if (it == parent.end()) return nullptr;
        if (!it->is_array()) fail(at + "/" + key, "must be a list");
        return &*it;
    }

  private:
    const std::string& name_;
};

void firewall(const Check& c, const json& fw, const std::string& at) {
    c.object(fw, at);
    for (const char* key : {"name", "format", "config"})
        c.text(fw, at, key);
    if (const json* configs = c.list(fw, at, "configs")) {
        for (size_t i = 0; i < configs->size(); ++i) {
            if (!(*configs)[i].is_string()) c.fail(at + "/configs/" + std::to_string(i), "must be a string");
        }
    }
    c.count(fw, at, "rules");
}

void decision(const Check& c, const json& d, const std::string& at) {
    c.object(d, at);
    for (const char* key : {"rule", "location", "policy", "text", "example"})
        c.text(d, at, key);
    c.one_of(d, at, "action", {"allow", "block", "unknown"});
    c.flag(d, at, "conditional");
}

void verdict(const Check& c, const json& v, const std::string& at) {
    c.object(v, at);
    for (const char* key : {"flow", "firewall", "example_blocked", "example_conditional"})
        c.text(v, at, key);
    c.one_of(v, at, "level", {"required", "recommended", "optional"});
    c.one_of(v, at, "verdict", {"allowed", "conditional", "partial", "blocked", "not-applicable"});
    if (const json* decided = c.list(v, at, "decided_by")) {
        for (size_t i = 0; i < decided->size(); ++i)
            decision(c, (*decided)[i], at + "/decided_by/" + std::to_string(i));
    }
}

void finding(const Check& c, const json& f, const std::string& at) {
    c.object(f, at);
    for (const char* key : {"check", "firewall", "rule", "location", "policy", "message", "text", "example"})
        c.text(f, at, key);
    if (!f.contains("severity")) c.fail(at + "/severity", "is missing");
    c.one_of(f, at, "severity", {"info", "low", "medium", "high", "critical"});
    c.flag(f, at, "conditional");
    if (auto it = f.find("waived"); it != f.end() && !it->is_null() && !it->is_object())
        c.fail(at + "/waived", "must be null or an object");
}

}  // namespace

json parse_report(const std::string& text, const std::string& name) {
    try {
        return json::parse(text);
    } catch (const json::exception& e) {
        // parse_error, and out_of_range for a number no double holds ("1e400").
        analysis::InputError::raise_at(name, std::string("not a JSON report: ") + e.what());
    }
}

void validate_report(const json& report, const std::string& name) {
    Check c(name);
    auto it = report.is_object() ? report.find("schema") : report.end();
    if (it == report.end() || !it->is_string() || it->get_ref<const std::string&>() != "flowgap-report/1")
        analysis::InputError::raise_at(name,
                                       "not a flowgap report (expected \"schema\": \"flowgap-report/1\")");
    c.text(report, "", "deployment");
    for (const char* key : {"firewalls", "flows", "end_to_end", "findings"}) {
        if (!report.contains(key) || !report[key].is_array())
            analysis::InputError::raise_at(name, std::string("the report has no '") + key + "' list");
    }
    const auto& fws = report["firewalls"];
    for (size_t i = 0; i < fws.size(); ++i)
        firewall(c, fws[i], "/firewalls/" + std::to_string(i));
    for (const char* key : {"flows", "end_to_end"}) {
        const auto& list = report[key];
        for (size_t i = 0; i < list.size(); ++i)
            verdict(c, list[i], std::string("/") + key + "/" + std::to_string(i));
    }
    const auto& findings = report["findings"];
    for (size_t i = 0; i < findings.size(); ++i)
        finding(c, findings[i], "/findings/" + std::to_string(i));
    if (auto s = report.find("summary"); s != report.end()) {
        c.object(*s, "/summary");
        c.count(*s, "/summary", "required_flows");
        c.count(*s, "/summary", "required_flows_not_allowed");
    }
}

}  // namespace flowgap::diff
