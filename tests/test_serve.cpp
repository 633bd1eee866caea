// `flowgap serve` through HTTP: the server runs as a child process on a free loopback port and
// these tests are its clients (a small client over raw sockets, tests/support/http_client.hpp).
#include <future>
#include <map>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/e2e.hpp"
#include "tests/support/serve.hpp"

using flowgap::testing::FormFile;
using flowgap::testing::FormFiles;
using flowgap::testing::run_command;
using flowgap::testing::run_flowgap;
using flowgap::testing::ServeProcess;
using flowgap::testing::source_path;
using nlohmann::json;

namespace {

std::string slurp(const std::string& relative) {
    return flowgap::testing::read_file(source_path(relative));
}

FormFile part(const std::string& field, const std::string& filename, const std::string& content) {
    return {field, content, filename, "application/octet-stream"};
}

FormFiles demo_upload() {
    return {part("deployment", "deployment.yaml", slurp("fixtures/demo/deployment.yaml")),
            part("waivers", "flowgap-waivers.yaml", slurp("fixtures/demo/flowgap-waivers.yaml")),
            part("core-router", "core-router.rules", slurp("fixtures/demo/core-router.rules")),
            part("branch-linux-37", "branch-linux-37.rules", slurp("fixtures/demo/branch-linux-37.rules"))};
}

// (flow, firewall) -> verdict, from a flowgap-report/1 document.
std::map<std::string, std::string> verdicts(const json& report) {
    std::map<std::string, std::string> out;
    for (const auto& f : report.at("flows"))
        out[f.at("flow").get<std::string>() + " at " + f.at("firewall").get<std::string>()] = f.at("verdict");
    for (const auto& f : report.at("end_to_end"))
        out[f.at("flow").get<std::string>() + " end to end"] = f.at("verdict");
    return out;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
    return s;
}

// The demo's core-router without the rule that carries client-to-server.
std::string without_client_rule() {
    std::string rules = slurp("fixtures/demo/core-router.rules");
    size_t at = rules.find("-A BRANCH_IN -d 10.10.1.10/32 -p tcp -m tcp --dport 17472");
    rules.erase(at, rules.find('\n', at) + 1 - at);
    return rules;
}

}  // namespace

TEST_CASE("serve: an upload is audited exactly as `flowgap audit` audits the files", "[serve]") {
    ServeProcess server({});
    REQUIRE(server.port() != 0);
    auto res = server.client().Post("/api/audit", demo_upload());
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->get_header_value("X-Flowgap-Gate") == "fail");
    json got = json::parse(res->body);
    json want = json::parse(run_flowgap("audit fixtures/demo/deployment.yaml --format json").out);
    CHECK(verdicts(got) == verdicts(want));
    // The same gate, the waivers beside the deployment included; only the files' names differ.
    CHECK(got.at("gate").dump().size() > 100);
    CHECK(got.at("gate").dump() == replace_all(want.at("gate").dump(), "fixtures/demo/", ""));
    // Reports name an upload by the file name it came with, never a path on the server.
    CHECK(got.at("firewalls").at(0).at("config") == "core-router.rules");

    auto text = server.client().Post("/api/audit?format=text", demo_upload());
    REQUIRE(text);
    CHECK(text->get_header_value("Content-Type").rfind("text/plain", 0) == 0);
    CHECK(text->body.find("partial        client-to-server") != std::string::npos);
}

TEST_CASE("serve: files without a firewall name are matched by file name, then by format", "[serve]") {
    ServeProcess server({});
    auto items = demo_upload();
    items[2].name = items[3].name = "config";  // both iptables: the file names decide
    auto res = server.client().Post("/api/audit", items);
    REQUIRE(res);
    CHECK(res->status == 200);
    json want = json::parse(run_flowgap("audit fixtures/demo/deployment.yaml --format json").out);
    CHECK(verdicts(json::parse(res->body)) == verdicts(want));

    items[2].filename = "export-1.txt";
    items[3].filename = "export-2.txt";
    auto unknown = server.client().Post("/api/audit", items);
    REQUIRE(unknown);
    CHECK(unknown->status == 400);
    CHECK(json::parse(unknown->body)["error"]["file"] == "export-1.txt");
}

