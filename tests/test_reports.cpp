// End-to-end tests of the audit's report formats and gate through the built binary: every
// format on the fixtures, --format/--output pairs, --fail-on, waivers (active, expired, stale),
// colors, --quiet, --timestamp and determinism. Schema validation and the browser test run in
// Node (tests/js, registered in tests/CMakeLists.txt).
#include <cstdlib>
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "tests/support/e2e.hpp"

using flowgap::testing::read_file;
using flowgap::testing::run_flowgap;
using flowgap::testing::source_path;
using flowgap::testing::TempDir;
using nlohmann::json;

namespace {

const std::string kDemo = "fixtures/demo/deployment.yaml";
const std::string kGate = "fixtures/gate/deployment.yaml";
// The demo's waiver expires 2027-06-30: pin the day so that these tests never age.
const std::string kToday = " --today 2026-11-27";

size_t occurrences(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}

const json& item(const json& report, const std::string& check) {
    for (const auto& i : report["gate"]["items"]) {
        if (i["check"] == check) return i;
    }
    FAIL("no gate item " << check);
    throw;
}

}  // namespace

TEST_CASE("the JSON report carries the gate, waivers and per-item gate fields", "[reports]") {
    auto r = run_flowgap("audit " + kDemo + " --format json" + kToday);
    REQUIRE(r.exit_code == 1);
    json j = json::parse(r.out);
    CHECK(j["gate"]["fail_on"] == "high");
    CHECK(j["gate"]["passed"] == false);
    CHECK(j["gate"]["failing"] == 4);  // three partial required flows and exposed-console
    CHECK(j["gate"]["waived"] == 1);   // plain-http-egress, by fixtures/demo/flowgap-waivers.yaml
    CHECK(j["gate"]["open_by_severity"]["high"] == 4);
    CHECK(j["summary"]["passed"] == false);  // unchanged meaning: required flows allowed
    const json& flow = item(j, "required-flow");
    CHECK(flow["kind"] == "flow");
    CHECK(flow["subject"] == "client-to-server");
    CHECK(flow["location"] == "fixtures/demo/core-router.rules:13:1");
    REQUIRE(j["waivers"].size() == 1);
    CHECK(j["waivers"][0]["status"] == "active");
    CHECK(j["waivers"][0]["matched"] == 1);
    for (const auto& f : j["findings"]) {
        if (f["check"] == "plain-http-egress") {
            CHECK(f["fails_gate"] == false);
            CHECK(f["waived"]["expires"] == "2027-06-30");
            CHECK(f["waived"]["location"] == "fixtures/demo/flowgap-waivers.yaml:4:5");
        } else {
            CHECK(f["fails_gate"] == true);
            CHECK(f["waived"].is_null());
        }
    }
    CHECK(j.find("generated") == j.end());  // no timestamp unless asked
}

TEST_CASE("SARIF has one rule per check id and results at the config file and line", "[reports]") {
    auto r = run_flowgap("audit " + kDemo + " --format sarif" + kToday);
    REQUIRE(r.exit_code == 1);
    json s = json::parse(r.out);
    CHECK(s["version"] == "2.1.0");
    const json& run = s["runs"][0];
    const json& rules = run["tool"]["driver"]["rules"];
    std::set<std::string> ids;
    for (const auto& rule : rules)
        ids.insert(rule["id"].get<std::string>());
    CHECK(ids.size() == rules.size());
    for (auto id : {"required-flow", "exposed-console", "any-any-rule", "app-id-rule", "expired-waiver",
                    "stale-waiver"})
        CHECK(ids.count(id) == 1);
    REQUIRE(run["results"].size() == 5);
    for (const auto& res : run["results"]) {
        CHECK(rules[res["ruleIndex"].get<size_t>()]["id"] == res["ruleId"]);
        const json& phys = res["locations"][0]["physicalLocation"];
        CHECK(phys["artifactLocation"]["uri"].get<std::string>().rfind("fixtures/demo/", 0) == 0);
        CHECK(phys["region"]["startLine"].get<int>() > 0);
    }
    const json& console = run["results"][3];
    CHECK(console["ruleId"] == "exposed-console");
    CHECK(console["level"] == "error");
    CHECK(console["locations"][0]["physicalLocation"]["region"]["startLine"] == 29);
    CHECK(run["results"][4]["suppressions"][0]["kind"] == "external");  // the waived finding
}

