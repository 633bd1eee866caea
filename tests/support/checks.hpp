// Helpers for the end-to-end tests of the exposure checks (test_checks_*.cpp): audit a
// hand-written deployment through the built binary (`--format json`) and compare a finding's
// excess and needed parts with address sets worked out by hand from the config.
#pragma once

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "analysis/address.hpp"
#include "tests/support/e2e.hpp"

namespace flowgap::testing::checks {

using analysis::AddressSet;
using nlohmann::json;

inline AddressSet addr(const std::string& text) {
    auto s = AddressSet::parse_list(text);
    if (!s) throw std::runtime_error("bad address list in a test: " + text);
    return *s;
}

// Every IPv4 address: the probes of a v4 deployment only ever hold v4 packets.
inline AddressSet any4() {
    return AddressSet::all_v4();
}

// The addresses of a report's list of CIDR blocks, as one canonical string.
inline std::string blocks(const json& list) {
    AddressSet out;
    for (const auto& c : list)
        out |= addr(c.get<std::string>());
    return out.str();
}

using testing::line_of;

struct Report {
    int exit_code = -1;
    json j;

    std::vector<json> findings(const std::string& check, const std::string& rule = "") const {
        std::vector<json> out;
        for (const auto& f : j["findings"]) {
            if (f["check"] == check && (rule.empty() || f["rule"] == rule)) out.push_back(f);
        }
        return out;
    }
    // The check ids reported for one rule.
    std::set<std::string> checks_of(const std::string& rule) const {
        std::set<std::string> out;
        for (const auto& f : j["findings"]) {
            if (f["rule"] == rule) out.insert(f["check"].get<std::string>());
        }
        return out;
    }
    // A one-line-per-finding summary, for failure messages.
    std::string summary() const {
        std::string out;
        for (const auto& f : j["findings"])
            out += f["check"].get<std::string>() + " " + f["severity"].get<std::string>() + " " +
                   f["rule"].get<std::string>() + " " + f["location"].get<std::string>() + "\n";
        return out;
    }
};

// `flowgap audit DIR/d.yaml --format json ARGS`; bad input (exit 2) fails the test.
inline Report audit(const TempDir& dir, const std::string& args = "") {
    auto r = run_flowgap("audit '" + dir.path("d.yaml") + "' --format json" + args);
    INFO(r.err);
    REQUIRE(r.exit_code != 2);
    REQUIRE(r.exit_code != 3);
    Report out;
    out.exit_code = r.exit_code;
    out.j = json::parse(r.out);
    return out;
}

// The only finding of `check` on `rule`; fails the test when there is not exactly one.
inline json the_finding(const Report& r, const std::string& check, const std::string& rule) {
    auto found = r.findings(check, rule);
    INFO("looking for " << check << " on " << rule << " among:\n" << r.summary());
    REQUIRE(found.size() == 1);
    return found[0];
}

// A product of sources, destinations and one protocol's ports, as a finding's `excess` or
// `needed` reports it.
struct Space {
    AddressSet from, to;
    std::string protocol = "tcp";
    std::string ports;
};

inline void check_space(const json& actual, const Space& expected) {
    INFO(actual.dump());
    REQUIRE(actual.is_object());
    CHECK(blocks(actual["from"]) == expected.from.str());
    CHECK(blocks(actual["to"]) == expected.to.str());
    CHECK(actual["protocol"] == expected.protocol);
    CHECK(actual["ports"] == expected.ports);
}

}  // namespace flowgap::testing::checks
