// The public PAN-OS corpus (../shared/corpus/paloalto), read in place: every file parses, rule
// counts, resolved members and the Panorama evaluation order are pinned.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <catch2/catch.hpp>

#include "tests/support/paloalto.hpp"

using namespace flowgap::testing::paloalto;

namespace {

const std::string kCorpus = FLOWGAP_SOURCE_DIR "/../shared/corpus/paloalto";

bool have_corpus() {
    if (std::filesystem::is_directory(kCorpus)) return true;
    WARN("corpus not found at " << kCorpus << "; skipped");
    return false;
}

Firewall load(const std::string& file, const flowgap::parsers::ParseOptions& o = {}) {
    std::ifstream in(kCorpus + "/" + file, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return parse_text(ss.str(), o, file);
}

std::vector<std::string> rule_names(const Policy& p) {
    std::vector<std::string> out;
    for (const auto& r : p.rules)
        out.push_back(r.name);
    return out;
}

}  // namespace

TEST_CASE("every corpus file parses, with its security rules counted", "[paloalto][corpus]") {
    if (!have_corpus()) return;
    // Rules as written (disabled ones included), per file.
    const std::map<std::string, size_t> expected = {
        {"awsgwlb_overlay_vmseries_10.2.3_bootstrap.xml", 1},
        {"azure_eastwest_vmseries_8.1_bootstrap.xml", 1},
        {"batfish_nested_destination-nat-panorama.txt", 1},
        {"batfish_nested_nat-match-noop-rules.txt", 1},
        {"batfish_set_device-group-shared-inheritance.txt", 5},
        {"batfish_set_move-rulebase-security.txt", 7},
        {"batfish_set_panorama-rulebase-copy.txt", 2},
        {"batfish_set_security-rules.txt", 4},
        {"camcuoi_pa_9.0_running-config_cis_lab.xml", 10},
        {"cybexp_pa_9.0_running-config.xml", 15},
        {"devdaygwlb_vmseries_10.0_bootstrap.xml", 5},
        {"firewiseai_pa_11.1.6_running-config.xml", 0},
        {"gabrielmontiel_pa_10.1.7_running-config.xml", 6},
        {"gcp_autoscale_vmseries_8.1_bootstrap.xml", 3},
        {"ironskillet_v10.1_panorama_full_mgmt-static.xml", 0},
        {"ironskillet_v10.1_panorama_full_set-commands.txt", 2},
        {"ironskillet_v10.1_panos_full_mgmt-static.xml", 0},
        {"ironskillet_v10.1_panos_full_set-commands.txt", 2},
        {"ironskillet_v8.0_panos_full_mgmt-static.xml", 3},
        {"l100lab_vmseries_10.1.3_bootstrap.xml", 1},
        {"panosphp_panorama-6.0-example.xml", 6},
        {"panosphp_panorama-8.1.xml", 9},
        {"panosphp_panos-5.0-example-2.xml", 4},
        {"panosphp_panos-6.1-policy-best-practices.xml", 23},
        {"panosphp_panos-8.0_appid-toolbox-stage00.xml", 58},
        {"saute_panorama_10.2.3_api-response.xml", 16},
    };
    // A Prisma Access (cloud) base config has no vsys, device group or shared rulebase: nothing
    // flowgap can evaluate, so it is refused as a wrong export rather than read as "no filter".
    const std::string refused = "panosphp_prisma-fawkes-10.0-baseconfig.xml";
    size_t seen = 0;
    for (const auto& f : std::filesystem::directory_iterator(kCorpus)) {
        std::string name = f.path().filename().string();
        INFO(name);
        REQUIRE(flowgap::parsers::paloalto::looks_like([&] {
            std::ifstream in(f.path(), std::ios::binary);
            std::stringstream ss;
            ss << in.rdbuf();
            return ss.str();
        }()));
        if (name == refused) {
            ++seen;
            CHECK_THROWS_WITH(load(name), Catch::Contains("no vsys, device group or shared rulebase"));
            continue;
        }
        Firewall fw = load(name);
        ++seen;
        REQUIRE(expected.count(name));
        CHECK(fw.rule_count == expected.at(name));
        for (const auto& w : fw.warnings)
            CHECK(*w.location.file == name);
        for (const auto& p : fw.policies)
            for (const auto& r : p.rules)
                CHECK((r.match.empty() || r.may_match.empty() || !r.match.intersects(r.may_match)));
    }
    CHECK(seen == expected.size() + 1);
}

TEST_CASE("corpus: a set-format firewall resolves zones and services", "[paloalto][corpus]") {
    if (!have_corpus()) return;
    Firewall fw = load("batfish_set_security-rules.txt");
    const Policy& p = only_policy(fw);
    CHECK(rule_names(p) == std::vector<std::string>{"BLOCK_TCP_1234", "PERMIT_TCP_1234", "33rd_RULE",
                                                    "intrazone-default", "interzone-default"});
    const Rule* permit = find_rule(p, "PERMIT_TCP_1234");
    CHECK(permit->location.str() == "batfish_set_security-rules.txt:37");
    CHECK(permit->match.dports().str() == "1234");
    CHECK(permit->match.destinations().str() == "10.0.2.0/24, 10.0.4.0/23");  // zones z2 and z4
    CHECK(permit->text.starts_with("set rulebase security rules PERMIT_TCP_1234 from any"));
    // z1 to z2 on tcp/1234: allowed by PERMIT_TCP_1234; to z3: BLOCK_TCP_1234 comes first.
    CHECK(decide(fw, packet("10.0.1.5", "10.0.2.5", 6, 1234)).rule == "PERMIT_TCP_1234");
    CHECK(decide(fw, packet("10.0.1.5", "10.0.3.5", 6, 1234)).verdict == Verdict::blocked);
}

TEST_CASE("corpus: move lines reorder set-format rules", "[paloalto][corpus]") {
    if (!have_corpus()) return;
    flowgap::parsers::ParseOptions o;
    o.vsys = "vsys1";
    Policy p = only_policy(load("batfish_set_move-rulebase-security.txt", o));
    CHECK(rule_names(p) == std::vector<std::string>{"RULE3", "RULE4", "RULE1", "RULE5", "RULE2",
                                                    "intrazone-default", "interzone-default"});
    o.vsys = "MY_VSYS";
    p = only_policy(load("batfish_set_move-rulebase-security.txt", o));
    CHECK(rule_names(p)[0] == "RULE7");
}

TEST_CASE("corpus: Panorama evaluation order follows the device-group hierarchy", "[paloalto][corpus]") {
    if (!have_corpus()) return;
    flowgap::parsers::ParseOptions o;
    o.device_group = "spain";  // child of europe
    Firewall fw = load("gabrielmontiel_pa_10.1.7_running-config.xml", o);
    const Policy& p = only_policy(fw);
    // shared pre, europe pre (parent), spain pre (child); no post rules; then the defaults.
    std::vector<std::string> names = rule_names(p);
    CHECK(names == std::vector<std::string>{"Test Shared-1", "Test Shared", "Test Shared-1-1",
                                            "Test Shared-1-2", "intrazone-default", "interzone-default"});
    CHECK(p.rules[2].location.line == 176);
    CHECK(p.rules[3].location.line == 233);

    Firewall inherit = load("batfish_set_device-group-shared-inheritance.txt");
    const Policy& q = only_policy(inherit);
    CHECK(rule_names(q) == std::vector<std::string>{"PRE_RULE_SHARED", "PRE_RULE_DG", "POST_RULE_DG",
                                                    "2nd_POST_RULE_DG", "POST_RULE_SHARED",
                                                    "intrazone-default", "interzone-default"});
    // The shared rule's ADDR2-override resolves in the device group first.
    CHECK(q.rules[0].may_match.sources().str() == "192.168.1.2");
}

TEST_CASE("corpus: an unknown device group is a located error naming the choices", "[paloalto][corpus]") {
    if (!have_corpus()) return;
    flowgap::parsers::ParseOptions o;
    o.device_group = "asia";
    CHECK_THROWS_WITH(
        load("gabrielmontiel_pa_10.1.7_running-config.xml", o),
        Catch::Contains("device group 'asia'") && Catch::Contains("europe, spain, america, usa"));
}