TEST_CASE("JUnit parses back: one case per flow and firewall and per finding", "[reports]") {
    auto r = run_flowgap("audit " + kDemo + " --format junit" + kToday);
    REQUIRE(r.exit_code == 1);
    pugi::xml_document doc;
    REQUIRE(doc.load_string(r.out.c_str()));
    pugi::xml_node suites = doc.child("testsuites");
    REQUIRE(suites);
    CHECK(suites.attribute("tests").as_int() == 6 + 2);  // 4 + 2 crossing flows, 2 findings
    CHECK(suites.attribute("failures").as_int() == 4);
    CHECK(suites.attribute("skipped").as_int() == 1);
    int cases = 0, failures = 0, skipped = 0;
    for (pugi::xml_node suite : suites.children("testsuite")) {
        int in_suite = 0;
        for (pugi::xml_node c : suite.children("testcase")) {
            ++cases;
            ++in_suite;
            failures += c.child("failure") ? 1 : 0;
            skipped += c.child("skipped") ? 1 : 0;
        }
        CHECK(suite.attribute("tests").as_int() == in_suite);
    }
    CHECK(cases == 8);
    CHECK(failures == 4);
    CHECK(skipped == 1);
    pugi::xpath_node peering = doc.select_node(
        "//testsuite[@name='flows at branch-linux-37']/testcase[@name='client-peering']/failure");
    REQUIRE(peering);
    CHECK(std::string(peering.node().attribute("type").value()) == "required-flow");
    CHECK(std::string(peering.node().text().get()).find("branch-linux-37.rules:3:1") != std::string::npos);
}

TEST_CASE("Markdown summarises the gate for a pull-request comment", "[reports]") {
    auto r = run_flowgap("audit " + kDemo + " --format markdown" + kToday);
    REQUIRE(r.exit_code == 1);
    CHECK(r.out.rfind("## flowgap: FAIL (`--fail-on high`)", 0) == 0);
    CHECK(r.out.find("| 0 | 4 | 0 | 0 | 0 | 1 |") != std::string::npos);
    CHECK(r.out.find("### Fails the gate (4)") != std::string::npos);
    CHECK(r.out.find("`exposed-console` core-router at `fixtures/demo/core-router.rules:29:1`") !=
          std::string::npos);
    CHECK(r.out.find("| `client-to-server` | required | partial | allowed | **partial** |") !=
          std::string::npos);
    CHECK(r.out.find("    ```\n    iptables -A FORWARD -s 10.20.66.0/24") != std::string::npos);  // the fix
}

TEST_CASE("the HTML report is one self-contained file", "[reports]") {
    auto r = run_flowgap("audit " + kDemo + " --format html" + kToday);
    REQUIRE(r.exit_code == 1);
    const std::string& h = r.out;
    CHECK(h.rfind("<!DOCTYPE html>", 0) == 0);
    CHECK(h.find("<style>") != std::string::npos);
    CHECK(h.find("<svg class=\"diagram\"") != std::string::npos);
    CHECK(h.find("<script>") != std::string::npos);
    // Nothing fetched: no URLs, no external stylesheets, scripts or images.
    CHECK(h.find("http://") == std::string::npos);
    CHECK(h.find("https://") == std::string::npos);
    CHECK(h.find("<link") == std::string::npos);
    CHECK(h.find(" src=") == std::string::npos);
    CHECK(h.find("@page{size:A4") != std::string::npos);
    CHECK(occurrences(h, "<article class=\"item") == 5);
    CHECK(h.find("-A BRANCH_IN -d 10.10.1.0/24 -p tcp -m multiport --dports 80,443 -j ACCEPT") !=
          std::string::npos);
    CHECK(h.find("--comment &quot;Tanium Server content downloads&quot;") != std::string::npos);  // escaped
    CHECK(h.find("data-firewall=\"branch-linux-37\"") != std::string::npos);
}

