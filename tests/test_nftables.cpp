// nftables rulesets through the built binary: fixtures/nftables/*.nft, each the `nft list ruleset`
// of the router of fixtures/nftables/router.yaml.in (or, host.nft, of the Tanium Server itself).
// Every fixture loads with the real `nft -c -f` (ctest nft-fixtures-load) and the kernel oracle
// sends packets through the router ones (docs/testing.md).
#include <map>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/e2e.hpp"

using flowgap::testing::read_file;
using flowgap::testing::run_flowgap;
using flowgap::testing::RunResult;
using flowgap::testing::source_path;
using flowgap::testing::TempDir;
using nlohmann::json;

namespace {

struct Fixture {
    TempDir dir;
    std::string text;

    explicit Fixture(const std::string& name) {
        text = read_file(source_path("fixtures/nftables/" + name));
        REQUIRE_FALSE(text.empty());
        dir.write("router.nft", text);
        dir.write("d.yaml", read_file(source_path("fixtures/nftables/router.yaml.in")));
    }
    RunResult run(const std::string& args = "--format json") const {
        return run_flowgap("audit '" + dir.path("d.yaml") + "' " + args);
    }
    json report() const {
        RunResult r = run();
        INFO(r.err);
        REQUIRE((r.exit_code == 0 || r.exit_code == 1));
        return json::parse(r.out);
    }
    // "router.nft:LINE:COLUMN" of the first line holding `needle`, at its first non-blank.
    std::string at(const std::string& needle) const {
        size_t start = 0, line = 1;
        for (;;) {
            size_t end = text.find('\n', start);
            std::string l = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
            if (l.find(needle) != std::string::npos)
                return dir.path("router.nft") + ":" + std::to_string(line) + ":" +
                       std::to_string(l.find_first_not_of(" \t") + 1);
            if (end == std::string::npos) break;
            start = end + 1;
            ++line;
        }
        FAIL("no line holds " << needle);
        return "";
    }
};

json flow(const json& report, const std::string& id) {
    for (const auto& f : report["flows"])
        if (f["flow"] == id) return f;
    FAIL("no flow " << id);
    return {};
}

json decision(const json& f, const std::string& action) {
    for (const auto& d : f["decided_by"])
        if (d["action"] == action && !d["conditional"].get<bool>()) return d;
    return json();
}

std::string commands(const json& f) {
    std::string out;
    for (const auto& r : f["remediation"])
        for (const auto& c : r["commands"])
            out += c.get<std::string>() + "\n";
    return out;
}

size_t warnings_at(const json& report, const std::string& location) {
    size_t n = 0;
    for (const auto& fw : report["firewalls"])
        for (const auto& w : fw["warnings"])
            n += w["location"] == location;
    return n;
}

}  // namespace

TEST_CASE("nftables: an inet forward chain decides each flow by its own rules", "[nftables][e2e]") {
    Fixture fx("forward-inet.nft");
    json report = fx.report();
    CHECK(report["firewalls"][0]["format"] == "nftables");
    json client = flow(report, "client-to-server");
    CHECK(client["verdict"] == "allowed");
    json d = decision(client, "allow");
    REQUIRE_FALSE(d.is_null());
    CHECK(d["location"] == fx.at("clients to tanium"));
    CHECK(d["rule"] == "inet filter forward#2 (clients to tanium)");
    json out = flow(report, "server-to-internet");
    CHECK(out["verdict"] == "blocked");
    CHECK(decision(out, "block")["location"] == fx.at("policy drop"));
    CHECK(commands(out) ==
          "nft 'add rule inet filter forward ip saddr 10.10.1.10 ip daddr 203.0.113.80 tcp "
          "dport { 80, 443 } accept comment \"flowgap: server-to-internet\"'\n");
}

