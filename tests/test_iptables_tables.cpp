// End-to-end tests of the iptables tables other than filter, and of dumps that leave rules out,
// through the built binary's JSON report. Each fixture (fixtures/iptables/<construct>.rules) is
// one dump of the router of fixtures/iptables/tables.yaml.in, whose filter table lets the
// clients reach the server on 17472: what another table does to that flow is the test.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/e2e.hpp"

using flowgap::testing::line_of;
using flowgap::testing::read_file;
using flowgap::testing::run_flowgap;
using flowgap::testing::RunResult;
using flowgap::testing::source_path;
using flowgap::testing::TempDir;
using nlohmann::json;

namespace {

// One fixture as router.rules beside a copy of the fixtures' deployment, in a scratch folder.
struct Fixture {
    TempDir dir;
    std::string text;

    explicit Fixture(const std::string& name, const std::string& deployment_extra = "") {
        text = read_file(source_path("fixtures/iptables/" + name));
        REQUIRE_FALSE(text.empty());
        dir.write("router.rules", text);
        std::string deployment = read_file(source_path("fixtures/iptables/tables.yaml.in"));
        REQUIRE_FALSE(deployment.empty());
        dir.write("d.yaml", deployment + deployment_extra);
    }
    RunResult run(const std::string& args = "--format json") const {
        return run_flowgap("audit '" + dir.path("d.yaml") + "' " + args);
    }
    json report() const {
        RunResult r = run();
        INFO(r.err);
        REQUIRE(r.exit_code != 2);
        REQUIRE(r.exit_code != 3);
        return json::parse(r.out);
    }
    // The location reports give the line holding `needle`.
    std::string at(const std::string& needle) const {
        size_t line = line_of(text, needle);
        REQUIRE(line > 0);
        return dir.path("router.rules") + ":" + std::to_string(line) + ":1";
    }
};

json flow(const json& report, const std::string& id) {
    for (const auto& f : report["flows"]) {
        if (f["flow"] == id) return f;
    }
    FAIL("no flow " << id);
    return {};
}

// The flow's decision by a block rule (the first), or null.
json blocking(const json& f) {
    for (const auto& d : f["decided_by"]) {
        if (d["action"] == "block" && !d["conditional"].get<bool>()) return d;
    }
    return json();
}

std::string commands(const json& f) {
    std::string out;
    for (const auto& r : f["remediation"]) {
        for (const auto& c : r["commands"])
            out += c.get<std::string>() + "\n";
    }
    return out;
}

std::string warnings(const json& report) {
    std::string out;
    for (const auto& fw : report["firewalls"]) {
        for (const auto& w : fw["warnings"])
            out += w["location"].get<std::string>() + " " + w["message"].get<std::string>() + "\n";
    }
    return out;
}

// A drop in another table than filter blocks what filter accepts; the deciding rule is that
// table's line, and the fix goes into that table.
void check_blocked_in(const std::string& fixture, const std::string& policy, const std::string& rule_line,
                      const std::string& fix) {
    INFO(fixture);
    Fixture fx(fixture);
    json f = flow(fx.report(), "client-to-server");
    INFO(f.dump(1));
    CHECK(f["verdict"] == "blocked");
    json d = blocking(f);
    REQUIRE_FALSE(d.is_null());
    CHECK(d["policy"] == policy);
    CHECK(d["location"] == fx.at(rule_line));
    CHECK(commands(f).find(fix) != std::string::npos);
    // No ACCEPT in the filter table, which would never run for these packets.
    CHECK(commands(f).find("iptables -I ") == std::string::npos);
    CHECK(commands(f).find("iptables -A ") == std::string::npos);
}

}  // namespace

TEST_CASE("iptables tables: a DROP in raw, mangle or security blocks what filter accepts",
          "[iptables][e2e]") {
    check_blocked_in("raw-prerouting-drop.rules", "raw PREROUTING", "--dport 17472 -j DROP",
                     "iptables -t raw -I PREROUTING 1 ");
    check_blocked_in("mangle-prerouting-drop.rules", "mangle PREROUTING", "--dport 17472 -j DROP",
                     "iptables -t mangle -I PREROUTING 2 ");
    check_blocked_in("security-forward-drop.rules", "security FORWARD", "--dport 17472 -j DROP",
                     "iptables -t security -I FORWARD 1 ");
    check_blocked_in("raw-policy-drop.rules", "raw PREROUTING", ":PREROUTING DROP",
                     "iptables -t raw -A PREROUTING ");
}