TEST_CASE("several format and output pairs write the same bytes as single runs", "[reports]") {
    TempDir dir;
    std::string args = "audit " + kDemo + kToday;
    auto r = run_flowgap(args + " --format html --output '" + dir.path("gap.html") +
                         "' --format json --output '" + dir.path("r.json") + "' --format sarif -o '" +
                         dir.path("r.sarif") + "' --format junit -o '" + dir.path("r.xml") +
                         "' --format markdown -o '" + dir.path("r.md") + "' --format text -o -");
    CHECK(r.exit_code == 1);
    CHECK(r.out == run_flowgap(args).out);  // "-" is standard output
    CHECK(read_file(dir.path("gap.html")) == run_flowgap(args + " --format html").out);
    CHECK(read_file(dir.path("r.json")) == run_flowgap(args + " --format json").out);
    CHECK(read_file(dir.path("r.sarif")) == run_flowgap(args + " --format sarif").out);
    CHECK(read_file(dir.path("r.xml")) == run_flowgap(args + " --format junit").out);
    CHECK(read_file(dir.path("r.md")) == run_flowgap(args + " --format markdown").out);
    CHECK(!std::filesystem::exists(dir.path("gap.html.flowgap-tmp")));
    // Separate runs gave the same bytes as the files above: the reports are deterministic.
}

TEST_CASE("format and output mistakes exit 2 and write nothing", "[reports]") {
    TempDir dir;
    std::string out = dir.path("gap.html");
    auto r = run_flowgap("audit " + kDemo + " --format html --format json --output '" + out + "'");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("command line: error: give each --format its own --output (2 formats, 1 outputs)") !=
          std::string::npos);
    CHECK(!std::filesystem::exists(out));
    r = run_flowgap("audit " + kDemo + " --format html --output '" + out + "' --format json --output '" +
                    out + "'");
    CHECK(r.exit_code == 2);
    CHECK(!std::filesystem::exists(out));
    r = run_flowgap("audit " + kDemo + " --format pdf");
    CHECK(r.exit_code == 2);
    r = run_flowgap("audit " + kDemo + " --fail-on severe");
    CHECK(r.exit_code == 2);
    r = run_flowgap("audit " + kDemo + " --format html --output '" + dir.path("missing/gap.html") + "'");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("gap.html: error: cannot write the report") != std::string::npos);
}

TEST_CASE("fail-on sets the threshold, and failing required flows count as high", "[reports]") {
    CHECK(run_flowgap("audit " + kGate).exit_code == 0);  // only a medium and infos
    CHECK(run_flowgap("audit " + kGate + " --fail-on medium").exit_code == 1);
    CHECK(run_flowgap("audit " + kGate + " --fail-on info").exit_code == 1);
    CHECK(run_flowgap("audit " + kDemo + kToday + " --fail-on critical").exit_code == 0);
    CHECK(run_flowgap("audit " + kDemo + kToday + " --fail-on high").exit_code == 1);
    auto r = run_flowgap("audit " + kGate + " --fail-on medium --quiet");
    CHECK(r.out ==
          "medium    cross-lan-peering     core FORWARD#1 (fixtures/gate/router.rules:6:1)\n"
          "      FORWARD#1 admits tcp/17472 from 10.20.0.0/16 to 10.20.0.0/16 beyond what Tanium needs\n"
          "gate (--fail-on medium): FAIL, 1 item at or above medium\n");
    CHECK(run_flowgap("audit " + kGate + " --quiet").out == "gate (--fail-on high): PASS\n");
}

TEST_CASE("waivers: active ones waive, expired and stale ones are reported", "[reports]") {
    TempDir dir;
    auto waivers = [&](const std::string& expires, const std::string& rule) {
        return dir.write("w.yaml",
                         "waivers:\n  - check: cross-lan-peering\n    firewall: core\n    rule: " + rule +
                             "\n    reason: branch LANs are one broadcast domain\n    expires: " + expires +
                             "\n");
    };
    std::string base = "audit " + kGate + " --fail-on medium --format json --waivers '";

    // Active: waived findings still appear, marked waived; the gate passes.
    auto r = run_flowgap(base + waivers("2027-01-31", "FORWARD#1") + "' --today 2027-01-31");
    CHECK(r.exit_code == 0);
    json j = json::parse(r.out);
    CHECK(j["findings"][0]["check"] == "cross-lan-peering");
    CHECK(j["findings"][0]["waived"]["reason"] == "branch LANs are one broadcast domain");
    CHECK(j["waivers"][0]["status"] == "active");

    // Expired (the day after): it stops waiving and is itself reported.
    r = run_flowgap(base + waivers("2027-01-31", "FORWARD#1") + "' --today 2027-02-01");
    CHECK(r.exit_code == 1);
    j = json::parse(r.out);
    CHECK(j["findings"][0]["waived"].is_null());
    CHECK(j["waivers"][0]["status"] == "expired");
    CHECK(item(j, "expired-waiver")["severity"] == "medium");
    CHECK(item(j, "expired-waiver")["location"].get<std::string>().find("w.yaml:2:5") != std::string::npos);

    // Stale: names a rule that is not there; reported as low, nothing waived.
    r = run_flowgap(base + waivers("2027-01-31", "FORWARD#9") + "' --today 2027-01-01");
    CHECK(r.exit_code == 1);
    j = json::parse(r.out);
    CHECK(j["waivers"][0]["status"] == "stale");
    CHECK(j["waivers"][0]["matched"] == 0);
    CHECK(item(j, "stale-waiver")["severity"] == "low");
    CHECK(item(j, "stale-waiver")["message"] ==
          "the waiver of cross-lan-peering FORWARD#9 at core matches nothing in this audit");

    // The same through the text view and the environment's date.
    setenv("FLOWGAP_TODAY", "2027-02-01", 1);
    r = run_flowgap("audit " + kGate + " --fail-on medium --waivers '" + waivers("2027-01-31", "FORWARD#1") +
                    "'");
    unsetenv("FLOWGAP_TODAY");
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("medium    expired-waiver") != std::string::npos);
    CHECK(r.out.find("expired on 2027-01-31: it no longer waives") != std::string::npos);
}

