// Hostile files, end to end through the binary: what flowgap reads must be a regular file of a
// sane size (a directory, a FIFO or a 1 GiB+ file is a located exit 2, never a hang or a read of
// the whole thing), invalid UTF-8 in a rule comment is replaced in every report rather than
// throwing (exit 3), a saved report read back by `flowgap diff` is checked field by field, and
// --output writes devices in place, refuses links to files and reports a failed write.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "src/report/html_page.hpp"
#include "src/report/utf8.hpp"
#include "tests/support/e2e.hpp"

using flowgap::testing::read_file;
using flowgap::testing::run_flowgap;
using flowgap::testing::source_path;
using flowgap::testing::TempDir;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string kDemo = "fixtures/demo/deployment.yaml";

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// The demo deployment copied into `dir`, with `from` replaced by `to` in the core router's rules.
std::string demo_copy(const TempDir& dir, const std::string& from = "", const std::string& to = "") {
    for (const char* f : {"branch-linux-37.rules", "flowgap-waivers.yaml"})
        dir.write(f, read_file(source_path(std::string("fixtures/demo/") + f)));
    std::string rules = read_file(source_path("fixtures/demo/core-router.rules"));
    if (!from.empty()) rules.replace(rules.find(from), from.size(), to);
    dir.write("core-router.rules", rules);
    return dir.write("deployment.yaml", read_file(source_path(kDemo)));
}

std::string make_fifo(const TempDir& dir, const std::string& name) {
    std::string p = dir.path(name);
    REQUIRE(::mkfifo(p.c_str(), 0600) == 0);
    return p;
}

bool is_char_device(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISCHR(st.st_mode);
}

// A saved demo report with `change` applied, written to `dir` as `name`.
std::string demo_report(const TempDir& dir, const std::string& name, void (*change)(json&)) {
    auto r = run_flowgap("audit " + kDemo + " --format json");
    REQUIRE(r.exit_code == 1);
    json j = json::parse(r.out);
    if (change) change(j);
    return dir.write(name, j.dump(2));
}

}  // namespace

TEST_CASE("invalid UTF-8 in a rule comment becomes U+FFFD (or a visible escape) in every report, not exit 3",
          "[hostile]") {
    TempDir dir;
    // The rule of the demo's high finding, which every format shows, with a Latin-1 comment.
    std::string d = demo_copy(dir, "--dports 80,443 -j ACCEPT\n",
                              "--dports 80,443 -m comment --comment \"Tanium p\xE9\xC3 peers\" -j ACCEPT\n");
    for (const char* format : {"json", "sarif", "junit", "html", "text", "markdown"}) {
        INFO(format);
        auto r = run_flowgap(std::string("audit '") + d + "' --format " + format);
        INFO(r.err);
        CHECK(r.exit_code == 1);
        CHECK(flowgap::report::valid_utf8(r.out) == r.out);
        // Where a person reads the text (text, Markdown) the bytes are shown as escapes; in the
        // machine formats each invalid sequence is U+FFFD.
        bool shown = std::string_view(format) == "text" || std::string_view(format) == "markdown";
        CHECK(has(r.out, shown ? "Tanium p\\xe9\\xc3 peers" : "Tanium p\xEF\xBF\xBD\xEF\xBF\xBD peers"));
    }
    auto junit = run_flowgap("audit '" + d + "' --format junit");
    pugi::xml_document doc;
    CHECK(doc.load_string(junit.out.c_str()));
    auto j = run_flowgap("audit '" + d + "' --format json");
    CHECK_NOTHROW(json::parse(j.out));
}

TEST_CASE("valid_utf8 replaces each maximal invalid subpart once and keeps valid text", "[hostile]") {
    using flowgap::report::valid_utf8;
    const std::string r = "\xEF\xBF\xBD";
    CHECK(valid_utf8("caf\xC3\xA9 \xF0\x9F\x94\xA5") == "caf\xC3\xA9 \xF0\x9F\x94\xA5");
    CHECK(valid_utf8("a\xE9z") == "a" + r + "z");
    CHECK(valid_utf8("a\xE2\x82z") == "a" + r + "z");  // a cut 3-byte sequence: one
    CHECK(valid_utf8("\xC0\xAF") == r + r);            // overlong: two
    CHECK(valid_utf8("\xED\xA0\x80") == r + r + r);    // a surrogate: three
    CHECK(valid_utf8("x\xF0\x9F\x94") == "x" + r);     // cut at the end
    json j = std::string("a\xE2\x82z\xC0\xAF");
    CHECK(flowgap::report::dump_json(j, -1) == "\"" + valid_utf8("a\xE2\x82z\xC0\xAF") + "\"");
}

