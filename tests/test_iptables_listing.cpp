// `iptables -S` / `ip6tables -S` listings (parsers/iptables/listing.hpp), end to end through the
// built binary on fixtures/iptables: a listing proves what its filter table blocks and never that
// a flow is allowed, since the raw, mangle, nat and security tables it leaves out may drop first.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sstream>

#include "parsers/parse.hpp"
#include "parsers/vendors.hpp"
#include "tests/support/e2e.hpp"
#include "tests/support/iptables.hpp"

using flowgap::testing::read_file;
using flowgap::testing::run_flowgap;
using flowgap::testing::source_path;
using flowgap::testing::TempDir;
using nlohmann::json;

namespace {

const std::string kDeployment = "fixtures/iptables/deployment.yaml";
const std::string kIpv6 = "fixtures/iptables/ipv6.yaml";
const std::string kCondition = "iptables -S shows only the filter table; give iptables-save";

struct Audit {
    int exit_code = -1;
    json j;

    const json& result(const std::string& flow, const std::string& firewall) const {
        for (const auto& r : j["flows"]) {
            if (r["flow"] == flow && r["firewall"] == firewall) return r;
        }
        FAIL("no result for " << flow << " at " << firewall);
        throw;
    }
    const json& firewall(const std::string& name) const {
        for (const auto& f : j["firewalls"]) {
            if (f["name"] == name) return f;
        }
        FAIL("no firewall " << name);
        throw;
    }
    // The findings on one firewall, without their locations (a listing and a dump number their
    // lines differently), in report order.
    json findings(const std::string& firewall) const {
        json out = json::array();
        for (auto f : j["findings"]) {
            if (f["firewall"] != firewall) continue;
            f.erase("location");
            f.erase("firewall");
            f.erase("text");
            out.push_back(f);
        }
        return out;
    }
};

Audit audit(const std::string& deployment, const std::string& args = "") {
    auto r = run_flowgap("audit '" + deployment + "' --format json" + args);
    INFO(r.err);
    REQUIRE(r.exit_code != 2);
    REQUIRE(r.exit_code != 3);
    return {r.exit_code, json::parse(r.out)};
}

// The one decision of `result` that certainly decides (not conditional) with `action`.
const json& certain(const json& result, const std::string& action) {
    for (const auto& d : result["decided_by"]) {
        if (d["conditional"] == false && d["action"] == action) return d;
    }
    FAIL("no certain " << action << " decision in " << result.dump());
    throw;
}

// The iptables-save dump of the same filter table as `listing`: `-P` and `-N` lines become chain
// declarations, between `*filter` and COMMIT.
std::string as_dump(const std::string& listing) {
    std::string decls, rules;
    std::istringstream in(listing);
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("-P ")) {
            decls += ":" + line.substr(3) + " [0:0]\n";
        } else if (line.starts_with("-N ")) {
            decls += ":" + line.substr(3) + " - [0:0]\n";
        } else {
            rules += line + "\n";
        }
    }
    return "*filter\n" + decls + rules + "COMMIT\n";
}

// A deployment in `dir` with the roles of `deployment` and one firewall.
void deploy(const TempDir& dir, const std::string& deployment, const std::string& name,
            const std::string& config) {
    std::string roles = read_file(source_path(deployment));
    roles.resize(roles.find("firewalls:"));
    dir.write("d.yaml", roles + "firewalls:\n  - {name: " + name + ", config: " + config + "}\n");
}

bool has_condition(const json& result, const std::string& condition) {
    for (const auto& c : result["conditions"]) {
        if (c == condition) return true;
    }
    return false;
}

}  // namespace