TEST_CASE("iptables tables: mangle FORWARD drops after a non-terminating TCPMSS rule", "[iptables][e2e]") {
    Fixture fx("mangle-forward-drop.rules");
    json report = fx.report();
    json f = flow(report, "client-to-server");
    CHECK(f["verdict"] == "blocked");
    json d = blocking(f);
    REQUIRE_FALSE(d.is_null());
    CHECK(d["rule"] == "mangle:FORWARD#2");
    CHECK(d["policy"] == "mangle FORWARD");
    CHECK(d["location"] == fx.at("-s 10.20.0.0/16 -j DROP"));
    CHECK(commands(f).find("iptables -t mangle -I FORWARD 2 ") != std::string::npos);
    // The consoles are not in 10.20.0.0/16: mangle lets them on to filter, which accepts them.
    CHECK(flow(report, "console-to-server")["verdict"] == "allowed");
}

TEST_CASE("iptables tables: ACCEPT in mangle does not skip the filter table's DROP", "[iptables][e2e]") {
    Fixture fx("mangle-accept-filter-drop.rules");
    json f = flow(fx.report(), "client-to-server");
    CHECK(f["verdict"] == "blocked");
    json d = blocking(f);
    REQUIRE_FALSE(d.is_null());
    CHECK(d["policy"] == "FORWARD");
    CHECK(d["rule"] == "FORWARD#1");
    CHECK(d["location"] == fx.at("--dport 17472 -j DROP"));
}

TEST_CASE("iptables tables: exposure findings blame the filter table, not a mangle ACCEPT",
          "[iptables][e2e]") {
    Fixture fx("mangle-accept-filter-drop.rules");
    json report = fx.report();
    // mangle's ACCEPT lets everything on to filter, whose ACCEPT policy is what admits it.
    size_t filter = 0;
    for (const auto& f : report["findings"]) {
        INFO(f.dump());
        CHECK(f["policy"] != "mangle FORWARD");
        filter += f["policy"] == "FORWARD";
    }
    CHECK(filter > 0);
}

TEST_CASE("iptables tables: the raw chain's DROP policy lets only what it accepts through",
          "[iptables][e2e]") {
    Fixture fx("raw-policy-drop.rules");
    json report = fx.report();
    CHECK(flow(report, "console-to-server")["verdict"] == "allowed");
    CHECK(blocking(flow(report, "client-to-server"))["rule"] == "raw PREROUTING policy DROP");
}

TEST_CASE("iptables tables: a DNAT matching the flow makes it conditional, never allowed",
          "[iptables][e2e]") {
    Fixture fx("nat-dnat.rules");
    json report = fx.report();
    json f = flow(report, "client-to-server");
    INFO(f.dump(1));
    CHECK(f["verdict"] == "conditional");
    std::string conditions = f["conditions"].dump();
    CHECK(conditions.find("nat PREROUTING DNAT --to-destination 172.16.50.10:17472 (" + fx.at("-j DNAT") +
                          ") changes the destination later tables see") != std::string::npos);
    // MASQUERADE rewrites the source after filtering: the consoles' flow is decided as before.
    CHECK(flow(report, "console-to-server")["verdict"] == "allowed");

    Fixture snat("nat-masquerade-only.rules");
    CHECK(flow(snat.report(), "client-to-server")["verdict"] == "allowed");
}

// The fixtures nat-dnat-exact-*.rules publish the server (10.10.1.10) to the endpoints (eth1) as
// 198.51.100.10 with a one-to-one DNAT: the endpoints' packets to the server are sent to the
// public address, which the tables before nat PREROUTING see, and the tables after it the real one.
TEST_CASE("iptables tables: a raw DROP on a DNAT's public address blocks the published flow",
          "[iptables][e2e][nat]") {
    Fixture fx("nat-dnat-exact-raw-drop.rules");
    json report = fx.report();
    json f = flow(report, "client-to-server");
    INFO(f.dump(1));
    CHECK(f["verdict"] == "blocked");
    json d = blocking(f);
    REQUIRE_FALSE(d.is_null());
    CHECK(d["rule"] == "raw:PREROUTING#1 via NAT nat:PREROUTING#1");
    CHECK(d["policy"] == "raw PREROUTING");
    CHECK(d["location"] == fx.at("-d 198.51.100.10/32 -p tcp -m tcp --dport 17472 -j DROP"));
    // The fix goes into raw, on the address raw sees.
    CHECK(commands(f).find("iptables -t raw -I PREROUTING 1 -s 10.20.0.0/16 -d 198.51.100.10 -p tcp") !=
          std::string::npos);
    CHECK(commands(f).find("-d 10.10.1.10") == std::string::npos);
    // The consoles send to the real address, which no DNAT translates: raw does not drop them.
    CHECK(flow(report, "console-to-server")["verdict"] == "allowed");
}