TEST_CASE("a directory, a FIFO or an oversized file as input is a located exit 2", "[hostile]") {
    TempDir dir;
    std::string d = demo_copy(dir);
    auto as_dir = run_flowgap("audit '" + dir.path() + "'");
    CHECK(as_dir.exit_code == 2);
    CHECK(has(as_dir.err, "is a directory, not a file"));

    std::string fifo = make_fifo(dir, "fifo.yaml");
    auto as_fifo = run_flowgap("audit '" + fifo + "'");
    CHECK(as_fifo.exit_code == 2);
    CHECK(has(as_fifo.err, fifo + ": error: is not a regular file"));

    auto candidate = run_flowgap("diff '" + d + "' --candidate branch-linux-37='" + fifo + "'");
    CHECK(candidate.exit_code == 2);
    CHECK(has(candidate.err, "is not a regular file"));

    // A sparse file past the limit: refused from its size, without reading it.
    std::string big = dir.path("big.rules");
    dir.write("big.rules", "");
    fs::resize_file(big, (std::uintmax_t{1} << 30) + 1);
    auto huge = run_flowgap("diff '" + d + "' --candidate branch-linux-37='" + big + "'");
    CHECK(huge.exit_code == 2);
    CHECK(has(huge.err, "big.rules: error: is 1073741825 bytes, more than the 1073741824 flowgap reads"));

    auto report = run_flowgap("diff '" + fifo + "' '" + fifo + "'");
    CHECK(report.exit_code == 2);
    CHECK(has(report.err, "is not a regular file"));
}

TEST_CASE("a directory or FIFO as config: is named for what it is, at the deployment's line", "[hostile]") {
    TempDir dir;
    demo_copy(dir);
    fs::create_directory(dir.path("adir"));
    make_fifo(dir, "afifo");
    std::string text = read_file(source_path(kDemo));
    std::string on_dir = text, on_fifo = text;
    on_dir.replace(on_dir.find("config: core-router.rules"), 25, "config: adir");
    on_fifo.replace(on_fifo.find("config: core-router.rules"), 25, "config: afifo");
    auto r = run_flowgap("audit '" + dir.write("d1.yaml", on_dir) + "'");
    CHECK(r.exit_code == 2);
    CHECK(has(r.err, "d1.yaml:"));
    CHECK(has(r.err, "config file 'adir' is a directory, not a file"));
    r = run_flowgap("audit '" + dir.write("d2.yaml", on_fifo) + "'");
    CHECK(r.exit_code == 2);
    CHECK(has(r.err, "config file 'afifo' is not a regular file"));
}

TEST_CASE("diff checks every field of a saved report and names the bad one by JSON pointer", "[hostile]") {
    TempDir dir;
    std::string good = demo_report(dir, "good.json", nullptr);
    struct Case {
        const char* name;
        void (*change)(json&);
        const char* expected;
    };
    const Case cases[] = {
        {"verdict.json", [](json& j) { j["flows"][0]["verdict"] = "\"><script>alert(1)</script>"; },
         "/flows/0/verdict: must be one of allowed, conditional, partial, blocked, not-applicable"},
        {"verdict-type.json", [](json& j) { j["end_to_end"][1]["verdict"] = 5; }, "/end_to_end/1/verdict"},
        {"rules.json", [](json& j) { j["firewalls"][0]["rules"] = "many"; },
         "/firewalls/0/rules: must be a whole number"},
        {"action.json", [](json& j) { j["flows"][0]["decided_by"][0]["action"] = "<b>"; },
         "/flows/0/decided_by/0/action: must be one of allow, block, unknown"},
        {"text.json", [](json& j) { j["findings"][0]["text"] = json::array(); },
         "/findings/0/text: must be a string"},
        {"level.json", [](json& j) { j["flows"][0]["level"] = "x"; }, "/flows/0/level"},
        {"summary.json", [](json& j) { j["summary"]["required_flows"] = -1; }, "/summary/required_flows"},
        {"conditional.json", [](json& j) { j["findings"][0]["conditional"] = "yes"; },
         "/findings/0/conditional: must be true or false"},
    };
    for (const auto& c : cases) {
        INFO(c.name);
        std::string bad = demo_report(dir, c.name, c.change);
        auto r = run_flowgap("diff '" + good + "' '" + bad + "' --format html");
        CHECK(r.exit_code == 2);
        CHECK(has(r.err, bad + ": error: " + c.expected));
        CHECK(!has(r.out, "<script>alert"));
    }
    std::string inf = dir.write("inf.json", "{\"schema\": \"flowgap-report/1\", \"x\": 1e400}");
    auto r = run_flowgap("diff '" + good + "' '" + inf + "'");
    CHECK(r.exit_code == 2);
    CHECK(has(r.err, inf + ": error: not a JSON report"));
}

TEST_CASE("html_pill escapes its class as well as its text", "[hostile]") {
    std::string pill = flowgap::report::html_pill("x\"><script>alert(1)</script>", "y");
    CHECK(!has(pill, "<script>"));
    CHECK(has(pill, "class=\"pill x&quot;&gt;&lt;script&gt;"));
}