TEST_CASE("nftables: accept ends only its own base chain; a later one still drops", "[nftables][e2e]") {
    Fixture fx("two-tables.nft");
    json f = flow(fx.report(), "client-to-server");
    CHECK(f["verdict"] == "partial");
    json d = decision(f, "block");
    REQUIRE_FALSE(d.is_null());
    CHECK(d["policy"] == "ip quarantine forward");
    CHECK(d["location"] == fx.at("quarantined clients"));
    CHECK(d["example"].get<std::string>().find("10.20.66.") != std::string::npos);
    CHECK(commands(f).find("nft 'insert rule ip quarantine forward index 0 ip saddr 10.20.66.0/24 ") == 0);
}

TEST_CASE("nftables: a prerouting drop at raw priority blocks before forward accepts", "[nftables][e2e]") {
    Fixture fx("prerouting-raw-drop.nft");
    json f = flow(fx.report(), "client-to-server");
    CHECK(f["verdict"] == "partial");
    json d = decision(f, "block");
    REQUIRE_FALSE(d.is_null());
    CHECK(d["policy"] == "ip blocklist pre");
    CHECK(d["location"] == fx.at("@blocked drop"));
    // The named set's interval and range elements, and nothing else, are blocked.
    CHECK(commands(f).find("ip saddr { 10.20.5.0/24, 10.20.6.1, 10.20.6.2/31, 10.20.6.4/30, 10.20.6.8/29, "
                           "10.20.6.16/30, 10.20.6.20 }") != std::string::npos);
    CHECK(commands(f).find("insert rule ip blocklist pre index 0 ") != std::string::npos);
}

TEST_CASE("nftables: named sets of addresses and ports", "[nftables][e2e]") {
    Fixture fx("named-sets.nft");
    json report = fx.report();
    json f = flow(report, "client-to-server");
    CHECK(f["verdict"] == "partial");
    CHECK(decision(f, "allow")["location"] == fx.at("@clients tcp dport @tanium_ports"));
    CHECK(decision(f, "block")["example"].get<std::string>().find("10.20.128.") != std::string::npos);
    CHECK(flow(report, "console-to-server")["verdict"] == "allowed");
}

TEST_CASE("nftables: verdict maps jump, goto and return as the chains say", "[nftables][e2e]") {
    Fixture fx("vmap-jump.nft");
    json report = fx.report();
    json client = flow(report, "client-to-server");
    CHECK(client["verdict"] == "allowed");
    CHECK(decision(client, "allow")["location"] == fx.at("tcp dport 17472 accept"));
    json console = flow(report, "console-to-server");
    CHECK(console["verdict"] == "allowed");
    CHECK(decision(console, "allow")["location"] == fx.at("ip daddr 10.10.1.10 accept"));
    // The server's own traffic enters on eth0: no element of the map takes it, the policy drops it.
    CHECK(flow(report, "server-to-internet")["verdict"] == "blocked");
}

TEST_CASE("nftables: an unknown expression is a located warning and a conditional rule", "[nftables][e2e]") {
    Fixture fx("unknown-expression.nft");
    json report = fx.report();
    // One warning, although the inet table is read once per address family.
    CHECK(warnings_at(report, fx.at("tcp option maxseg")) == 1);
    CHECK(flow(report, "client-to-server")["verdict"] == "conditional");
    CHECK(flow(report, "console-to-server")["verdict"] == "conditional");  // meta mark: conditional
}

TEST_CASE("nftables: an include makes every flow conditional, blocks too", "[nftables][e2e]") {
    Fixture fx("conf-include.nft");
    json report = fx.report();
    CHECK(warnings_at(report, fx.at("include ")) == 1);
    for (const auto& f : report["flows"]) {
        if (f["verdict"] == "not-applicable") continue;
        INFO(f["flow"]);
        CHECK(f["verdict"] == "conditional");
    }
}

// What a dnat makes conditional is checked by the dnat-raw-drop test below; this one checks what
// it must leave alone.
TEST_CASE("nftables: a destination NAT leaves the flows it cannot rewrite decided", "[nftables][e2e]") {
    Fixture fx("dnat.nft");
    json report = fx.report();
    // Clients reach the real address: the DNAT (from eth3, to the public address) is not theirs.
    CHECK(flow(report, "client-to-server")["verdict"] == "allowed");
}

