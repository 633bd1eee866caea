// End to end through the flowgap binary: the shapes PAN-OS exports come in (the brace form with
// rule uuids, a Panorama template alone, empty `set` containers) and the fixes for flows the
// default rules block, on a standalone firewall and under Panorama.
#include <catch2/catch.hpp>

#include <sstream>

#include "tests/support/e2e.hpp"

using flowgap::testing::line_of;
using flowgap::testing::read_file;
using flowgap::testing::run_flowgap;
using flowgap::testing::source_path;
using flowgap::testing::TempDir;

namespace {

bool has(const std::string& out, const std::string& text) {
    return out.find(text) != std::string::npos;
}

// The first line of `text` holding both `a` and `b` ("" when none).
std::string line_with(const std::string& text, const std::string& a, const std::string& b) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (has(line, a) && has(line, b)) return line;
    }
    return "";
}

}  // namespace

TEST_CASE("e2e: brace-form rules with a uuid between name and block keep their bodies", "[paloalto][e2e]") {
    // `show` writes `"allow-tanium" uuid 5c1f... {`; read as a path, the body went under
    // <uuid><5c1f...> and every rule had no action, every flow conditional.
    std::string fw = read_file(source_path("fixtures/paloalto/brace-uuid/fw.txt"));
    auto allow = std::to_string(line_of(fw, "\"allow-tanium\" uuid"));
    auto deny = std::to_string(line_of(fw, "deny-admin uuid"));
    auto r = run_flowgap("audit fixtures/paloalto/brace-uuid/deployment.yaml");
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK_FALSE(has(r.out, "has no action"));
    CHECK(has(r.out, "allowed        client-to-server"));
    CHECK(has(r.out, "blocked        console-to-server"));
    CHECK(has(r.out, "block         deny-admin (fixtures/paloalto/brace-uuid/fw.txt:" + deny + ")"));
    auto a = run_flowgap(
        "explain fixtures/paloalto/brace-uuid/deployment.yaml --firewall fw --from 10.20.0.5 --to "
        "10.10.1.10");
    INFO(a.out << a.err);
    CHECK(line_with(a.out, "allow-tanium", "fixtures/paloalto/brace-uuid/fw.txt:" + allow + " ")
              .find("MATCHES: allow") != std::string::npos);
    // The address object written with a uuid resolves too: only the server is allowed.
    auto x = run_flowgap(
        "explain fixtures/paloalto/brace-uuid/deployment.yaml --firewall fw --from 10.20.0.5 --to "
        "10.10.1.11");
    INFO(x.out << x.err);
    CHECK(has(x.out, "no match: destination is 10.10.1.10"));
    CHECK(has(x.out, "verdict: blocked"));
}

