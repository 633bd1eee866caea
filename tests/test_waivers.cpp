// The waiver file (analysis/waivers.cpp): what it accepts, and that everything it rejects is
// rejected with the line and column of the offending node.
#include <catch2/catch.hpp>

#include "analysis/checks.hpp"
#include "analysis/waivers.hpp"
#include "tests/support/deployment.hpp"
#include "tests/support/e2e.hpp"

using namespace flowgap::analysis;
using flowgap::testing::source_path;
using flowgap::testing::standard_deployment;
using flowgap::testing::TempDir;

namespace {

// "line:column: message" of the error that parsing `text` as w.yaml throws, or "" if it loads.
std::string error_of(const std::string& text) {
    try {
        parse_waivers("w.yaml", text);
    } catch (const InputError& e) {
        std::string where = e.location().str();
        REQUIRE(where.starts_with("w.yaml:"));
        return where.substr(7) + ": " + e.message();
    }
    return "";
}

// One waiver entry with `fields` (one `key: value` per line) under `waivers:`.
std::string one_waiver(const std::string& fields) {
    std::string out = "waivers:\n";
    std::string prefix = "  - ";
    for (size_t start = 0; start < fields.size();) {
        size_t end = fields.find('\n', start);
        out += prefix + fields.substr(start, end - start) + "\n";
        prefix = "    ";
        start = end == std::string::npos ? fields.size() : end + 1;
    }
    return out;
}

}  // namespace

TEST_CASE("a waiver file names findings by check, firewall and rule, and flows by flow id", "[waivers]") {
    auto waivers = parse_waivers("w.yaml", R"(# accepted risks
waivers:
  - check: plain-http-egress
    firewall: core
    rule: FORWARD#7
    reason: the proxy accepts 80 only for the CDN
    expires: 2027-06-30
  - flow: server-to-database
    firewall: sql-host
    reason: CHG-77 opens 1433 next week
    expires: 2026-12-01
)");
    REQUIRE(waivers.size() == 2);
    const Waiver& finding = waivers[0];
    CHECK(finding.check == "plain-http-egress");
    CHECK(finding.firewall == "core");
    CHECK(finding.rule == "FORWARD#7");
    CHECK(finding.flow.empty());
    CHECK(finding.reason == "the proxy accepts 80 only for the CDN");
    CHECK(finding.expires == Date{2027, 6, 30});
    CHECK(finding.location.str() == "w.yaml:3:5");
    const Waiver& flow = waivers[1];
    CHECK(flow.check == kRequiredFlowCheck);  // a flow waiver waives the required-flow check
    CHECK(flow.flow == "server-to-database");
    CHECK(flow.rule.empty());
    CHECK(flow.expires == Date{2026, 12, 1});
    CHECK(flow.location.str() == "w.yaml:8:5");
}

TEST_CASE("an empty waiver file or an empty list waives nothing", "[waivers]") {
    CHECK(parse_waivers("w.yaml", "").empty());
    CHECK(parse_waivers("w.yaml", "# nothing waived yet\n").empty());
    CHECK(parse_waivers("w.yaml", "waivers:\n").empty());
    CHECK(parse_waivers("w.yaml", "waivers: []\n").empty());
}

TEST_CASE("unknown keys are located errors, in a waiver and in the file", "[waivers]") {
    CHECK(error_of(one_waiver("check: plain-http-egress\nfirewall: core\nrule: FORWARD#7\nowner: alice\n"
                              "reason: r\nexpires: 2027-01-01")) ==
          "5:5: unknown key 'owner' in a waiver (known: check, firewall, rule, flow, reason, expires)");
    CHECK(error_of("waivers: []\nowner: alice\n") ==
          "2:1: unknown key 'owner' in the waiver file (known: waivers)");
    CHECK(error_of("waiver:\n  - check: any-any-rule\n") ==
          "1:1: the waiver file must be a mapping with a `waivers:` list");
    CHECK(error_of("- check: any-any-rule\n") ==
          "1:1: the waiver file must be a mapping with a `waivers:` list");
}

TEST_CASE("an expiry must be a real calendar day written YYYY-MM-DD", "[waivers]") {
    auto expiring = [](const std::string& date) {
        return error_of(
            one_waiver("check: any-any-rule\nfirewall: core\nrule: FORWARD#1\nreason: r\nexpires: " + date));
    };
    CHECK(expiring("2028-02-29") == "");  // a leap day
    CHECK(expiring("2027-02-29") == "6:14: expires must be a date YYYY-MM-DD, not '2027-02-29'");
    CHECK(expiring("2027-13-01") == "6:14: expires must be a date YYYY-MM-DD, not '2027-13-01'");
    CHECK(expiring("2027-6-30") == "6:14: expires must be a date YYYY-MM-DD, not '2027-6-30'");
    CHECK(expiring("30.06.2027") == "6:14: expires must be a date YYYY-MM-DD, not '30.06.2027'");
    CHECK(expiring("2027-06-3x") == "6:14: expires must be a date YYYY-MM-DD, not '2027-06-3x'");
    CHECK(Date::parse("2027-06-30") == Date{2027, 6, 30});
    CHECK(Date{2027, 6, 30}.str() == "2027-06-30");
    CHECK(Date{2027, 6, 30} < Date{2027, 7, 1});
}