TEST_CASE("nftables: a host's input and output chains", "[nftables][e2e]") {
    RunResult r = run_flowgap("audit '" + source_path("fixtures/nftables/host.yaml") + "' --format json");
    INFO(r.err);
    REQUIRE(r.exit_code == 1);
    json report = json::parse(r.out);
    CHECK(flow(report, "client-to-server")["verdict"] == "allowed");
    CHECK(flow(report, "console-to-server")["verdict"] == "blocked");
    json db = flow(report, "server-to-database");
    CHECK(db["verdict"] == "blocked");
    CHECK(decision(db, "block")["rule"] == "inet filter output#1");
}

TEST_CASE("nftables: input that is no ruleset, or filters nothing, is exit 2 located", "[nftables][e2e]") {
    Fixture fx("no-base-chain.nft");
    RunResult r = fx.run();
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("router.nft:1:1: error: no base chain") != std::string::npos);

    TempDir dir;
    dir.write("d.yaml", read_file(source_path("fixtures/nftables/router.yaml.in")));
    auto audit = [&](const std::string& text) {
        dir.write("router.nft", text);
        return run_flowgap("audit '" + dir.path("d.yaml") + "' --format json");
    };
    r = audit("flush ruleset\n");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("router.nft:1:1: error: no table") != std::string::npos);
    r = audit("table inet f {\n\tchain c {\n\t\tcomment \"open\n\t}\n}\n");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("router.nft:3:") != std::string::npos);
    r = audit(
        "table inet f {\n\tchain c {\n\t\ttype filter hook forward priority 0; policy drop;\n"
        "\t\ttcp dport 17472 jump nowhere\n\t}\n}\n");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("router.nft:4:3: error:") != std::string::npos);
    CHECK(r.err.find("undefined chain nowhere") != std::string::npos);
    // A table block that never closes: a truncated export.
    r = audit("table inet f {\n\tchain c {\n\t\ttype filter hook forward priority 0; policy drop;\n");
    CHECK(r.exit_code == 2);
}

namespace {

// `commands` with each "insert rule F T C <how> N" written "insert rule F T C @"; an insert
// placed otherwise than by `how` is left as it is, so that the comparison fails.
std::string placed_by(const std::string& how, std::string commands) {
    const std::string mark = " " + how + " ";
    for (size_t at = commands.find(mark); at != std::string::npos; at = commands.find(mark, at)) {
        size_t end = commands.find(' ', at + mark.size());
        commands.replace(at, end - at, " @");
    }
    return commands;
}

}  // namespace

TEST_CASE("nftables: `nft -j list ruleset` gives the verdicts, rules and fixes of the text",
          "[nftables][e2e]") {
    for (const char* name : {"forward-inet", "two-tables", "prerouting-raw-drop", "named-sets", "vmap-jump",
                             "unknown-expression", "dnat", "dnat-raw-drop"}) {
        INFO(name);
        Fixture text(std::string(name) + ".nft");
        Fixture js(std::string("json/") + name + ".json");
        json a = text.report(), b = js.report();
        REQUIRE(a["flows"].size() == b["flows"].size());
        for (size_t i = 0; i < a["flows"].size(); ++i) {
            const json& x = a["flows"][i];
            const json& y = b["flows"][i];
            INFO(x["flow"]);
            CHECK(x["verdict"] == y["verdict"]);
            // The JSON form has every rule's handle: its fixes insert by handle, the text's (no -a)
            // by index; the rest of each command is the same.
            CHECK(placed_by("index", commands(x)) == placed_by("position", commands(y)));
            REQUIRE(x["decided_by"].size() == y["decided_by"].size());
            for (size_t k = 0; k < x["decided_by"].size(); ++k) {
                CHECK(x["decided_by"][k]["rule"] == y["decided_by"][k]["rule"]);
                CHECK(x["decided_by"][k]["action"] == y["decided_by"][k]["action"]);
                // Located in the JSON file, at the object the rule came from.
                std::string at = y["decided_by"][k]["location"];
                CHECK(at.find(js.dir.path("router.nft") + ":1:") == 0);
            }
        }
    }
}