TEST_CASE("iptables tables: after a one-to-one DNAT, the filter table decides on the real address",
          "[iptables][e2e][nat]") {
    // The raw rule on the real address never sees the endpoints' packets (they carry the public one
    // there); the filter ACCEPT on the real address lets them through.
    Fixture fx("nat-dnat-exact-filter-real.rules");
    json f = flow(fx.report(), "client-to-server");
    INFO(f.dump(1));
    CHECK(f["verdict"] == "allowed");
    // A filter rule written on the public address never matches: the policy drops them.
    Fixture pub("nat-dnat-exact-filter-public.rules");
    json g = flow(pub.report(), "client-to-server");
    INFO(g.dump(1));
    CHECK(g["verdict"] == "blocked");
    json d = blocking(g);
    REQUIRE_FALSE(d.is_null());
    CHECK(d["rule"] == "FORWARD policy DROP");
    CHECK(commands(g).find("iptables -A FORWARD -s 10.20.0.0/16 -d 10.10.1.10 -p tcp") != std::string::npos);
}

TEST_CASE("iptables tables: --ctstate DNAT is exact for the packets a one-to-one DNAT translates",
          "[iptables][e2e][nat]") {
    Fixture fx("nat-dnat-exact-ctstate.rules");
    json report = fx.report();
    json f = flow(report, "client-to-server");
    INFO(f.dump(1));
    CHECK(f["verdict"] == "allowed");
    // The consoles' packets to the real address: no DNAT rule here translates them, but the dump
    // cannot show that nothing else did.
    json c = flow(report, "console-to-server");
    INFO(c.dump(1));
    CHECK(c["verdict"] == "conditional");
    CHECK(c["conditions"].dump().find("whether the connection was NATed is unknown") != std::string::npos);
}

TEST_CASE("iptables tables: a DNAT beyond the one-to-one case is not followed", "[iptables][e2e][nat]") {
    // The same publication, each time with one thing flowgap does not follow exactly: a line of
    // nat-dnat-exact-raw-drop.rules and what replaces it.
    const std::string dnat =
        "-A PREROUTING -d 198.51.100.10/32 -i eth1 -p tcp -m tcp --dport 17472 -j DNAT --to-destination "
        "10.10.1.10:17472";
    const std::string drop = "-A PREROUTING -d 198.51.100.10/32 -p tcp -m tcp --dport 17472 -j DROP";
    const std::vector<std::pair<std::string, std::string>> cases = {
        // the port changes
        {dnat,
         "-A PREROUTING -d 198.51.100.10/32 -i eth1 -p tcp -m tcp --dport 443 -j DNAT "
         "--to-destination 10.10.1.10:17472"},
        // a range of addresses
        {dnat,
         "-A PREROUTING -d 198.51.100.10/32 -i eth1 -p tcp -m tcp --dport 17472 -j DNAT "
         "--to-destination 10.10.1.10-10.10.1.11"},
        // an interface the deployment does not map
        {dnat,
         "-A PREROUTING -d 198.51.100.10/32 -i wg0 -p tcp -m tcp --dport 17472 -j DNAT "
         "--to-destination 10.10.1.10:17472"},
        // an earlier nat rule that may take the packets
        {dnat, "-A PREROUTING -m set --match-set special dst -j ACCEPT\n" + dnat},
        // the packets may be untracked, and the kernel skips the nat table for those
        {drop, "-A PREROUTING -d 198.51.100.10/32 -j CT --notrack\n" + drop},
    };
    for (const auto& [line, replacement] : cases) {
        Fixture fx("nat-dnat-exact-raw-drop.rules");
        std::string text = fx.text;
        size_t at = text.find(line);
        REQUIRE(at != std::string::npos);
        text.replace(at, line.size(), replacement);
        fx.dir.write("router.rules", text);
        json f = flow(fx.report(), "client-to-server");
        INFO(replacement);
        INFO(f.dump(1));
        // The raw rule on the public address is not applied to the real one, and no report says
        // the flow went through NAT.
        CHECK(f["decided_by"].dump().find("via NAT") == std::string::npos);
        CHECK(f["nat"].empty());
        // Nor does the flow read as allowed: the endpoints may send to the public address, which
        // raw drops (before the guard of tables.cpp, these said `allowed`). Only wg0 carries none
        // of the deployment's addresses (eth3 maps every other one), so that DNAT never applies.
        if (replacement.find("wg0") == std::string::npos) CHECK(f["verdict"] != "allowed");
    }
}