TEST_CASE("a waiver names a required flow at a firewall", "[reports]") {
    TempDir dir;
    std::string w = dir.write("w.yaml",
                              "waivers:\n"
                              "  - {flow: client-to-server, firewall: core-router, reason: guest VLAN, "
                              "expires: 2027-01-31}\n"
                              "  - {flow: module-to-internet, firewall: core-router, reason: proxy, "
                              "expires: 2027-01-31}\n"
                              "  - {flow: client-peering, firewall: branch-linux-37, reason: half LAN, "
                              "expires: 2027-01-31}\n"
                              "  - {check: exposed-console, firewall: core-router, rule: BRANCH_IN#3, "
                              "reason: CHG-7, expires: 2027-01-31}\n");
    auto r = run_flowgap("audit " + kDemo + " --waivers '" + w + "' --today 2026-12-01");
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("FAIL: 3 of 8 required flows are not allowed end to end") != std::string::npos);
    CHECK(r.out.find("gate (--fail-on high): PASS, 4 waived") != std::string::npos);
    CHECK(r.out.find("      waived: guest VLAN (waived until 2027-01-31") != std::string::npos);
}

TEST_CASE("bad waiver files exit 2 with a located error", "[reports]") {
    TempDir dir;
    auto run = [&](const std::string& body) {
        return run_flowgap("audit " + kGate + " --waivers '" + dir.write("w.yaml", body) + "'");
    };
    auto r = run(
        "waivers:\n  - {check: exposed-consle, firewall: core, rule: X, reason: r, expires: 2027-01-01}\n");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("w.yaml:2:13: error: unknown check id 'exposed-consle'") != std::string::npos);
    r = run(
        "waivers:\n  - {check: exposed-console, firewall: core, rule: X, reason: r, expires: 2027-02-30}\n");
    CHECK(r.err.find("w.yaml:2:") != std::string::npos);
    CHECK(r.err.find("expires must be a date YYYY-MM-DD, not '2027-02-30'") != std::string::npos);
    r = run("waivers:\n  - {check: exposed-console, firewall: core, rule: X, expires: 2027-01-01}\n");
    CHECK(r.err.find("w.yaml:2:5: error: a waiver needs `reason`") != std::string::npos);
    r = run("waivers:\n  - {flow: client-to-srv, firewall: core, reason: r, expires: 2027-01-01}\n");
    CHECK(r.err.find("unknown flow id 'client-to-srv'") != std::string::npos);
    r =
        run("waivers:\n  - {check: exposed-console, firewall: core, rule: X, reason: r, expires: 2027-01-01, "
            "owner: me}\n");
    CHECK(r.err.find("unknown key 'owner' in a waiver") != std::string::npos);
    r = run(
        "waivers:\n  - {check: required-flow, firewall: core, rule: X, reason: r, expires: 2027-01-01}\n");
    CHECK(r.err.find("a required-flow waiver names a `flow`, not a `rule`") != std::string::npos);
    r = run("waivers: [\n");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("w.yaml:") != std::string::npos);
    r = run_flowgap("audit " + kGate + " --waivers '" + dir.path("none.yaml") + "'");
    CHECK(r.err.find("none.yaml: error: cannot open the waiver file") != std::string::npos);
    r = run_flowgap("audit " + kGate + " --today 2027-13-01");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--today: error: '2027-13-01' is not a date YYYY-MM-DD") != std::string::npos);
}