TEST_CASE("iptables -S: a DROP gives blocked, exact and located, an ACCEPT conditional, never allowed",
          "[iptables][listing][e2e]") {
    Audit a = audit(kDeployment);
    const json& console = a.result("console-to-server", "listing");
    CHECK(console["verdict"] == "blocked");
    CHECK(certain(console, "block")["location"] == "fixtures/iptables/listing.rules:7:1");
    CHECK(certain(console, "block")["rule"] == "FORWARD#3");
    CHECK(console["conditions"].empty());  // nothing the listing leaves out bears on a drop

    const json& clients = a.result("client-to-server", "listing");
    CHECK(clients["verdict"] == "conditional");
    CHECK(clients["example_allowed"].is_null());
    CHECK(has_condition(clients, kCondition));
    // The filter table's own deciding rule is still named, at its line in the user chain.
    CHECK(certain(clients, "allow")["location"] == "fixtures/iptables/listing.rules:8:1");
    CHECK(certain(clients, "allow")["rule"] == "tanium-clients#1 (Tanium clients)");

    // The policy DROP blocks what no rule accepts, exactly, at its -P line.
    const json& module = a.result("server-to-module", "listing");
    CHECK(module["verdict"] == "blocked");
    CHECK(certain(module, "block")["location"] == "fixtures/iptables/listing.rules:2:1");

    // No flow of a listing is ever allowed.
    for (const auto& r : a.j["flows"]) {
        if (r["firewall"].get<std::string>().starts_with("listing")) CHECK(r["verdict"] != "allowed");
    }
}

TEST_CASE("iptables -S: the gate fails a conditional required flow as for any other",
          "[iptables][listing][e2e]") {
    Audit a = audit(kDeployment);
    CHECK(a.exit_code == 1);
    const json& clients = a.result("client-to-server", "listing");
    CHECK(clients["fails_gate"] == true);
    // The same rules in an iptables-save dump allow the flow, and the gate passes it.
    TempDir dir;
    dir.write("router.rules", as_dump(read_file(source_path("fixtures/iptables/listing.rules"))));
    deploy(dir, kDeployment, "dump", "router.rules");
    Audit dump = audit(dir.path("d.yaml"));
    CHECK(dump.result("client-to-server", "dump")["verdict"] == "allowed");
    CHECK(dump.result("client-to-server", "dump")["fails_gate"] == false);
}

TEST_CASE("iptables -S: one located warning per file says what a listing proves",
          "[iptables][listing][e2e]") {
    Audit a = audit(kDeployment);
    const json& warnings = a.firewall("listing")["warnings"];
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0]["location"] == "fixtures/iptables/listing.rules:1:1");
    std::string message = warnings[0]["message"];
    CHECK(message.find("iptables -S listing shows only the filter table") != std::string::npos);
    CHECK(message.find("give iptables-save output") != std::string::npos);
    CHECK(message.find("no -P line") == std::string::npos);  // all three built-in chains are shown

    auto text = run_flowgap("audit " + kDeployment);
    CHECK(text.out.find("fixtures/iptables/listing.rules:1:1: warning: an iptables -S listing") !=
          std::string::npos);
    CHECK(text.out.find("if " + kCondition) != std::string::npos);
}

TEST_CASE("iptables -S INPUT: one chain, the others unknown, its jumps elsewhere unknown",
          "[iptables][listing][e2e]") {
    Audit a = audit(kDeployment);
    const json& fw = a.firewall("listing-input");
    REQUIRE(fw["warnings"].size() == 2);
    CHECK(fw["warnings"][0]["location"] == "fixtures/iptables/listing-input.rules:1:1");
    CHECK(fw["warnings"][0]["message"].get<std::string>().find("no -P line for FORWARD, OUTPUT") !=
          std::string::npos);
    CHECK(fw["warnings"][1]["location"] == "fixtures/iptables/listing-input.rules:5:38");
    CHECK(fw["warnings"][1]["message"] ==
          "chain 'f2b-sshd' is not in the listing: its outcome is treated as unknown");

    // Inbound to the host: INPUT is shown.
    CHECK(a.result("client-to-server", "listing-input")["verdict"] == "conditional");
    const json& console = a.result("console-to-server", "listing-input");
    CHECK(console["verdict"] == "blocked");
    CHECK(certain(console, "block")["location"] == "fixtures/iptables/listing-input.rules:6:1");
    // Outbound from the host: OUTPUT is not in the listing.
    const json& out = a.result("server-to-module", "listing-input");
    CHECK(out["verdict"] == "conditional");
    CHECK(has_condition(out, "the listing has no -P OUTPUT line: that chain's policy and rules are unknown"));
}