TEST_CASE("iptables tables: a flow through a followed DNAT says so in every report", "[iptables][e2e][nat]") {
    Fixture fx("nat-dnat-exact-raw-drop.rules");
    json report = fx.report();
    json nat = flow(report, "client-to-server")["nat"];
    INFO(nat.dump(1));
    REQUIRE(nat.size() == 1);
    CHECK(nat[0]["rule"] == "nat:PREROUTING#1");
    CHECK(nat[0]["location"] == fx.at("-j DNAT"));
    CHECK(nat[0]["original"] == "198.51.100.10");
    CHECK(nat[0]["translated"] == "10.10.1.10");
    // The consoles send to the real address: no NAT.
    CHECK(flow(report, "console-to-server")["nat"].empty());
    // The example packet as the endpoints send it, with the translation.
    const std::string sent =
        "tcp 10.20.0.1:49152 -> 198.51.100.10:17472 (DNAT nat:PREROUTING#1 -> 10.10.1.10)";
    RunResult text = fx.run("--format text");
    INFO(text.out);
    CHECK(text.out.find("e.g. " + sent) != std::string::npos);
    CHECK(text.out.find("nat: sent to 198.51.100.10, DNAT nat:PREROUTING#1 (" + fx.at("-j DNAT") +
                        ") -> 10.10.1.10") != std::string::npos);
    for (const char* format : {"markdown", "sarif", "html"}) {
        RunResult r = fx.run(std::string("--format ") + format);
        INFO(format);
        bool annotated =
            r.out.find("198.51.100.10:17472 (DNAT nat:PREROUTING#1 -&gt; 10.10.1.10)") != std::string::npos ||
            r.out.find("198.51.100.10:17472 (DNAT nat:PREROUTING#1 -> 10.10.1.10)") != std::string::npos;
        CHECK(annotated);
    }
}

json finding(const json& report, const std::string& check) {
    for (const auto& f : report["findings"]) {
        if (f["check"] == check) return f;
    }
    FAIL("no finding " << check);
    return {};
}

TEST_CASE("iptables tables: an exposure through a one-to-one DNAT names the public address",
          "[iptables][e2e][nat]") {
    // nat-dnat-exact-exposed.rules publishes the server to the internet (eth3) as 198.51.100.10,
    // and FORWARD lets any source reach its client port.
    Fixture fx("nat-dnat-exact-exposed.rules");
    json report = fx.report();
    json f = finding(report, "exposed-server-port");
    INFO(f.dump(1));
    CHECK(f["severity"] == "critical");
    CHECK(f["location"] == fx.at("-A FORWARD -d 10.10.1.10/32"));
    const std::string published =
        "(published as 198.51.100.10 by DNAT nat:PREROUTING#1, " + fx.at("-j DNAT") + ")";
    CHECK(f["message"].get<std::string>().find("to 10.10.1.10 " + published + " beyond") !=
          std::string::npos);
    REQUIRE(f["published"].size() == 1);
    CHECK(f["published"][0]["rule"] == "nat:PREROUTING#1");
    CHECK(f["published"][0]["location"] == fx.at("-j DNAT"));
    CHECK(f["published"][0]["original"] == "198.51.100.10");
    CHECK(f["published"][0]["translated"] == "10.10.1.10");
    RunResult text = fx.run("--format text");
    INFO(text.out);
    CHECK(text.out.find(published) != std::string::npos);
    // The example packet as the internet client sends it.
    CHECK(text.out.find("-> 198.51.100.10:17472 (DNAT nat:PREROUTING#1 -> 10.10.1.10)") != std::string::npos);

    // Published to the endpoints (eth1) only: their packets are the needed part, and what the rule
    // admits beyond it reaches the real address alone.
    std::string inside = fx.text;
    inside.replace(inside.find("-i eth3"), 7, "-i eth1");
    fx.dir.write("router.rules", inside);
    json g = finding(fx.report(), "exposed-server-port");
    INFO(g.dump(1));
    CHECK(g["published"].empty());
    CHECK(g["message"].get<std::string>().find("published") == std::string::npos);
}