TEST_CASE("nftables: JSON that is no export is exit 2, located", "[nftables][e2e]") {
    TempDir dir;
    dir.write("d.yaml", read_file(source_path("fixtures/nftables/router.yaml.in")));
    auto audit = [&](const std::string& text) {
        dir.write("router.nft", text);
        return run_flowgap("audit '" + dir.path("d.yaml") + "' --format json");
    };
    RunResult r = audit("{\"nftables\": [{\"table\": {\"family\": \"inet\"}}]}");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("router.nft:1:15: error: expected \"name\"") != std::string::npos);
    r = audit("{\"nftables\": " + std::string(200, '[') + std::string(200, ']') + "}");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("nested more than") != std::string::npos);
    r = audit("{\"nftables\": [{\"metainfo\": {\"json_schema_version\": 1}}]}");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("no table") != std::string::npos);
}

TEST_CASE("nftables: a firewalld host (nftables backend) with 17472 opened in the public zone",
          "[nftables][e2e]") {
    RunResult r =
        run_flowgap("audit '" + source_path("fixtures/nftables/firewalld.yaml") + "' --format json");
    INFO(r.err);
    REQUIRE(r.exit_code == 1);
    json report = json::parse(r.out);
    // firewalld's `ct status dnat accept` cannot take a packet no rule of this ruleset translated.
    json client = flow(report, "client-to-server");
    CHECK(client["verdict"] == "allowed");
    bool decided = false;
    for (const auto& d : client["decided_by"])
        decided =
            decided || (d["rule"] == "inet firewalld filter_IN_public_allow#3" && d["action"] == "allow");
    CHECK(decided);
    json console = flow(report, "console-to-server");
    CHECK(console["verdict"] == "blocked");
    CHECK(decision(console, "block")["rule"] == "inet firewalld filter_INPUT#6");
    CHECK(commands(console).find("nft 'insert rule inet firewalld filter_INPUT index 5 ") == 0);
}

TEST_CASE("nftables: a chain before a dnat saw the public address: its drop is never read as allowed",
          "[nftables][e2e]") {
    Fixture fx("dnat-raw-drop.nft");
    json f = flow(fx.report(), "client-to-server");
    INFO(f.dump(1));
    // The endpoints send to 198.51.100.10, which the raw-priority chain drops (before the guard of
    // nftables.cpp this said `allowed`, from the forward accept on the real address). The one-to-
    // one dnat is followed exactly: the raw chain's rule decides the packets as sent.
    CHECK(f["verdict"] == "blocked");
    json d = decision(f, "block");
    CHECK(d["rule"] == "ip raw pre#1 (the public address is closed) via NAT ip nat prerouting#1");
    CHECK(d["location"] == fx.at("ip daddr 198.51.100.10 tcp dport 17472 drop"));
    // The fix goes into the raw chain, on the address it sees.
    CHECK(commands(f).find("nft 'insert rule ip raw pre index 0 ip saddr 10.20.0.0/16 ip daddr "
                           "198.51.100.10 tcp dport 17472 accept") == 0);
    // The consoles send to the real address, which no dnat translates: raw does not drop them.
    CHECK(flow(fx.report(), "console-to-server")["verdict"] == "blocked");  // forward: no rule for 443
    REQUIRE(f["nat"].size() == 1);
    CHECK(f["nat"][0]["rule"] == "ip nat prerouting#1");
    CHECK(f["nat"][0]["original"] == "198.51.100.10");
    CHECK(f["nat"][0]["translated"] == "10.10.1.10");
}

namespace {

// The legacy fixtures' folder copied into a scratch one, with `dump` as legacy.rules.
struct LegacyHost {
    TempDir dir;
    explicit LegacyHost(const std::string& dump) {
        dir.write("host.nft", read_file(source_path("fixtures/nftables/legacy/host.nft")));
        dir.write("legacy.rules", dump);
        dir.write("d.yaml", read_file(source_path("fixtures/nftables/legacy/host.yaml")));
    }
    RunResult run() const { return run_flowgap("audit '" + dir.path("d.yaml") + "' --format json"); }
};

}  // namespace