TEST_CASE("serve: config:NAME must name a firewall, and the error lists them", "[serve]") {
    ServeProcess server({});
    auto items = demo_upload();
    items[2].name = "config:core-router";
    auto named = server.client().Post("/api/audit", items);
    REQUIRE(named);
    CHECK(named->status == 200);

    // The page sends what a firewall box says as config:NAME; a typo must not fall back to
    // matching by file name, which would audit the file as whatever firewall it resembles.
    items[2].name = "config:core-routr";
    auto typo = server.client().Post("/api/audit", items);
    REQUIRE(typo);
    CHECK(typo->status == 400);
    json e = json::parse(typo->body).at("error");
    CHECK(e.at("file") == "core-router.rules");
    CHECK(e.at("message") ==
          "'core-routr' is no firewall of deployment.yaml (its firewalls: core-router, branch-linux-37)");

    items[2].name = "candidate:core-routr";
    auto candidate = server.client().Post("/api/diff", items);
    REQUIRE(candidate);
    CHECK(candidate->status == 400);
    CHECK(candidate->body.find("'core-routr' is no firewall") != std::string::npos);
}

TEST_CASE("serve: the page's icon is served without the token", "[serve]") {
    ServeProcess server({}, {"FLOWGAP_TOKEN=s3cret"});
    auto c = server.client();
    for (const char* path : {"/favicon.svg", "/favicon.ico"}) {
        auto icon = c.Get(path);
        REQUIRE(icon);
        CHECK(icon->status == 200);
        CHECK(icon->get_header_value("Content-Type") == "image/svg+xml");
        CHECK(icon->body.rfind("<svg", 0) == 0);
    }
    CHECK(c.Get("/api/info")->status == 401);
}

TEST_CASE("serve: a diff names the removed rule and fails the gate", "[serve]") {
    ServeProcess server({"--deployment", "fixtures/demo/deployment.yaml"});
    FormFiles items = {part("candidate:core-router", "core-router.rules", without_client_rule())};
    auto res = server.client().Post("/api/diff", items);
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->get_header_value("X-Flowgap-Gate") == "fail");
    json diff = json::parse(res->body);
    bool broken = false;
    for (const auto& f : diff.at("flows"))
        if (f.at("flow") == "client-to-server" && f.at("firewall") == "core-router")
            broken = f.at("change") == "broken";
    CHECK(broken);
    CHECK(res->body.find("BRANCH_IN#2 (Tanium clients)") != std::string::npos);

    // SARIF holds only the new problem, located at the rule that now decides the flow.
    auto sarif = server.client().Post("/api/diff?format=sarif", items);
    REQUIRE(sarif);
    json results = json::parse(sarif->body).at("runs").at(0).at("results");
    REQUIRE(results.size() == 1);
    CHECK(results[0].at("message").at("text").get<std::string>().find("client-to-server") !=
          std::string::npos);

    // The server's own configs against themselves: nothing changes, and the gate passes.
    items[0].content = slurp("fixtures/demo/core-router.rules");
    auto same = server.client().Post("/api/diff", items);
    REQUIRE(same);
    CHECK(same->get_header_value("X-Flowgap-Gate") == "pass");
}

TEST_CASE("serve: bad uploads get 400 with the parser's location, big ones 413", "[serve]") {
    ServeProcess server({"--max-upload", "100000"});
    auto items = demo_upload();
    items[2].content =
        "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 17472 -j ACCEPT\n-A INPUT -j ACCEPT "
        "stray\nCOMMIT\n";
    auto bad = server.client().Post("/api/audit", items);
    REQUIRE(bad);
    CHECK(bad->status == 400);
    json e = json::parse(bad->body).at("error");
    CHECK(e.at("file") == "core-router.rules");
    CHECK(e.at("line") == 4);
    CHECK(e.at("location").get<std::string>().rfind("core-router.rules:4:", 0) == 0);

    items[2].content = std::string(200000, '#');
    auto big = server.client().Post("/api/audit", items);
    REQUIRE(big);
    CHECK(big->status == 413);
    CHECK(big->body.find("larger than this server takes") != std::string::npos);

    auto not_multipart = server.client().Post("/api/audit", "{}", "application/json");
    REQUIRE(not_multipart);
    CHECK(not_multipart->status == 400);
}

TEST_CASE("serve: an uploaded deployment never reads files on the server", "[serve]") {
    ServeProcess server({});
    FormFiles items = {part("deployment", "deployment.yaml",
                            "roles:\n  server: [10.0.0.1]\n  endpoints: [10.1.0.0/16]\n"
                            "firewalls:\n  - name: fw\n    config: /etc/passwd\n")};
    auto res = server.client().Post("/api/audit", items);
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(res->body.find("no config uploaded for firewall 'fw'") != std::string::npos);
    CHECK(res->body.find("root:") == std::string::npos);
}