TEST_CASE("colors only when asked or on a terminal, never with NO_COLOR", "[reports]") {
    std::string args = "audit " + kDemo + kToday;
    CHECK(run_flowgap(args).out.find("\x1b[") == std::string::npos);  // a pipe is no terminal
    auto colored = run_flowgap(args + " --color always").out;
    CHECK(colored.find("\x1b[33mpartial\x1b[0m        client-to-server") != std::string::npos);
    CHECK(colored.find("\x1b[31mhigh\x1b[0m      exposed-console") != std::string::npos);
    setenv("NO_COLOR", "1", 1);
    auto plain = run_flowgap(args + " --color always").out;
    unsetenv("NO_COLOR");
    CHECK(plain.find("\x1b[") == std::string::npos);
    CHECK(plain == run_flowgap(args).out);
}

TEST_CASE("color auto colors the text report on a terminal, not in a file or a pipe", "[reports]") {
    // script(1) (util-linux) runs flowgap on a pseudo-terminal; its output is the terminal's.
    TempDir dir;
    auto on_terminal = [&](const std::string& command) {
        return flowgap::testing::run_command("cd '" FLOWGAP_SOURCE_DIR "' && script -qec \"" + command +
                                             "\" /dev/null")
            .out;
    };
    std::string flowgap = "'" FLOWGAP_BINARY "' audit " + kDemo + kToday;
    CHECK(on_terminal("env -u NO_COLOR " + flowgap).find("\x1b[33mpartial\x1b[0m") != std::string::npos);
    CHECK(on_terminal("NO_COLOR=1 " + flowgap).find("\x1b[") == std::string::npos);
    CHECK(on_terminal("env -u NO_COLOR " + flowgap + " | cat").find("\x1b[") == std::string::npos);
    std::string file = dir.path("report.txt");
    on_terminal("env -u NO_COLOR " + flowgap + " --output " + file);
    std::string written = read_file(file);
    CHECK(written.find("partial") != std::string::npos);
    CHECK(written.find("\x1b[") == std::string::npos);
}

TEST_CASE("the timestamp option stamps every format, and without it there is no date", "[reports]") {
    TempDir dir;
    const std::vector<std::string> formats = {"text", "json", "html", "sarif", "junit", "markdown"};
    auto all = [&](const std::string& tag) {
        std::string args;
        for (const auto& f : formats)
            args += " --format " + f + " --output '" + dir.path(tag + "." + f) + "'";
        return args;
    };
    REQUIRE(run_flowgap("audit " + kGate + all("plain")).exit_code == 0);
    REQUIRE(run_flowgap("audit " + kGate + " --timestamp" + all("stamped")).exit_code == 0);
    for (const auto& f : formats) {
        std::string plain = read_file(dir.path("plain." + f)), stamped = read_file(dir.path("stamped." + f));
        CHECK(plain.find("generated") == std::string::npos);
        CHECK(plain != stamped);
        CHECK((stamped.find("generated") != std::string::npos ||
               stamped.find("endTimeUtc") != std::string::npos ||
               stamped.find("timestamp=") != std::string::npos));
    }
}

TEST_CASE("a passing gate reads PASS in every format", "[reports]") {
    CHECK(run_flowgap("audit " + kGate + " --format markdown").out.rfind("## flowgap: PASS", 0) == 0);
    auto html = run_flowgap("audit " + kGate + " --format html").out;
    CHECK(html.find("<header class=\"banner pass\">") != std::string::npos);
    json j = json::parse(run_flowgap("audit " + kGate + " --format json").out);
    CHECK(j["gate"]["passed"] == true);
    CHECK(j["summary"]["passed"] == true);
    pugi::xml_document doc;
    REQUIRE(doc.load_string(run_flowgap("audit " + kGate + " --format junit").out.c_str()));
    CHECK(doc.child("testsuites").attribute("failures").as_int() == 0);
    CHECK(json::parse(run_flowgap("audit " + kGate + " --format sarif")
                          .out)["runs"][0]["invocations"][0]["exitCode"] == 0);
    (void)source_path;
}
