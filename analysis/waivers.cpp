#include "analysis/waivers.hpp"

#include <chrono>
#include <filesystem>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "analysis/catalog.hpp"
#include "analysis/checks.hpp"
#include "analysis/yaml_reader.hpp"

namespace flowgap::analysis {

namespace {

class Reader : public YamlReader {
  public:
    using YamlReader::YamlReader;
    std::string text(const YAML::Node& n, const std::string& what) const {
        if (!n.IsScalar() || n.Scalar().empty()) fail(n, what + " must be a single, non-empty value");
        return n.Scalar();
    }
};

bool known_check(const std::string& id) {
    if (id == kRequiredFlowCheck) return true;
    for (const auto& c : check_catalog()) {
        if (c.id == id) return true;
    }
    return false;
}

bool known_flow(const std::string& id) {
    for (const auto& e : catalog()) {
        if (e.id == id) return true;
    }
    return false;
}

std::string check_ids() {
    std::vector<std::string> ids{std::string(kRequiredFlowCheck)};
    for (const auto& c : check_catalog())
        ids.emplace_back(c.id);
    return fmt::format("{}", fmt::join(ids, ", "));
}

// One list entry. A waiver says exactly what it waives: a finding (check, firewall, rule) or a
// required flow at a firewall (flow, firewall), so that a changed config makes it stale rather
// than silently waiving something else.
Waiver read_waiver(const Reader& r, const YAML::Node& n) {
    if (!n.IsMap())
        r.fail(n, "a waiver must be a mapping (check:, firewall:, rule: or flow:, reason:, expires:)");
    static const std::set<std::string> keys = {"check", "firewall", "rule", "flow", "reason", "expires"};
    for (const auto& kv : n) {
        if (!keys.count(kv.first.Scalar())) {
            r.fail(kv.first, fmt::format("unknown key '{}' in a waiver (known: check, firewall, rule, flow, "
                                         "reason, expires)",
                                         kv.first.Scalar()));
        }
    }
    Waiver w;
    w.location = r.at(n);
    for (const char* required : {"firewall", "reason", "expires"}) {
        if (!n[required]) r.fail(n, fmt::format("a waiver needs `{}`", required));
    }
    w.firewall = r.text(n["firewall"], "firewall");
    w.reason = r.text(n["reason"], "reason");
    std::string expires = r.text(n["expires"], "expires");
    auto date = Date::parse(expires);
    if (!date) r.fail(n["expires"], fmt::format("expires must be a date YYYY-MM-DD, not '{}'", expires));
    w.expires = *date;
    if (n["check"]) w.check = r.text(n["check"], "check");
    if (n["rule"]) w.rule = r.text(n["rule"], "rule");
    if (n["flow"]) w.flow = r.text(n["flow"], "flow");
    if (n["flow"] && n["rule"])
        r.fail(n["rule"], "a waiver names either a `rule` (a finding) or a `flow`, not both");
    if (!n["flow"] && !n["rule"]) r.fail(n, "a waiver needs a `rule` (with `check`) or a `flow`");
    if (n["flow"]) {
        if (!known_flow(w.flow)) r.fail(n["flow"], fmt::format("unknown flow id '{}'", w.flow));
        if (w.check.empty()) w.check = std::string(kRequiredFlowCheck);
        if (w.check != kRequiredFlowCheck) {
            r.fail(n["check"], fmt::format("a waiver with `flow` waives the {} check, not '{}'",
                                           kRequiredFlowCheck, w.check));
        }
        return w;
    }
    if (!n["check"]) r.fail(n, "a waiver with `rule` needs the `check` it waives");
    if (w.check == kRequiredFlowCheck) {
        r.fail(n["check"], fmt::format("a {} waiver names a `flow`, not a `rule`", kRequiredFlowCheck));
    }
    if (!known_check(w.check)) {
        r.fail(n["check"], fmt::format("unknown check id '{}' (known: {})", w.check, check_ids()));
    }
    return w;
}

}  // namespace

std::string Date::str() const {
    return fmt::format("{:04}-{:02}-{:02}", year, month, day);
}

std::optional<Date> Date::parse(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    auto number = [&](size_t from, size_t len) {
        int v = 0;
        for (size_t i = from; i < from + len; ++i) {
            if (s[i] < '0' || s[i] > '9') return -1;
            v = v * 10 + (s[i] - '0');
        }
        return v;
    };
    Date d{number(0, 4), number(5, 2), number(8, 2)};
    if (d.year < 0 || d.month < 0 || d.day < 0) return std::nullopt;
    std::chrono::year_month_day ymd{std::chrono::year{d.year},
                                    std::chrono::month{static_cast<unsigned>(d.month)},
                                    std::chrono::day{static_cast<unsigned>(d.day)}};
    if (!ymd.ok()) return std::nullopt;
    return d;
}

Date Date::today_utc() {
    std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
    return Date{static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
                static_cast<int>(static_cast<unsigned>(ymd.day()))};
}

namespace {

std::vector<Waiver> read_waivers(const Reader& r) {
    YAML::Node root = r.load("waiver file");
    std::vector<Waiver> out;
    if (root.IsNull()) return out;  // an empty file waives nothing
    if (!root.IsMap() || !root["waivers"])
        r.fail(root, "the waiver file must be a mapping with a `waivers:` list");
    for (const auto& kv : root) {
        if (kv.first.Scalar() != "waivers")
            r.fail(kv.first,
                   fmt::format("unknown key '{}' in the waiver file (known: waivers)", kv.first.Scalar()));
    }
    const YAML::Node& list = root["waivers"];
    if (list.IsNull()) return out;
    if (!list.IsSequence()) r.fail(list, "waivers must be a list");
    for (const auto& item : list)
        out.push_back(read_waiver(r, item));
    return out;
}

}  // namespace

std::vector<Waiver> load_waivers(const std::string& path) {
    return read_waivers(Reader(path));
}

std::vector<Waiver> parse_waivers(const std::string& name, const std::string& text) {
    return read_waivers(Reader(name, text));
}

std::vector<Waiver> default_waivers(const Deployment& d) {
    if (d.directory.empty()) return {};
    std::filesystem::path beside = std::filesystem::path(d.directory) / "flowgap-waivers.yaml";
    if (!std::filesystem::is_regular_file(beside)) return {};
    return load_waivers(beside.lexically_normal().string());
}

}  // namespace flowgap::analysis