TEST_CASE("ip6tables -S: read in the IPv6 universe, blocks exact, allows conditional",
          "[iptables][listing][e2e]") {
    Audit a = audit(kIpv6);
    const json& console = a.result("console-to-server", "listing-ipv6");
    CHECK(console["verdict"] == "blocked");
    CHECK(certain(console, "block")["location"] == "fixtures/iptables/listing-ipv6.rules:6:1");
    const json& clients = a.result("client-to-server", "listing-ipv6");
    CHECK(clients["verdict"] == "conditional");
    CHECK(certain(clients, "allow")["location"] == "fixtures/iptables/listing-ipv6.rules:5:1");
    CHECK(has_condition(clients, kCondition));
    const json& warnings = a.firewall("listing-ipv6")["warnings"];
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0]["message"].get<std::string>().starts_with(
        "an ip6tables -S listing shows only the filter"));
    CHECK(warnings[0]["message"].get<std::string>().find("give ip6tables-save output") != std::string::npos);
}

TEST_CASE("iptables -S: exposure findings are those of the same rules in an iptables-save dump",
          "[iptables][listing][e2e]") {
    Audit a = audit(kDeployment);
    json listed = a.findings("listing-any-any");
    bool any_any = false, critical = false;
    for (const auto& f : listed) {
        any_any = any_any || (f["check"] == "any-any-rule" && f["rule"] == "FORWARD#1");
        critical = critical || (f["check"] == "exposed-server-port" && f["severity"] == "critical" &&
                                f["conditional"] == false);
    }
    CHECK(any_any);
    CHECK(critical);
    CHECK(a.result("client-to-server", "listing-any-any")["verdict"] == "conditional");

    TempDir dir;
    dir.write("any.rules", as_dump(read_file(source_path("fixtures/iptables/listing-any-any.rules"))));
    deploy(dir, kDeployment, "listing-any-any", "any.rules");
    Audit dump = audit(dir.path("d.yaml"));
    CHECK(dump.result("client-to-server", "listing-any-any")["verdict"] == "allowed");
    CHECK(dump.findings("listing-any-any") == listed);
}

TEST_CASE("iptables -S: detected as iptables, other vendors' files are not claimed", "[iptables][listing]") {
    using flowgap::parsers::detect_format;
    using flowgap::parsers::vendor_named;
    for (const char* f :
         {"listing.rules", "listing-input.rules", "listing-ipv6.rules", "listing-any-any.rules"})
        CHECK(detect_format(read_file(source_path(std::string("fixtures/iptables/") + f))) == "iptables");
    CHECK(detect_format("# iptables -S FORWARD\n-P FORWARD DROP\n-A FORWARD -j ACCEPT\n") == "iptables");
    CHECK(detect_format("-N only-a-chain\n") == "iptables");
    for (const char* f : {"netsh/tanium-server.txt", "netsh/module-server.cmd", "paloalto/dc-fw.xml"}) {
        INFO(f);
        CHECK_FALSE(
            vendor_named("iptables")->looks_like(read_file(source_path(std::string("fixtures/") + f))));
    }
    // PowerShell's continuation lines start with a dash too, but never with `-A ` after the first line.
    CHECK_FALSE(
        vendor_named("iptables")
            ->looks_like(
                "New-NetFirewallRule -DisplayName \"Tanium\" `\n    -Direction Inbound -Action Allow\n"));
    CHECK_FALSE(vendor_named("iptables")->looks_like("-P INPUT DROP\nhello\n"));
    CHECK_FALSE(vendor_named("iptables")->looks_like("# only a comment\n"));
}