// The tables deployment with `server` written as a mapping that names its public address.
void publish_server(Fixture& fx, const std::string& role) {
    std::string d = read_file(source_path("fixtures/iptables/tables.yaml.in"));
    const std::string plain = "  server: [10.10.1.10]\n";
    size_t at = d.find(plain);
    REQUIRE(at != std::string::npos);
    d.replace(at, plain.size(), "  server: " + role + "\n");
    fx.dir.write("d.yaml", d);
}

TEST_CASE("iptables tables: a role's public address that no DNAT publishes is no allow",
          "[iptables][e2e][nat]") {
    // The filter table lets the endpoints reach the server; the DNAT publishes it as 198.51.100.10.
    Fixture fx("nat-dnat-exact-filter-real.rules");
    SECTION("the DNAT publishes the address the deployment names: nothing changes") {
        publish_server(fx, "{addresses: [10.10.1.10], public: [198.51.100.10]}");
        json report = fx.report();
        json f = flow(report, "client-to-server");
        INFO(f.dump(1));
        CHECK(f["verdict"] == "allowed");
        CHECK(f["notes"].empty());
    }
    SECTION("another public address: conditional, with a note naming it") {
        publish_server(fx, "{addresses: [10.10.1.10], public: 198.51.100.99}");
        json report = fx.report();
        for (const char* id : {"client-to-server", "console-to-server"}) {
            json f = flow(report, id);
            INFO(f.dump(1));
            CHECK(f["verdict"] == "conditional");
            CHECK(f["notes"].dump().find("no NAT rule of router publishes 198.51.100.99") !=
                  std::string::npos);
        }
        for (const auto& e : report["end_to_end"]) {
            if (e["flow"] == "client-to-server") CHECK(e["verdict"] == "conditional");
        }
        // Flows to other roles are untouched.
        CHECK(flow(report, "server-to-internet")["notes"].empty());
        RunResult text = fx.run("--format text");
        CHECK(text.exit_code == 1);
        CHECK(text.out.find("note: no NAT rule of router publishes 198.51.100.99") != std::string::npos);
    }
    SECTION("no NAT at all: the same note, and what raw drops stays blocked") {
        std::string text = fx.text;
        size_t at = text.find("-A PREROUTING -d 198.51.100.10/32 -i eth1");
        REQUIRE(at != std::string::npos);
        text.erase(at, text.find('\n', at) + 1 - at);
        fx.dir.write("router.rules", text);
        publish_server(fx, "{addresses: [10.10.1.10], public: [198.51.100.10]}");
        json f = flow(fx.report(), "client-to-server");
        INFO(f.dump(1));
        CHECK(f["verdict"] == "blocked");
        CHECK(f["notes"].dump().find("no NAT rule of router publishes 198.51.100.10") != std::string::npos);
    }
}

TEST_CASE("iptables tables: a role's public addresses are checked, located", "[iptables][e2e][nat]") {
    Fixture fx("nat-dnat-exact-filter-real.rules");
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"{addresses: [10.10.1.10], public: [198.51.100.0/24]}", "'198.51.100.0/24' is not a single address"},
        {"{addresses: [10.10.1.10], public: [any]}", "'any' is not a single address"},
        {"{addresses: [10.10.1.10], public: [{a: b}]}", "must be a single value"},
        {"{addresses: [10.10.1.10], published: [198.51.100.10]}", "unknown key 'published'"},
        {"{public: [198.51.100.10]}", "needs `addresses`"},
        {"{addresses: [10.10.1.10], public: [198.51.100.10], public: [198.51.100.11]}",
         "the key 'public' is written twice"},
    };
    for (const auto& [role, message] : cases) {
        INFO(role);
        publish_server(fx, role);
        RunResult r = fx.run("--format text");
        INFO(r.err);
        CHECK(r.exit_code == 2);
        // On the server's line of the deployment file.
        size_t line = line_of(read_file(fx.dir.path("d.yaml")), "  server: {");
        CHECK(r.err.find(fx.dir.path("d.yaml") + ":" + std::to_string(line) + ":") != std::string::npos);
        CHECK(r.err.find(message) != std::string::npos);
    }
}

