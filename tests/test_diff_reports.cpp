// End to end through the binary: `flowgap diff BEFORE.json AFTER.json` gives what the config form
// gives, the output formats and --format/--output pairs, and bad input.
#include <fstream>
#include <map>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/e2e.hpp"

using flowgap::testing::read_file;
using flowgap::testing::run_flowgap;
using flowgap::testing::source_path;
using flowgap::testing::TempDir;
using nlohmann::json;

namespace {

void replace(std::string& s, const std::string& from, const std::string& to) {
    size_t at = s.find(from);
    REQUIRE(at != std::string::npos);
    s.replace(at, from.size(), to);
}

// One vendor's change: the fixture folder, its deployment and the firewall whose config the
// candidate replaces.
struct Change {
    std::string folder;  // under fixtures/
    std::string firewall;
    std::string config;     // as the deployment names it
    std::string candidate;  // under fixtures/changes/
    std::vector<std::string> others;
};

// The deployment and its configs in a scratch folder, with the candidate at candidate/CONFIG and
// a second deployment that names it: the saved-report form audits both deployments, the config
// form names the same file with --candidate, so every path in the two diffs is the same.
void check_same_result(const Change& c) {
    TempDir dir;
    std::string deployment = read_file(source_path("fixtures/" + c.folder + "/deployment.yaml"));
    dir.write("deployment.yaml", deployment);
    for (const auto& f : c.others)
        dir.write(f, read_file(source_path("fixtures/" + c.folder + "/" + f)));
    dir.write(c.config, read_file(source_path("fixtures/" + c.folder + "/" + c.config)));
    std::filesystem::create_directories(dir.path("candidate"));
    dir.write("candidate/" + c.config, read_file(source_path("fixtures/changes/" + c.candidate)));
    replace(deployment, "config: " + c.config, "config: candidate/" + c.config);
    dir.write("after.yaml", deployment);

    auto before = run_flowgap("audit '" + dir.path("deployment.yaml") + "' --format json -o '" +
                              dir.path("a.json") + "'");
    auto after =
        run_flowgap("audit '" + dir.path("after.yaml") + "' --format json -o '" + dir.path("b.json") + "'");
    REQUIRE(before.exit_code <= 1);
    REQUIRE(after.exit_code <= 1);
    auto from_reports =
        run_flowgap("diff '" + dir.path("a.json") + "' '" + dir.path("b.json") + "' --format json");
    auto from_configs = run_flowgap("diff '" + dir.path("deployment.yaml") + "' --candidate '" + c.firewall +
                                    "=" + dir.path("candidate/" + c.config) + "' --format json");
    INFO(from_reports.err << from_configs.err);
    CHECK(from_reports.exit_code == from_configs.exit_code);
    json r = json::parse(from_reports.out), k = json::parse(from_configs.out);
    CHECK(r["before"]["source"] == dir.path("a.json"));
    // Only the labels of the two sides differ (which files were read).
    for (json* j : {&r, &k}) {
        for (const char* side : {"before", "after"}) {
            (*j)[side].erase("source");
            (*j)[side].erase("deployment");
        }
    }
    CHECK(r == k);
    CHECK(!(r["flows"].empty() && r["findings"].empty()));  // a comparison of something

    // SARIF names no sources, only rules: the two forms write the same bytes.
    auto sarif_reports =
        run_flowgap("diff '" + dir.path("a.json") + "' '" + dir.path("b.json") + "' --format sarif");
    auto sarif_configs = run_flowgap("diff '" + dir.path("deployment.yaml") + "' --candidate '" + c.firewall +
                                     "=" + dir.path("candidate/" + c.config) + "' --format sarif");
    CHECK(sarif_reports.out == sarif_configs.out);
    CHECK(!json::parse(sarif_reports.out)["runs"][0]["results"].empty());
}

const std::string kDemo = "fixtures/demo/deployment.yaml";

}  // namespace

TEST_CASE("diffing two saved reports gives the same result as diffing the configs", "[diff]") {
    SECTION("iptables") {
        check_same_result({"demo",
                           "core-router",
                           "core-router.rules",
                           "iptables/core-router.no-clients.rules",
                           {"branch-linux-37.rules"}});
    }
    SECTION("Palo Alto") {
        check_same_result({"paloalto", "dc-fw", "dc-fw.xml", "paloalto/dc-fw.any-17472.xml", {}});
    }
    SECTION("netsh") {
        check_same_result({"netsh",
                           "tanium-server",
                           "tanium-server.txt",
                           "netsh/tanium-server.no-clients.txt",
                           {"sql-server-de.txt", "module-server.cmd", "endpoint.json"}});
    }
}

TEST_CASE("a report diffed with itself shows no change", "[diff]") {
    TempDir dir;
    run_flowgap("audit " + kDemo + " --format json -o '" + dir.path("r.json") + "'");
    auto r = run_flowgap("diff '" + dir.path("r.json") + "' '" + dir.path("r.json") + "'");
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("no change to Tanium flows (14 verdicts compared)") != std::string::npos);
    CHECK(r.out.find("no change to findings (2 compared)") != std::string::npos);
}

