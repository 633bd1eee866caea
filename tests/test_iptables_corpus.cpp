// The iptables parser on the shared corpus of real dumps and the reference samples: each parses
// without an InputError, every warning is located, and a few rule counts are pinned (counted
// with grep -cE '^(\[[0-9]+:[0-9]+\] )?(-[46] )?-[AI] ').
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "tests/support/e2e.hpp"
#include "tests/support/iptables.hpp"

using namespace flowgap::testing::iptables;
namespace fs = std::filesystem;

namespace {

std::shared_ptr<const std::string> read(const fs::path& p) {
    return std::make_shared<const std::string>(flowgap::testing::read_file(p));
}

Firewall parse_path(const fs::path& p) {
    return flowgap::parsers::iptables::parse(std::make_shared<const std::string>(p.filename().string()),
                                             read(p), {});
}

void check_located(const Firewall& fw) {
    for (const auto& w : fw.warnings) {
        INFO(w.str());
        REQUIRE(w.location.line > 0);
    }
    for (const auto& p : fw.policies) {
        for (const auto& r : p.rules) {
            INFO(r.name);
            REQUIRE(r.location.line > 0);
            REQUIRE(r.location.column > 0);
            REQUIRE_FALSE(r.text.empty());
        }
    }
}

// The filter table's chains are always there, once each, in their directions (the other
// tables add policies of their own where they can stop a packet).
void check_filter_policies(const Firewall& fw) {
    for (auto [name, direction] :
         {std::pair{"INPUT", Direction::inbound}, std::pair{"OUTPUT", Direction::outbound},
          std::pair{"FORWARD", Direction::transit}}) {
        INFO(name);
        size_t n = 0;
        for (const auto& p : fw.policies)
            n += p.name == name;
        REQUIRE(n == 1);
        REQUIRE(policy(fw, name).direction == direction);
    }
}

}  // namespace

TEST_CASE("iptables corpus: every dump parses, warnings are located, counts match", "[iptables]") {
    fs::path dir = FLOWGAP_SOURCE_DIR "/../shared/corpus/iptables";
    if (!fs::is_directory(dir)) {
        WARN("corpus absent: " << dir.string() << " (test skipped)");
        SUCCEED();
        return;
    }
    const std::map<std::string, size_t> pinned = {
        {"tum_net_university_fw_2015-09-03_5k-rules.rules", 4973},
        {"medium_company_stateful_2016.rules", 598},
        {"gopherproxy_blocklist_2015.rules", 263},
        {"batfish_z1-firewall_mangle-only_handmade.rules", 3},
        {"parser_test_mixed_syntax.rules", 43},
        {"synology_nas_ip6tables-save_2016.rules", 47},
    };
    size_t files = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (!entry.is_regular_file()) continue;
        std::string name = entry.path().filename().string();
        INFO(name);
        ++files;
        Firewall fw;
        REQUIRE_NOTHROW(fw = parse_path(entry.path()));
        check_located(fw);
        if (auto it = pinned.find(name); it != pinned.end()) REQUIRE(fw.rule_count == it->second);
        check_filter_policies(fw);
        if (name.find("mangle-only") != std::string::npos) {
            // Without a filter table nothing says the kernel's is empty: conditional, not open.
            REQUIRE_FALSE(fw.warnings.empty());
            for (const auto& p : fw.policies) {
                if (p.direction != Direction::transit) continue;
                INFO(p.name);
                auto v = evaluate(p, tcp("10.0.4.5", "10.10.1.10", 17472)).verdict;
                CHECK(v != Verdict::allowed);
            }
            REQUIRE(evaluate(policy(fw, "FORWARD"), tcp("10.0.4.5", "10.10.1.10", 17472)).verdict ==
                    Verdict::conditional);
            REQUIRE(evaluate(policy(fw, "mangle PREROUTING"), tcp("10.0.9.5", "10.10.1.10", 17472)).verdict ==
                    Verdict::blocked);
        }
    }
    REQUIRE(files >= 18);
}

TEST_CASE("iptables corpus: the synthetic samples parse", "[iptables]") {
    fs::path dir = FLOWGAP_SOURCE_DIR "/../shared/reference/samples";
    if (!fs::is_directory(dir)) {
        WARN("samples absent: " << dir.string() << " (test skipped)");
        SUCCEED();
        return;
    }
    size_t files = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        std::string name = entry.path().filename().string();
        auto ext = entry.path().extension().string();
        bool dump =
            ext == ".v4" || ext == ".v6" || flowgap::parsers::iptables::looks_like(*read(entry.path()));
        if (!entry.is_regular_file() || !dump) continue;
        INFO(name);
        ++files;
        if (name == "iptables-nft-save-with-legacy-warning.v4") {
            // An excerpt cut after `:INPUT DROP`: the filter table never reaches COMMIT, so the
            // dump is truncated and must not be trusted.
            REQUIRE_THROWS_AS(parse_path(entry.path()), InputError);
            continue;
        }
        Firewall fw;
        REQUIRE_NOTHROW(fw = parse_path(entry.path()));
        check_located(fw);
        check_filter_policies(fw);
    }
    REQUIRE(files >= 7);
}

TEST_CASE("iptables corpus: pinned verdicts on the samples", "[iptables]") {
    fs::path file = FLOWGAP_SOURCE_DIR "/../shared/reference/samples/iptables-legacy-save-c.v4";
    if (!fs::exists(file)) {
        WARN("sample absent: " << file.string() << " (test skipped)");
        SUCCEED();
        return;
    }
    auto fw = parse_path(file);
    REQUIRE(fw.rule_count == 36);
    const Policy& input = policy(fw, "INPUT");
    REQUIRE(decider_name(input, tcp("10.1.2.3", "10.0.0.1", 22)) == "LOGDROP#2");
    // `-p tcp -m tcp ! --dport 1:1023 -j ACCEPT` allows high ports after the limit rule's maybe.
    REQUIRE(evaluate(input, tcp("192.168.1.9", "10.0.0.1", 1)).verdict != Verdict::allowed);
}
