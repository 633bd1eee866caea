#include <catch2/catch.hpp>

#include "analysis/checks.hpp"
#include "tests/support/deployment.hpp"
#include "tests/support/e2e.hpp"
#include "tests/support/model.hpp"

using namespace flowgap::analysis;
using flowgap::testing::TempDir;
using namespace flowgap::testing;

namespace {

Rule allow(std::string name, FlowSpace match) {
    return rule(std::move(name), Action::allow, std::move(match));
}

struct Setup {
    TempDir dir;
    Deployment d;
    std::vector<Firewall> firewalls;
    std::vector<Finding> findings;

    Setup(const std::string& extra_yaml, std::vector<Firewall> fws) : firewalls(std::move(fws)) {
        dir.write("a.rules", "");
        d = load_deployment(dir.write("d.yaml", standard_deployment() + R"(firewalls:
  - name: fw
    config: a.rules
)" + extra_yaml));
        Audit audit = run_audit(d, firewalls);
        findings = run_checks(d, firewalls, audit);
    }
    std::vector<const Finding*> of(std::string_view check) const {
        std::vector<const Finding*> out;
        for (const auto& f : findings) {
            if (f.check == check) out.push_back(&f);
        }
        return out;
    }
};

Firewall transit(std::vector<Rule> rules, Action default_action = Action::block) {
    Firewall fw;
    fw.policies.push_back(policy(Direction::transit, default_action, std::move(rules)));
    return fw;
}

}  // namespace

TEST_CASE("a client port open to the internet is a critical exposure, the needed part named", "[checks]") {
    Setup s("", {transit({allow("open-17472", tcp_to("any", "10.10.1.10", "17472"))})});
    auto found = s.of("exposed-server-port");
    REQUIRE(found.size() == 1);
    const Finding& f = *found[0];
    CHECK(f.severity == Severity::critical);
    CHECK(f.rule->name == "open-17472");
    CHECK(!f.excess.sources().contains(*Address::parse("10.20.5.5")));  // endpoints are needed
    CHECK(f.excess.sources().contains(*Address::parse("8.8.8.8")));
    CHECK(f.needed.sources() == addr("10.20.0.0/16"));
    CHECK(f.excess.destinations() == addr("10.10.1.10"));
    CHECK(f.excess.dports().str() == "17472");
}

TEST_CASE("a rule that admits only what Tanium needs is not reported", "[checks]") {
    Setup s("", {transit({allow("clients", tcp_to("10.20.0.0/16", "10.10.1.10", "17472")),
                          allow("console", tcp_to("10.99.0.0/24", "10.10.1.10", "443")),
                          allow("modules", tcp_to("10.10.1.10", "10.10.1.20", "17477")),
                          allow("db", tcp_to("10.10.1.10", "10.10.1.30", "1433")),
                          allow("updates", tcp_to("10.10.1.10,10.10.1.20", "203.0.113.80", "443"))})});
    CHECK(s.findings.empty());
}

TEST_CASE("each exposure check reports its own excess", "[checks]") {
    Setup s("", {transit({
                    allow("branch-web", tcp_to("10.20.0.0/16", "10.10.1.0/24", "443")),
                    allow("mods", tcp_to("10.0.0.0/8", "10.10.1.20", "17477")),
                    allow("sql", tcp_to("10.0.0.0/8", "10.10.1.30", "1433")),
                    allow("out", tcp_to("10.10.1.10", "any", "17472")),
                    allow("peers", tcp_to("10.20.0.0/16", "10.20.0.0/16", "17472")),
                    allow("http", tcp_to("10.10.1.0/24", "203.0.113.80", "80")),
                })});
    REQUIRE(s.of("exposed-console").size() == 1);
    CHECK(s.of("exposed-console")[0]->rule->name == "branch-web");
    CHECK(s.of("exposed-console")[0]->needed.empty());
    REQUIRE(s.of("exposed-module-port").size() == 1);
    CHECK(s.of("exposed-module-port")[0]->excess.sources() == addr("10.0.0.0/8") - addr("10.10.1.10"));
    REQUIRE(s.of("exposed-database").size() == 1);
    CHECK(s.of("exposed-database")[0]->needed.sources() == addr("10.10.1.10"));
    REQUIRE(s.of("outbound-server-port").size() == 1);
    CHECK(s.of("outbound-server-port")[0]->severity == Severity::medium);
    REQUIRE(s.of("cross-lan-peering").size() == 1);
    Packet cross = *s.of("cross-lan-peering")[0]->excess.example();
    CHECK((cross.src.v4_value() >> 8) != (cross.dst.v4_value() >> 8));  // different /24s
    CHECK(s.of("cross-lan-peering")[0]->needed.contains(
        Packet{*Address::parse("10.20.5.1"), *Address::parse("10.20.5.2"), protocol::tcp, 17472, 50000}));
    REQUIRE(s.of("plain-http-egress").size() == 1);
    CHECK(s.of("plain-http-egress")[0]->severity == Severity::info);
    CHECK(s.of("any-any-rule").empty());
}

TEST_CASE("an allow-everything default is an any-any rule", "[checks]") {
    Setup s("", {transit({}, Action::allow)});
    REQUIRE(s.of("any-any-rule").size() == 1);
    CHECK(s.of("any-any-rule")[0]->rule->name == "default");
    CHECK(s.of("exposed-server-port")[0]->severity == Severity::critical);
}

TEST_CASE("host firewalls are checked on what reaches the host, not on what it sends", "[checks]") {
    Firewall host;
    host.policies.push_back(
        policy(Direction::inbound, Action::block, {allow("peers", tcp_to("10.20.0.0/16", "any", "17472"))}));
    host.policies.push_back(policy(Direction::outbound, Action::allow, {}));
    Setup s("    host: 10.20.5.37\n", {host});
    auto found = s.of("cross-lan-peering");
    REQUIRE(found.size() == 1);
    CHECK(found[0]->needed.sources() == addr("10.20.5.0/24") - addr("10.20.5.37"));
    CHECK(found[0]->excess.destinations() == addr("10.20.5.37"));
    CHECK(s.of("any-any-rule").empty());  // OUTPUT accept-all on an endpoint exposes no Tanium host
}

TEST_CASE("a rule matching on App-ID that carries a required flow is reported", "[checks]") {
    Rule app = allow("tanium-app", FlowSpace::none());
    app.may_match = tcp_to("10.20.0.0/16", "10.10.1.10", "17472");
    app.applications = {"tanium"};
    Rule svc = allow("console", tcp_to("10.99.0.0/24", "10.10.1.10", "443"));
    Setup s("", {transit({app, svc})});
    auto found = s.of("app-id-rule");
    REQUIRE(found.size() == 1);
    CHECK(found[0]->rule->name == "tanium-app");
    CHECK(found[0]->flows == std::vector<std::string>{"client-to-server"});
    CHECK(found[0]->severity == Severity::high);  // the only rule allowing client-to-server
    CHECK(found[0]->message.find("tanium") != std::string::npos);
}

TEST_CASE("appliance management and the local database are checked on appliances", "[checks]") {
    Setup s("platform: appliance\n", {transit({allow("ssh", tcp_to("10.0.0.0/8", "10.10.1.10", "22")),
                                               allow("pg", tcp_to("10.10.1.20", "10.10.1.10", "5432"))})});
    REQUIRE(s.of("exposed-management").size() == 1);
    CHECK(s.of("exposed-management")[0]->excess.sources().contains(*Address::parse("10.20.1.1")));
    REQUIRE(s.of("exposed-database").size() == 1);
    CHECK(s.of("exposed-database")[0]->rule->name == "pg");
}

TEST_CASE("a rule that matches all of one family is any-any only for Tanium hosts of that family",
          "[checks]") {
    Rule v6_all =
        allow("v6-all", FlowSpace::of(AddressSet::all_v6(), AddressSet::all_v6(), ProtocolSet::all()) |
                            tcp_to("10.20.0.0/16", "10.10.1.10", "17472"));
    Setup s("", {transit({v6_all})});
    CHECK(s.of("any-any-rule").empty());
    Setup t("", {transit({allow("v4-all", FlowSpace::of(AddressSet::all_v4(), AddressSet::all_v4(),
                                                        ProtocolSet::all()))})});
    CHECK(t.of("any-any-rule").size() == 1);
}