TEST_CASE("diff writes JSON, Markdown and files, the same every run", "[diff]") {
    TempDir dir;
    std::string args =
        "diff " + kDemo + " --candidate core-router=fixtures/changes/iptables/core-router.no-clients.rules";
    auto j = run_flowgap(args + " --format json");
    CHECK(j.exit_code == 1);
    json d = json::parse(j.out);
    CHECK(d["schema"] == "flowgap-diff/1");
    CHECK(d["gate"]["fail_on"] == "high");
    CHECK(d["after"]["firewalls"][0]["config"] == "fixtures/changes/iptables/core-router.no-clients.rules");
    CHECK(run_flowgap(args + " --format json").out == j.out);

    auto w = run_flowgap(args + " --format json -o '" + dir.path("d.json") + "'");
    CHECK(w.exit_code == 1);
    CHECK(w.out.empty());
    CHECK(read_file(dir.path("d.json")) == j.out);

    auto md = run_flowgap(args + " --format markdown");
    CHECK(md.exit_code == 1);
    CHECK(md.out.find("## flowgap: this change breaks Tanium") != std::string::npos);
    CHECK(md.out.find("| broken | `client-to-server` (required) | core-router | partial | blocked | allow "
                      "`BRANCH_IN#2 (Tanium clients)` (fixtures/demo/core-router.rules:28:1) |") !=
          std::string::npos);
}

TEST_CASE("diff writes HTML, SARIF and JUnit like audit: paired outputs, same bytes every run", "[diff]") {
    TempDir dir;
    std::string args =
        "diff " + kDemo + " --candidate core-router=fixtures/changes/iptables/core-router.no-clients.rules";
    std::map<std::string, std::string> out;
    for (const char* f : {"html", "sarif", "junit", "text"}) {
        auto r = run_flowgap(args + " --format " + f);
        CHECK(r.exit_code == 1);
        CHECK(run_flowgap(args + " --format " + f).out == r.out);
        out[f] = r.out;
    }
    auto all = run_flowgap(args + " --format html -o '" + dir.path("d.html") + "' --format sarif -o '" +
                           dir.path("d.sarif") + "' --format junit -o '" + dir.path("d.xml") +
                           "' --format text -o -");
    CHECK(all.exit_code == 1);
    CHECK(all.out == out["text"]);
    CHECK(read_file(dir.path("d.html")) == out["html"]);
    CHECK(read_file(dir.path("d.sarif")) == out["sarif"]);
    CHECK(read_file(dir.path("d.xml")) == out["junit"]);
    CHECK(!std::filesystem::exists(dir.path("d.html.flowgap-tmp")));

    // Self-contained: nothing to fetch, no script, and the look of the audit's report.
    const std::string& html = out["html"];
    CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
    for (const char* external : {"src=", "href=", "<link", "<script", "@import", "url("})
        CHECK(html.find(external) == std::string::npos);
    CHECK(html.find("<header class=\"banner fail\">") != std::string::npos);
    CHECK(html.find("<li><b>2</b>broken</li><li><b>0</b>fixed</li>") != std::string::npos);
    CHECK(html.find("@page{size:A4") != std::string::npos);
    std::string audit = run_flowgap("audit " + kDemo + " --format html --today 2026-11-27").out;
    CHECK(audit.substr(audit.find("<style>"), 2000) == html.substr(html.find("<style>"), 2000));

    json sarif = json::parse(out["sarif"]);
    CHECK(sarif["version"] == "2.1.0");
    CHECK(sarif["runs"][0]["tool"]["driver"]["rules"][0]["id"] == "required-flow");
    CHECK(
        out["junit"].find("<testsuites name=\"flowgap diff fixtures/demo/deployment.yaml -&gt; "
                          "fixtures/demo/deployment.yaml with the candidates\" tests=\"3\" failures=\"2\"") !=
        std::string::npos);

    auto stamped = run_flowgap(args + " --format sarif --timestamp");
    CHECK(json::parse(stamped.out)["runs"][0]["invocations"][0].contains("endTimeUtc"));
    CHECK(run_flowgap(args + " --format html --timestamp").out.find(", generated 20") != std::string::npos);

    auto unpaired = run_flowgap(args + " --format html --format sarif");
    CHECK(unpaired.exit_code == 2);
    CHECK(unpaired.err.find("give each --format its own --output (2 formats, 0 outputs)") !=
          std::string::npos);
    auto twice = run_flowgap(args + " --format html -o '" + dir.path("x") + "' --format sarif -o '" +
                             dir.path("x") + "'");
    CHECK(twice.exit_code == 2);
    CHECK(!std::filesystem::exists(dir.path("x")));
}