TEST_CASE("nftables: an iptables-legacy dump beside the ruleset is read with it", "[nftables][e2e]") {
    RunResult r =
        run_flowgap("audit '" + source_path("fixtures/nftables/legacy/host.yaml") + "' --format json");
    INFO(r.err);
    REQUIRE(r.exit_code == 1);
    json report = json::parse(r.out);
    // The ruleset accepts the endpoints; the legacy filter table drops half of them.
    json f = flow(report, "client-to-server");
    CHECK(f["verdict"] == "partial");
    json d = decision(f, "block");
    CHECK(d["rule"] == "iptables-legacy INPUT#1");
    CHECK(d["location"].get<std::string>().find("legacy.rules:8:1") != std::string::npos);
    CHECK(commands(f).find("iptables-legacy -I INPUT 1 -s 10.20.128.0/17 -d 10.10.1.10 -p tcp") == 0);
    // The ruleset's own drop keeps its nft fix.
    json m = flow(report, "module-to-server");
    CHECK(m["verdict"] == "blocked");
    CHECK(commands(m).find("nft 'add rule inet filter input ip saddr 10.10.1.20") == 0);
    CHECK(flow(report, "console-to-server")["verdict"] == "allowed");
}

TEST_CASE("nftables: an iptables-nft-save dump of tables the ruleset holds is not counted twice",
          "[nftables][e2e]") {
    // iptables-nft-save shows the ruleset's own `ip filter` table: a DROP there is the ruleset's.
    LegacyHost h(
        "# Generated by iptables-nft-save v1.8.9 (nf_tables) on Wed Dec  2 10:00:00 2026\n"
        "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
        "-A INPUT -p tcp -m tcp --dport 443 -j DROP\nCOMMIT\n");
    // The ruleset as nft prints it with that table in it.
    std::string ruleset = read_file(source_path("fixtures/nftables/legacy/host.nft")) +
                          "table ip filter {\n\tchain INPUT {\n\t\ttype filter hook input priority filter; "
                          "policy accept;\n\t\ttcp dport 443 counter packets 0 bytes 0 drop\n\t}\n}\n";
    h.dir.write("host.nft", ruleset);
    RunResult r = h.run();
    INFO(r.err);
    REQUIRE(r.exit_code == 1);
    json report = json::parse(r.out);
    json c = flow(report, "console-to-server");
    CHECK(c["verdict"] == "blocked");
    // One decision blocks: the ruleset's `ip filter INPUT`, not a second copy from the dump.
    size_t blocks = 0;
    for (const auto& x : c["decided_by"])
        blocks += x["action"] == "block";
    CHECK(blocks == 1);
    CHECK(decision(c, "block")["rule"] == "ip filter INPUT#1");
    CHECK(r.out.find("already holds") != std::string::npos);

    // Without that table in the ruleset, the files are not of one host at one time: exit 2.
    h.dir.write("host.nft", read_file(source_path("fixtures/nftables/legacy/host.nft")));
    RunResult bad = h.run();
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("legacy.rules:2:1: error: this iptables-nft-save dump shows table ip filter") !=
          std::string::npos);
}

TEST_CASE("nftables: a legacy DNAT changes what the ruleset's earlier chains saw: never allowed",
          "[nftables][e2e]") {
    // The legacy nat table publishes the server's client port on 198.51.100.10 (a one-to-one DNAT
    // at priority -100). The ruleset's input chain runs after it and sees the real address, as
    // flowgap evaluates it; a prerouting chain at priority raw runs before it and saw the public one.
    LegacyHost h(
        "# Generated by iptables-save v1.8.9 on Wed Dec  2 10:00:00 2026\n"
        "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
        ":POSTROUTING ACCEPT [0:0]\n"
        "-A PREROUTING -s 10.20.0.0/16 -d 198.51.100.10/32 -p tcp -m tcp --dport 17472 -j DNAT "
        "--to-destination 10.10.1.10\nCOMMIT\n"
        "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n");
    json plain = json::parse(h.run().out);
    CHECK(flow(plain, "client-to-server")["verdict"] == "allowed");
    CHECK(flow(plain, "client-to-server")["nat"][0]["original"] == "198.51.100.10");

    h.dir.write("host.nft",
                read_file(source_path("fixtures/nftables/legacy/host.nft")) +
                    "table ip raw {\n\tchain pre {\n\t\ttype filter hook prerouting priority raw; "
                    "policy accept;\n\t\tip daddr 198.51.100.10 tcp dport 17472 drop\n\t}\n}\n");
    RunResult r = h.run();
    INFO(r.err);
    json report = json::parse(r.out);
    json f = flow(report, "client-to-server");
    INFO(f.dump(1));
    // Before the guard this was `allowed`: the raw chain was read on the real address.
    CHECK(f["verdict"] == "conditional");
    CHECK(f.dump().find("no destination NAT of the iptables-legacy tables") != std::string::npos);
    // The consoles' packets are no NAT's: decided as before.
    CHECK(flow(report, "console-to-server")["verdict"] == "allowed");
}