TEST_CASE("a waiver names a known check or flow", "[waivers]") {
    std::string unknown_check = error_of(
        one_waiver("check: exposed-ssh\nfirewall: core\nrule: FORWARD#1\nreason: r\nexpires: 2027-01-01"));
    CHECK(unknown_check.starts_with("2:12: unknown check id 'exposed-ssh' (known: required-flow, "));
    for (const auto& c : check_catalog())  // the message lists every id a waiver may name
        CHECK(unknown_check.find(std::string(c.id)) != std::string::npos);
    CHECK(error_of(one_waiver("flow: server-to-nowhere\nfirewall: core\nreason: r\nexpires: 2027-01-01")) ==
          "2:11: unknown flow id 'server-to-nowhere'");
}

TEST_CASE("a waiver says exactly what it waives: a rule with its check, or a flow", "[waivers]") {
    CHECK(error_of(one_waiver("check: any-any-rule\nfirewall: core\nreason: r\nexpires: 2027-01-01")) ==
          "2:5: a waiver needs a `rule` (with `check`) or a `flow`");
    CHECK(error_of(one_waiver("firewall: core\nrule: FORWARD#1\nreason: r\nexpires: 2027-01-01")) ==
          "2:5: a waiver with `rule` needs the `check` it waives");
    CHECK(error_of(one_waiver("check: any-any-rule\nfirewall: core\nrule: FORWARD#1\nflow: client-to-server\n"
                              "reason: r\nexpires: 2027-01-01")) ==
          "4:11: a waiver names either a `rule` (a finding) or a `flow`, not both");
    CHECK(error_of(one_waiver("check: any-any-rule\nfirewall: core\nflow: client-to-server\nreason: r\n"
                              "expires: 2027-01-01")) ==
          "2:12: a waiver with `flow` waives the required-flow check, not 'any-any-rule'");
    CHECK(error_of(one_waiver("check: required-flow\nfirewall: core\nrule: FORWARD#1\nreason: r\n"
                              "expires: 2027-01-01")) ==
          "2:12: a required-flow waiver names a `flow`, not a `rule`");
}

TEST_CASE("a waiver needs a firewall, a reason and an expiry, each one non-empty value", "[waivers]") {
    CHECK(error_of(one_waiver("check: any-any-rule\nrule: FORWARD#1\nreason: r\nexpires: 2027-01-01")) ==
          "2:5: a waiver needs `firewall`");
    CHECK(error_of(one_waiver("check: any-any-rule\nfirewall: core\nrule: FORWARD#1\nexpires: 2027-01-01")) ==
          "2:5: a waiver needs `reason`");
    CHECK(error_of(one_waiver("check: any-any-rule\nfirewall: core\nrule: FORWARD#1\nreason: r")) ==
          "2:5: a waiver needs `expires`");
    CHECK(error_of(one_waiver("check: any-any-rule\nfirewall: core\nrule: FORWARD#1\nreason: ''\n"
                              "expires: 2027-01-01")) == "5:13: reason must be a single, non-empty value");
    CHECK(error_of(one_waiver("check: any-any-rule\nfirewall: [core, edge]\nrule: FORWARD#1\nreason: r\n"
                              "expires: 2027-01-01")) == "3:15: firewall must be a single, non-empty value");
}

TEST_CASE("the waiver file's shape: a list of mappings, in valid YAML", "[waivers]") {
    CHECK(error_of("waivers:\n  - FORWARD#1\n") ==
          "2:5: a waiver must be a mapping (check:, firewall:, rule: or flow:, reason:, expires:)");
    CHECK(error_of("waivers: {check: any-any-rule}\n") == "1:10: waivers must be a list");
    CHECK(error_of("waivers:\n  - check: [any-any-rule\n").starts_with("3:1: invalid YAML: "));
}

TEST_CASE("a waiver file is read from disk, by default from beside the deployment", "[waivers]") {
    auto demo = load_waivers(source_path("fixtures/demo/flowgap-waivers.yaml"));
    REQUIRE(demo.size() == 1);
    CHECK(demo[0].check == "plain-http-egress");
    CHECK(demo[0].firewall == "core-router");
    CHECK(demo[0].rule == "FORWARD#5");
    CHECK(demo[0].expires == Date{2027, 6, 30});
    CHECK(demo[0].location.line == 4);

    Deployment with = load_deployment(source_path("fixtures/demo/deployment.yaml"));
    auto beside = default_waivers(with);
    REQUIRE(beside.size() == 1);
    CHECK(beside[0].rule == "FORWARD#5");

    TempDir dir;
    Deployment without = load_deployment(dir.write("d.yaml", standard_deployment()));
    CHECK(default_waivers(without).empty());
    dir.write("flowgap-waivers.yaml", "waivers: []\nowner: alice\n");
    CHECK_THROWS_AS(default_waivers(without), InputError);  // a broken file beside it is no silent "none"
    CHECK(default_waivers(parse_deployment("upload.yaml", standard_deployment())).empty());

    try {
        load_waivers(dir.path("missing.yaml"));
        FAIL("a missing waiver file loaded");
    } catch (const InputError& e) {
        CHECK(e.location().str() == dir.path("missing.yaml"));
        CHECK(e.message() == "cannot open the waiver file");
    }
}

TEST_CASE("a key written twice in a waiver or in the file is a located error", "[waivers]") {
    CHECK(error_of("waivers:\n  - flow: server-to-database\n    firewall: a\n    firewall: b\n"
                   "    reason: r\n    expires: 2027-01-01\n") ==
          "4:5: invalid YAML: the key 'firewall' is written twice (first at line 3)");
    CHECK(error_of("waivers: []\nwaivers: []\n") ==
          "2:1: invalid YAML: the key 'waivers' is written twice (first at line 1)");
}