TEST_CASE("diff rejects bad input with exit 2", "[diff]") {
    TempDir dir;
    std::string notes = dir.write("notes.json", "{\"schema\": \"something-else/1\"}");
    std::string broken = dir.write("broken.json", "{\"schema\": ");
    std::string c = " --candidate core-router=fixtures/changes/iptables/core-router.reordered.rules";

    auto r = run_flowgap("diff '" + notes + "' '" + notes + "'");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("notes.json: error: not a flowgap report") != std::string::npos);
    r = run_flowgap("diff '" + broken + "' '" + broken + "'");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("broken.json: error: not a JSON report") != std::string::npos);
    r = run_flowgap("diff " + kDemo + " --candidate nosuch=fixtures/demo/core-router.rules");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--candidate names 'nosuch', which is not a firewall of") != std::string::npos);
    r = run_flowgap("diff " + kDemo + " --candidate core-router");
    CHECK(r.exit_code == 2);
    r = run_flowgap("diff " + kDemo + c + c);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("names fixtures/changes/iptables/core-router.reordered.rules for 'core-router' twice") !=
          std::string::npos);
    // Repeating --candidate gives a firewall several files: two IPv4 dumps contradict each other.
    r = run_flowgap("diff " + kDemo + c + " --candidate core-router=fixtures/demo/core-router.rules");
    CHECK(r.exit_code == 2);
    CHECK(
        r.err.find("fixtures/demo/core-router.rules:1:1: error: a second IPv4 (iptables-save) dump for this "
                   "firewall (the first is fixtures/changes/iptables/core-router.reordered.rules)") !=
        std::string::npos);
    r = run_flowgap("diff " + kDemo + " --candidate core-router=" + dir.path("missing.rules"));
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    r = run_flowgap("diff " + kDemo);
    CHECK(r.exit_code == 2);
    r = run_flowgap("diff '" + notes + "' '" + notes + "'" + c);
    CHECK(r.exit_code == 2);
    r = run_flowgap("diff " + kDemo + c + " --fail-on severe");
    CHECK(r.exit_code == 2);
    r = run_flowgap("diff " + kDemo + c + " --format yaml");
    CHECK(r.exit_code == 2);
}

namespace {

// Runs the CI example's gate script on two copies of the demo folder, the head one with
// `candidate` as core-router's config, as docs/examples/flowgap-gate.yml does on two checkouts.
flowgap::testing::RunResult run_gate_script(const TempDir& dir, const std::string& candidate) {
    for (const char* side : {"base", "head"}) {
        std::filesystem::create_directories(dir.path(side));
        for (const char* f :
             {"deployment.yaml", "core-router.rules", "branch-linux-37.rules", "flowgap-waivers.yaml"})
            dir.write(std::string(side) + "/" + f, read_file(source_path(std::string("fixtures/demo/") + f)));
    }
    dir.write("head/core-router.rules", read_file(source_path("fixtures/changes/" + candidate)));
    std::string cmd = "cd '" + dir.path() + "' && FLOWGAP='" FLOWGAP_BINARY "' sh '" +
                      source_path("docs/examples/flowgap-gate.sh") +
                      "' base/deployment.yaml head/deployment.yaml reports 2>&1";
    auto r = flowgap::testing::run_command(cmd);
    REQUIRE(r.exit_code != -1);  // the shell ran
    return r;
}

}  // namespace

TEST_CASE("the CI example's gate script fails a breaking pull request and passes a harmless one", "[diff]") {
    TempDir dir;
    auto r = run_gate_script(dir, "iptables/core-router.no-clients.rules");
    INFO(r.out);
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("broken   client-to-server") != std::string::npos);
    CHECK(read_file(dir.path("reports/diff.md")).find("## flowgap: this change breaks Tanium") !=
          std::string::npos);
    CHECK(json::parse(read_file(dir.path("reports/diff.json")))["gate"]["failed"] == true);
    CHECK(json::parse(read_file(dir.path("reports/base.json")))["schema"] == "flowgap-report/1");
    // Code scanning gets the one thing the change broke, located in the head's config.
    json sarif = json::parse(read_file(dir.path("reports/diff.sarif")));
    REQUIRE(sarif["runs"][0]["results"].size() == 1);
    CHECK(sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] ==
          "head/core-router.rules");
    CHECK(read_file(dir.path("reports/diff.html")).find("<header class=\"banner fail\">") !=
          std::string::npos);
    CHECK(read_file(dir.path("reports/diff.xml")).find("failures=\"2\"") != std::string::npos);

    TempDir again;
    auto ok = run_gate_script(again, "iptables/core-router.reordered.rules");
    INFO(ok.out);
    CHECK(ok.exit_code == 0);
    CHECK(ok.out.find("no change to Tanium flows") != std::string::npos);
    CHECK(json::parse(read_file(again.path("reports/diff.sarif")))["runs"][0]["results"].empty());
}