TEST_CASE("nftables: real ufw and Docker hosts give the verdicts of their iptables-save dumps",
          "[nftables][e2e]") {
    // The kernel's own listing of each dump (fixtures/nftables/listings/README.md): the same rules,
    // so every flow's verdict and deciding action must match, and only the xt expressions nft
    // cannot print may warn.
    for (std::string name : {"ufw-server", "docker-host"}) {
        INFO(name);
        std::map<std::string, json> reports;
        for (std::string ext : {".rules", ".nft"}) {
            TempDir dir;
            dir.write("host" + ext, read_file(source_path("fixtures/nftables/listings/" + name + ext)));
            std::string yaml = read_file(source_path("fixtures/nftables/listings/host.yaml.in"));
            yaml.replace(yaml.find("config: host.nft") + 8, 8, "host" + ext);
            dir.write("d.yaml", yaml);
            RunResult r = run_flowgap("audit '" + dir.path("d.yaml") + "' --format json");
            INFO(r.err);
            REQUIRE((r.exit_code == 0 || r.exit_code == 1));
            reports[ext] = json::parse(r.out);
        }
        const json& a = reports[".rules"];
        const json& b = reports[".nft"];
        REQUIRE(a["flows"].size() == b["flows"].size());
        size_t blocked = 0;
        for (size_t i = 0; i < a["flows"].size(); ++i) {
            INFO(a["flows"][i]["flow"]);
            CHECK(a["flows"][i]["verdict"] == b["flows"][i]["verdict"]);
            blocked += a["flows"][i]["verdict"] == "blocked";
        }
        for (const auto& w : b["firewalls"][0]["warnings"])
            CHECK(w["message"].get<std::string>().find("an iptables-nft extension") != std::string::npos);
        // ufw's default-deny input blocks the Tanium Server's inbound flows; Docker's host accepts.
        CHECK(blocked == (name == "ufw-server" ? 3u : 0u));
    }
}

TEST_CASE("nftables: a ruleset listed with handles (nft -a) is fixed by handle", "[nftables][e2e]") {
    Fixture fx("two-tables.nft");
    // two-tables.nft as `nft -a list ruleset` prints it: each rule followed by its handle.
    std::string text;
    int handle = 10;
    for (size_t at = 0; at < fx.text.size();) {
        size_t end = fx.text.find('\n', at);
        std::string line = fx.text.substr(at, end - at);
        at = end == std::string::npos ? fx.text.size() : end + 1;
        bool rule = line.starts_with("\t\t") && line.find("type ") == std::string::npos;
        text += line + (rule ? " # handle " + std::to_string(handle++) : "") + "\n";
    }
    fx.dir.write("router.nft", text);
    json report = fx.report();
    bool inserted = false;
    for (const auto& f : report["flows"]) {
        std::string c = commands(f);
        if (c.find("insert rule") == std::string::npos) continue;
        inserted = true;
        CHECK(c.find("nft 'insert rule ip quarantine forward position 11 ip saddr 10.20.66.0/24 ") == 0);
        CHECK(c.find(" index ") == std::string::npos);
    }
    CHECK(inserted);
}