TEST_CASE("iptables tables: CT --notrack makes later state tests conditional", "[iptables][e2e]") {
    Fixture fx("raw-notrack.rules");
    json report = fx.report();
    json f = flow(report, "client-to-server");
    CHECK(f["verdict"] == "conditional");
    CHECK(f["conditions"].dump().find("UNTRACKED") != std::string::npos);
    CHECK(flow(report, "console-to-server")["verdict"] == "allowed");
}

TEST_CASE("iptables tables: a table iptables-nft cannot print makes its hooks conditional",
          "[iptables][e2e]") {
    Fixture fx("nft-incompatible-table.rules");
    json report = fx.report();
    CHECK(flow(report, "client-to-server")["verdict"] == "conditional");
    // What the visible raw table drops stays blocked.
    json console = flow(report, "console-to-server");
    CHECK(console["verdict"] == "conditional");  // tcp/443: raw drops only 17472
    std::string w = warnings(report);
    CHECK(w.find(fx.at("# Table `filter' is incompatible") + " the filter table is not in this dump") !=
          std::string::npos);
    CHECK(w.find("nft list ruleset") != std::string::npos);
}

TEST_CASE("iptables tables: legacy tables beside the nft ones make every flow conditional",
          "[iptables][e2e]") {
    Fixture fx("legacy-tables-present.rules");
    json report = fx.report();
    CHECK(flow(report, "client-to-server")["verdict"] == "conditional");
    CHECK(flow(report, "console-to-server")["verdict"] == "conditional");
    std::string w = warnings(report);
    CHECK(w.find(fx.at("iptables-legacy tables present")) != std::string::npos);
    CHECK(w.find("iptables-legacy-save") != std::string::npos);
}

TEST_CASE("iptables tables: a dump without a filter table is conditional, not open", "[iptables][e2e]") {
    Fixture fx("no-filter-table.rules");
    json report = fx.report();
    CHECK(flow(report, "client-to-server")["verdict"] == "conditional");
    std::string w = warnings(report);
    CHECK(w.find(fx.at("*nat") + " this dump has no filter table") != std::string::npos);
    CHECK(w.find("give the full iptables-save") != std::string::npos);
}

TEST_CASE("iptables tables: a dump with no table at all is bad input, located", "[iptables][e2e]") {
    // Said to be iptables, the parser refuses it; detected, no format claims it. Either way: exit 2.
    Fixture fx("comments-only.rules", "    format: iptables\n");
    RunResult r = fx.run();
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(fx.dir.path("router.rules") + ":2:1: error: no iptables table in this file") !=
          std::string::npos);
    fx.dir.write("router.rules", "");
    r = fx.run();
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(fx.dir.path("router.rules") + ":1:1: error: no iptables table in this file") !=
          std::string::npos);
    Fixture detected("comments-only.rules");
    r = detected.run();
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(detected.dir.path("router.rules") + ":1:1: error:") != std::string::npos);
}

TEST_CASE("iptables tables: explain shows every table's decision in the kernel's order", "[iptables][e2e]") {
    Fixture fx("raw-prerouting-drop.rules");
    RunResult r = run_flowgap("explain '" + fx.dir.path("d.yaml") +
                              "' --firewall router --from 10.20.1.1 --to 10.10.1.10 --port tcp/17472");
    INFO(r.out << r.err);
    size_t raw = r.out.find("raw PREROUTING");
    size_t filter = r.out.find("FORWARD");
    REQUIRE(raw != std::string::npos);
    REQUIRE(filter != std::string::npos);
    CHECK(raw < r.out.find("FORWARD#2"));
    CHECK(r.out.find(fx.at("--dport 17472 -j DROP")) != std::string::npos);
}