// A character device of the kernel's (1,3 null; 1,7 full) made in `dir`, so that a regression
// replaces a node of the test's own and never the machine's /dev/null (which is what the bug did).
// Empty when this process may not make device nodes (not root) or the folder is mounted nodev.
std::string private_device(const TempDir& dir, const std::string& name, unsigned minor) {
    std::string p = dir.path(name);
    if (::mknod(p.c_str(), S_IFCHR | 0666, makedev(1, minor)) != 0) return "";
    int fd = ::open(p.c_str(), O_WRONLY);
    if (fd < 0) return "";
    ::close(fd);
    return p;
}

TEST_CASE("reports written with --output: a character device is written in place and stays one",
          "[hostile][devices]") {
    TempDir devices;
    std::string null = private_device(devices, "null", 3);
    if (null.empty()) {
        WARN("skipped: cannot make a device node here (needs root and a folder not mounted nodev)");
        return;
    }
    auto r = run_flowgap("audit " + kDemo + " --format json --output '" + null + "'");
    CHECK(r.exit_code == 1);
    CHECK(r.err.empty());
    CHECK(is_char_device(null));
}

TEST_CASE("reports written with --output: to a full device is a located exit 2 and replaces no report file",
          "[hostile][devices]") {
    TempDir devices;
    std::string full = private_device(devices, "full", 7);
    if (full.empty()) {
        WARN("skipped: cannot make a device node here (needs root and a folder not mounted nodev)");
        return;
    }
    TempDir dir;
    std::string kept = dir.write("kept.json", "old");
    auto r = run_flowgap("audit " + kDemo + " --format json --output '" + kept +
                         "' --format text --output '" + full + "'");
    CHECK(r.exit_code == 2);
    CHECK(has(r.err, full + ": error: cannot write the report: No space left on device"));
    CHECK(read_file(kept) == "old");
    CHECK(is_char_device(full));
    CHECK(fs::directory_iterator(dir.path()) != fs::directory_iterator());
    size_t files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path()))
        ++files;
    CHECK(files == 1);  // no temp file left behind
}

TEST_CASE(
    "reports written with --output: refuses a symlink to a file and ignores one planted at the old temp name",
    "[hostile]") {
    TempDir dir;
    std::string victim = dir.write("victim", "precious");
    std::string link = dir.path("link.json");
    fs::create_symlink(victim, link);
    auto r = run_flowgap("audit " + kDemo + " --format json --output '" + link + "'");
    CHECK(r.exit_code == 2);
    CHECK(has(r.err, "link.json: error: cannot write the report: it is a symbolic link"));
    CHECK(read_file(victim) == "precious");
    CHECK(fs::is_symlink(link));

    std::string out = dir.path("out.json");
    fs::create_symlink(victim, out + ".flowgap-tmp");
    r = run_flowgap("audit " + kDemo + " --format json --output '" + out + "'");
    CHECK(r.exit_code == 1);
    CHECK(read_file(victim) == "precious");
    CHECK(fs::is_regular_file(fs::symlink_status(out)));
    CHECK(has(read_file(out), "flowgap-report/1"));

    auto to_dir = run_flowgap("audit " + kDemo + " --format json --output '" + dir.path() + "'");
    CHECK(to_dir.exit_code == 2);
    CHECK(has(to_dir.err, "it is a directory, not a file"));
}

TEST_CASE("a closed standard output is a located exit 2, not a silent exit 1", "[hostile]") {
    auto r = run_flowgap("audit " + kDemo + " --format json >&-");
    CHECK(r.exit_code == 2);
    CHECK(has(r.err, "standard output: error: cannot write the report"));
}

TEST_CASE("a reader that goes away is a located exit 2, never death by SIGPIPE", "[hostile]") {
    // 3,000 traces are about 1.4 MB of text, far beyond a pipe's buffer: `head -c 1` has long
    // gone when flowgap writes the rest. Before SIGPIPE was ignored, the shell saw 141.
    TempDir dir;
    std::string packets;
    for (int i = 0; i < 3000; ++i)
        packets += "tcp 10.20." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1) +
                   ":49152 -> 10.10.1.10:17472\n";
    std::string list = dir.write("packets.txt", packets);
    for (std::string format : {"text", "json"}) {
        auto r = flowgap::testing::run_command(
            "cd '" FLOWGAP_SOURCE_DIR "' && bash -c \"'" FLOWGAP_BINARY "' explain " + kDemo +
            " --firewall core-router --packets '" + list + "' --format " + format +
            " | head -c 1 >/dev/null; exit \\${PIPESTATUS[0]}\"");
        INFO(format << ": " << r.err);
        CHECK(r.exit_code == 2);
        CHECK(has(r.err, "standard output: error: cannot write the report"));
    }
}
