// Hostile input through the built binary: nesting deep enough to exhaust a recursive reader is
// a located input error (exit 2), never a crash, a hang or memory per level.
#include <algorithm>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "tests/support/deployment.hpp"
#include "tests/support/e2e.hpp"

using flowgap::testing::run_flowgap;
using flowgap::testing::standard_deployment;
using flowgap::testing::TempDir;

namespace {

constexpr size_t kDeep = 100000;

std::string repeat(const std::string& s, size_t n) {
    std::string out;
    out.reserve(s.size() * n);
    for (size_t i = 0; i < n; ++i)
        out += s;
    return out;
}

// Audits `config` (written as `name`) as the one firewall of the standard deployment.
flowgap::testing::RunResult audit_one(const TempDir& dir, const std::string& name, const std::string& config,
                                      const std::string& format) {
    dir.write(name, config);
    dir.write("d.yaml", standard_deployment() + "firewalls:\n  - {name: fw, config: " + name +
                            ", format: " + format + "}\n");
    return run_flowgap("audit '" + dir.path("d.yaml") + "'");
}

bool has(const std::string& out, const std::string& text) {
    return out.find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("hostile: PAN-OS XML nested 100,000 deep is a located error", "[hostile][paloalto]") {
    TempDir dir;
    auto r = audit_one(
        dir, "fw.xml",
        "<config version=\"10.1.0\">\n" + repeat("<a>", kDeep) + repeat("</a>", kDeep) + "\n</config>\n",
        "paloalto");
    INFO(r.out << r.err);
    CHECK(r.exit_code == 2);
    // <config> is level 1 on line 1; level 257 is the 256th <a> of line 2, at column 766.
    CHECK(has(r.err, "fw.xml:2:766: error: elements nest more than 256 deep"));
}

TEST_CASE("hostile: PAN-OS brace form with 100,000 nested blocks is a located error", "[hostile][paloalto]") {
    TempDir dir;
    auto r = audit_one(dir, "fw.conf", "config {\n" + repeat("a {\n", kDeep) + repeat("}\n", kDeep) + "}\n",
                       "paloalto");
    INFO(r.out << r.err);
    CHECK(r.exit_code == 2);
    // `config {` is block 1; the 256th `a {` (line 257) opens block 257.
    CHECK(has(r.err, "fw.conf:257:3: error: blocks nest more than 256 deep"));
}

TEST_CASE("hostile: netsh JSON nested 100,000 deep is a located error", "[hostile][netsh]") {
    TempDir dir;
    // nlohmann's parser does not recurse; what reads a property's nested arrays did.
    auto r = audit_one(dir, "fw.json",
                       "[{\"Direction\": 1, \"Action\": 2, \"LocalPort\": " + repeat("[", kDeep) + "\"80\"" +
                           repeat("]", kDeep) + "}]\n",
                       "netsh");
    INFO(r.out << r.err);
    CHECK(r.exit_code == 2);
    CHECK(has(r.err, "fw.json:1:299: error: arrays and objects nest more than 256 deep"));
}

TEST_CASE("hostile: YAML nested 100,000 deep is a located error", "[hostile][deployment]") {
    TempDir dir;
    std::string roles = standard_deployment();
    size_t lines = static_cast<size_t>(std::count(roles.begin(), roles.end(), '\n'));
    SECTION("flow lists") {
        dir.write("d.yaml", roles + "firewalls: " + repeat("[", kDeep) + repeat("]", kDeep) + "\n");
        auto r = run_flowgap("audit '" + dir.path("d.yaml") + "'");
        INFO(r.out << r.err);
        CHECK(r.exit_code == 2);
        // `firewalls:` is level 1; the 256th `[` (column 12 + 255) opens level 257.
        CHECK(has(r.err,
                  fmt::format("d.yaml:{}:267: error: invalid YAML: mappings and lists nest more than 256",
                              lines + 1)));
    }
    SECTION("block mappings") {
        std::string deep;
        for (size_t i = 0; i < 1000; ++i)
            deep += std::string(i + 1, ' ') + "k:\n";
        dir.write("d.yaml", roles + "firewalls:\n" + deep);
        auto r = run_flowgap("audit '" + dir.path("d.yaml") + "'");
        INFO(r.out << r.err);
        CHECK(r.exit_code == 2);
        CHECK(has(r.err,
                  fmt::format("d.yaml:{}:257: error: invalid YAML: mappings and lists nest", lines + 257)));
    }
    SECTION("block lists on one line") {
        dir.write("d.yaml", roles + "firewalls:\n" + repeat("- ", kDeep) + "x\n");
        auto r = run_flowgap("audit '" + dir.path("d.yaml") + "'");
        INFO(r.out << r.err);
        CHECK(r.exit_code == 2);
        CHECK(has(r.err,
                  fmt::format("d.yaml:{}:513: error: invalid YAML: mappings and lists nest", lines + 2)));
    }
}