TEST_CASE("serve: the token guards every request", "[serve]") {
    ServeProcess server({"--deployment", "fixtures/demo/deployment.yaml"}, {"FLOWGAP_TOKEN=s3cret"});
    auto c = server.client();
    auto none = c.Get("/api/info");
    REQUIRE(none);
    CHECK(none->status == 401);
    CHECK(c.Post("/api/audit", demo_upload())->status == 401);
    CHECK(c.Get("/")->status == 401);
    c.set_bearer_token_auth("wrong");
    CHECK(c.Get("/api/info")->status == 401);
    c.set_bearer_token_auth("s3cret");
    CHECK(c.Get("/api/info")->status == 200);
    CHECK(c.Post("/api/audit", demo_upload())->status == 200);

    // The page takes the token once in its URL and keeps it in a cookie, out of the address bar.
    flowgap::testing::HttpClient browser(server.port());
    auto login = browser.Get("/?token=s3cret");
    REQUIRE(login);
    CHECK(login->status == 303);
    std::string cookie = login->get_header_value("Set-Cookie");
    CHECK(cookie.find("HttpOnly") != std::string::npos);
    auto page = browser.Get("/", {{"Cookie", cookie.substr(0, cookie.find(';'))}});
    REQUIRE(page);
    CHECK(page->status == 200);
    CHECK(page->body.find("<form id=\"form\">") != std::string::npos);
}

TEST_CASE("serve: refuses to listen beyond loopback without a token", "[serve]") {
    auto r = run_flowgap("serve --listen 0.0.0.0:0");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("give --token") != std::string::npos);
    CHECK(run_flowgap("serve --listen nonsense").exit_code == 2);
}

TEST_CASE("serve: 20 concurrent audits are all answered, each with its own report", "[serve]") {
    ServeProcess server({"--max-audits", "2"});
    std::vector<std::future<std::pair<int, std::string>>> answers;
    for (int i = 0; i < 20; ++i) {
        answers.push_back(std::async(std::launch::async, [&server, i] {
            auto items = demo_upload();
            // Odd requests lose the client rule: their verdict differs, and so does the file name.
            items[2].filename = "core-router-" + std::to_string(i) + ".rules";
            if (i % 2) items[2].content = without_client_rule();
            auto res = server.client().Post("/api/audit", items);
            return res ? std::make_pair(res->status, res->body) : std::make_pair(0, std::string("no answer"));
        }));
    }
    for (int i = 0; i < 20; ++i) {
        auto [status, body] = answers[i].get();
        INFO("request " << i << ": " << body.substr(0, 200));
        REQUIRE(status == 200);
        json report = json::parse(body);
        CHECK(report.at("firewalls").at(0).at("config") == "core-router-" + std::to_string(i) + ".rules");
        CHECK(verdicts(report).at("client-to-server at core-router") == (i % 2 ? "blocked" : "partial"));
    }
}

TEST_CASE("serve: the page's jobs report progress and keep their reports", "[serve]") {
    ServeProcess server({"--deployment", "fixtures/demo/deployment.yaml"});
    auto c = server.client();
    FormFiles items = {part("config", "core-router.rules", slurp("fixtures/demo/core-router.rules"))};
    auto created = c.Post("/api/jobs?kind=audit", items);
    REQUIRE(created);
    REQUIRE(created->status == 202);
    std::string id = json::parse(created->body).at("id");
    json job;
    for (int i = 0; i < 600; ++i) {
        job = json::parse(c.Get("/api/jobs/" + id)->body);
        if (job.at("state") == "done" || job.at("state") == "failed") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    REQUIRE(job.at("state") == "done");
    CHECK(job.at("step") == job.at("steps"));
    CHECK(job.at("passed") == false);
    auto html = c.Get(job.at("reports").at("html").get<std::string>());
    REQUIRE(html);
    CHECK(html->status == 200);
    CHECK(html->body.find("client-to-server") != std::string::npos);
    auto sarif = c.Get(job.at("reports").at("sarif").get<std::string>());
    CHECK(json::parse(sarif->body).at("version") == "2.1.0");
    CHECK(c.Get("/api/jobs/0123456789abcdef0123456789abcdef")->status == 404);
}

TEST_CASE("serve: reports mask secrets in the rule text they quote", "[serve]") {
    ServeProcess server({"--deployment", "fixtures/demo/deployment.yaml"});
    std::string rules = slurp("fixtures/demo/core-router.rules");
    std::string needle = "--comment \"Tanium clients\"";
    rules.replace(rules.find(needle), needle.size(), "--comment \"Tanium clients snmp-community=public123\"");
    FormFiles items = {part("core-router", "core-router.rules", rules)};
    auto res = server.client().Post("/api/audit", items);
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body.find("public123") == std::string::npos);
    CHECK(res->body.find("snmp-community=********") != std::string::npos);
}