TEST_CASE("iptables -S: what a listing cannot be is an error at its line", "[iptables][listing]") {
    using namespace flowgap::testing::iptables;
    struct Case {
        const char* text;
        uint32_t line, column;
        const char* message;
    };
    const Case cases[] = {
        {"-P INPUT DROP\n*filter\n", 2, 1,
         "iptables-save syntax in an iptables -S listing: give one or the other"},
        {"-P INPUT DROP\n-A INPUT -j ACCEPT\nCOMMIT\n", 3, 1,
         "iptables-save syntax in an iptables -S listing: give one or the other"},
        {"-P PREROUTING ACCEPT\n-A PREROUTING -j DNAT --to-destination 10.0.0.1\n", 1, 4,
         "'PREROUTING' is not a chain of the filter table: a listing of another table (iptables -t TABLE "
         "-S)? "
         "flowgap needs the filter table"},
        {"-P INPUT DROP\n-A INPUT -s 10.0.0.300 -j ACCEPT\n", 2, 13, "bad address '10.0.0.300'"},
    };
    for (const auto& c : cases) {
        INFO(c.text);
        try {
            parse(c.text);
            FAIL("no InputError");
        } catch (const InputError& e) {
            CHECK(e.location().line == c.line);
            CHECK(e.location().column == c.column);
            CHECK(e.message() == c.message);
        }
    }
}

TEST_CASE("iptables -S: the model keeps blocks certain and puts a possible block before each allow",
          "[iptables][listing]") {
    using namespace flowgap::testing::iptables;
    auto fw = parse(
        "-P INPUT ACCEPT\n-P FORWARD DROP\n-P OUTPUT ACCEPT\n"
        "-A FORWARD -s 10.20.0.0/16 -p tcp -m tcp --dport 17472 -j ACCEPT\n"
        "-A FORWARD -p tcp -m tcp --dport 22 -j DROP\n");
    REQUIRE(fw.rule_count == 2);
    const Policy& forward = policy(fw, "FORWARD");
    REQUIRE(forward.rules.size() == 3);
    CHECK(forward.rules[0].action == Action::block);
    CHECK(forward.rules[0].match.empty());
    CHECK((forward.rules[0].may_match - forward.rules[1].match).empty());
    CHECK((forward.rules[1].match - forward.rules[0].may_match).empty());
    CHECK(forward.rules[1].name == "FORWARD#1");
    CHECK(forward.rules[1].location.line == 4);
    CHECK(forward.rules[2].name == "FORWARD#2");

    auto allowed = evaluate(forward, tcp("10.20.1.1", "10.10.1.10", 17472));
    CHECK(allowed.verdict == Verdict::conditional);
    CHECK(allowed.allowed.empty());
    CHECK(decider(allowed)->name == "FORWARD#1");
    auto dropped = evaluate(forward, tcp("10.20.1.1", "10.10.1.10", 22));
    CHECK(dropped.verdict == Verdict::blocked);
    REQUIRE(dropped.decisions.size() == 1);
    CHECK(dropped.decisions[0].rule->location.line == 5);
    auto policy_drop = evaluate(forward, tcp("10.30.1.1", "10.10.1.10", 17472));
    CHECK(policy_drop.verdict == Verdict::blocked);
    CHECK(policy_drop.decisions.at(0).rule->location.line == 2);

    // A chain policy ACCEPT in a listing is conditional too, at its -P line.
    const Policy& input = policy(fw, "INPUT");
    auto in = evaluate(input, tcp("10.20.1.1", "10.10.1.10", 17472));
    CHECK(in.verdict == Verdict::conditional);
    CHECK(in.decisions.at(0).rule->location.line == 1);
    CHECK(in.decisions.at(0).rule->conditions.at(0) == kCondition);
}