TEST_CASE("serve: a firewall read from several files takes several uploads", "[serve]") {
    ServeProcess server({});
    auto upload = [](const std::string& field) {
        return FormFiles{part("deployment", "split-exports.yaml", slurp("fixtures/netsh/split-exports.yaml")),
                         part(field, "split-tanium-server-rules.txt",
                              slurp("fixtures/netsh/split-tanium-server-rules.txt")),
                         part(field, "split-tanium-server-allprofiles.txt",
                              slurp("fixtures/netsh/split-tanium-server-allprofiles.txt"))};
    };
    json want = json::parse(run_flowgap("audit fixtures/netsh/split-exports.yaml --format json").out);
    // Named after the firewall, and matched by the file names the deployment gives.
    for (const char* field : {"tanium-server", "config"}) {
        INFO(field);
        auto res = server.client().Post("/api/audit", upload(field));
        REQUIRE(res);
        REQUIRE(res->status == 200);
        json got = json::parse(res->body);
        CHECK(verdicts(got) == verdicts(want));
        CHECK(got.at("firewalls").at(0).at("configs") ==
              json::array({"split-tanium-server-rules.txt", "split-tanium-server-allprofiles.txt"}));
    }
}

// Serve reads the day through the same today() as `flowgap audit`: FLOWGAP_TODAY pins it, so a
// waiver's expiry counts the same in both.
TEST_CASE("serve: FLOWGAP_TODAY decides which waivers have expired, as for flowgap audit", "[serve]") {
    // The demo's waiver applies through 2027-06-30.
    for (auto [day, status] : {std::pair{"2027-06-30", "active"}, std::pair{"2027-07-01", "expired"}}) {
        INFO(day);
        ServeProcess server({}, {std::string("FLOWGAP_TODAY=") + day});
        REQUIRE(server.port() != 0);
        auto res = server.client().Post("/api/audit", demo_upload());
        REQUIRE(res);
        REQUIRE(res->status == 200);
        json got = json::parse(res->body);
        CHECK(got.at("waivers").at(0).at("status") == status);
    }
    ServeProcess bad({}, {"FLOWGAP_TODAY=2027-13-01"});
    auto res = bad.client().Post("/api/audit", demo_upload());
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(json::parse(res->body).at("error").at("location") == "FLOWGAP_TODAY");
}

TEST_CASE("serve: POST /api/init drafts the deployment `flowgap init` drafts from the same exports",
          "[serve][init]") {
    ServeProcess server({});
    FormFiles exports = {
        part("config", "core-router.rules", slurp("fixtures/demo/core-router.rules")),
        part("config", "branch-linux-37.rules", slurp("fixtures/demo/branch-linux-37.rules"))};
    auto res = server.client().Post("/api/init", exports);
    REQUIRE(res);
    REQUIRE(res->status == 200);
    std::string draft = json::parse(res->body).at("deployment");
    // The command line names the files by the paths it was given; the upload by its file names.
    auto cli = run_command("cd '" FLOWGAP_SOURCE_DIR "/fixtures/demo' && '" FLOWGAP_BINARY
                           "' init core-router.rules branch-linux-37.rules");
    REQUIRE(cli.exit_code == 0);
    CHECK(draft == cli.out);
    CHECK(draft.find("server: [10.10.1.10]") != std::string::npos);

    // Only exports: a deployment uploaded beside them is left out, and nothing else is an error.
    auto none = server.client().Post("/api/init", {part("deployment", "deployment.yaml", "roles: {}\n")});
    REQUIRE(none);
    CHECK(none->status == 400);
    auto junk = server.client().Post("/api/init", {part("config", "x.txt", "not a firewall\n")});
    REQUIRE(junk);
    CHECK(junk->status == 400);
    CHECK(json::parse(junk->body)["error"]["file"] == "x.txt");
    auto get = server.client().Get("/api/init");
    REQUIRE(get);
    CHECK(get->status == 405);
}
