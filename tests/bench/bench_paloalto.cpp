// Benchmark: a generated PAN-OS export (100,000 rules, 50,000 objects) parsed and audited, against
// pugixml alone parsing the same file, in one run.
//   bench_paloalto [RULES=100000] [OBJECTS=50000] [RUNS=3] [DIR=/tmp/flowgap-bench-paloalto]
// Prints the best time of each and their ratio (target: audit <= 2x pugixml).
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <pugixml.hpp>

#include "analysis/audit.hpp"
#include "parsers/parse.hpp"
#include "tests/support/deployment.hpp"

namespace {

const char* const kZones[] = {"servers", "branches", "admin", "untrust"};

std::string host(std::mt19937& rng) {
    return fmt::format("172.{}.{}.{}", 16 + rng() % 16, rng() % 256, rng() % 254 + 1);
}

void objects(std::ostream& out, std::mt19937& rng, size_t count, size_t& addresses, size_t& groups,
             size_t& services) {
    services = count / 25, groups = count / 25, addresses = count - services - groups;
    out << "<address>\n";
    for (size_t i = 0; i < addresses; ++i) {
        std::string v = i % 4 == 0 ? fmt::format("192.168.{}.0/24", i / 4 % 256) : host(rng);
        out << fmt::format("<entry name=\"a{}\"><ip-netmask>{}</ip-netmask></entry>\n", i, v);
    }
    out << "</address>\n<address-group>\n";
    for (size_t g = 0; g < groups; ++g) {
        // One group of 5,000 members: big groups must build in one pass.
        size_t n = g == 0 ? 5000 : 2 + rng() % 12;
        out << fmt::format("<entry name=\"g{}\"><static>", g);
        for (size_t k = 0; k < n; ++k)
            out << fmt::format("<member>a{}</member>", rng() % addresses);
        out << "</static></entry>\n";
    }
    out << "</address-group>\n<service>\n";
    for (size_t s = 0; s < services; ++s) {
        const char* proto = s % 5 == 0 ? "udp" : "tcp";
        out << fmt::format(
            "<entry name=\"s{}\"><protocol><{}><port>{},{}-{}</port></{}></protocol></entry>\n", s, proto,
            1 + rng() % 10000, 20000 + s, 20000 + s + rng() % 50, proto);
    }
    out << "</service>\n";
}

std::string rule(std::mt19937& rng, size_t i, size_t addresses, size_t groups, size_t services) {
    auto member = [&](std::string v) { return "<member>" + v + "</member>"; };
    std::string src =
        member(rng() % 3 ? fmt::format("a{}", rng() % addresses) : fmt::format("g{}", rng() % groups));
    if (rng() % 4 == 0) src += member(fmt::format("a{}", rng() % addresses));
    std::string dst = member(fmt::format("a{}", rng() % addresses));
    std::string svc = rng() % 10 == 0 ? "application-default" : fmt::format("s{}", rng() % services);
    std::string app = rng() % 10 == 0 ? "ssl" : "any";
    return fmt::format(
        "<entry name=\"rule-{}\" uuid=\"00000000-0000-4000-8000-{:012}\">\n<from>{}</from>\n<to>{}</to>\n"
        "<source>{}</source>\n<destination>{}</destination>\n<source-user><member>any</member></"
        "source-user>\n"
        "<category><member>any</member></category>\n<application><member>{}</member></application>\n"
        "<service><member>{}</member></service>\n<action>{}</action>\n<log-end>yes</log-end>\n{}</entry>\n",
        i, i, member(kZones[rng() % 4]), member(kZones[rng() % 4]), src, dst, app, svc,
        rng() % 7 == 0 ? "deny" : "allow", rng() % 20 == 0 ? "<disabled>yes</disabled>\n" : "");
}

void generate(const std::filesystem::path& dir, size_t rules, size_t object_count) {
    std::filesystem::create_directories(dir);
    std::mt19937 rng(20261127);
    std::ofstream out(dir / "fw.xml", std::ios::binary);
    out << R"(<?xml version="1.0"?>
<config version="10.2.0"><devices><entry name="localhost.localdomain">
<network><interface><ethernet>
<entry name="ethernet1/1"><layer3><ip><entry name="10.10.1.1/24"/></ip></layer3></entry>
<entry name="ethernet1/2"><layer3><ip><entry name="10.20.0.1/16"/></ip></layer3></entry>
<entry name="ethernet1/3"><layer3><ip><entry name="10.99.0.1/24"/></ip></layer3></entry>
<entry name="ethernet1/4"><layer3><ip><entry name="203.0.113.1/24"/></ip></layer3></entry>
</ethernet></interface>
<virtual-router><entry name="default"><routing-table><ip><static-route>
<entry name="default"><nexthop><ip-address>203.0.113.254</ip-address></nexthop><destination>0.0.0.0/0</destination></entry>
</static-route></ip></routing-table></entry></virtual-router></network>
<vsys><entry name="vsys1">
<zone>
<entry name="servers"><network><layer3><member>ethernet1/1</member></layer3></network></entry>
<entry name="branches"><network><layer3><member>ethernet1/2</member></layer3></network></entry>
<entry name="admin"><network><layer3><member>ethernet1/3</member></layer3></network></entry>
<entry name="untrust"><network><layer3><member>ethernet1/4</member></layer3></network></entry>
</zone>
)";
    size_t addresses = 0, groups = 0, services = 0;
    objects(out, rng, object_count, addresses, groups, services);
    out << "<rulebase><security><rules>\n";
    for (size_t i = 0; i < rules; ++i)
        out << rule(rng, i, addresses, groups, services);
    out << "</rules></security></rulebase>\n</entry></vsys></entry></devices></config>\n";
    // Its own content host, as before: the audit measured stays the one docs/performance.md reports.
    std::ofstream(dir / "deployment.yaml")
        << flowgap::testing::standard_deployment({{"internet", "[198.51.100.80]"}}) << R"(firewalls:
  - {name: fw, config: fw.xml}
)";
}

template <typename F>
double best_of(int runs, F&& f) {
    double best = 1e9;
    for (int i = 0; i < runs; ++i) {
        auto t0 = std::chrono::steady_clock::now();
        f();
        best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    return best;
}

}  // namespace

int main(int argc, char** argv) {
    size_t rules = argc > 1 ? std::stoul(argv[1]) : 100000;
    size_t objects = argc > 2 ? std::stoul(argv[2]) : 50000;
    int runs = argc > 3 ? std::stoi(argv[3]) : 3;
    std::filesystem::path dir = argc > 4 ? argv[4] : "/tmp/flowgap-bench-paloalto";
    generate(dir, rules, objects);
    std::string file = (dir / "fw.xml").string();
    auto size_mb = static_cast<double>(std::filesystem::file_size(file)) / 1e6;

    // pugixml alone: read the file and build the DOM, as the parser's first step does.
    double xml = best_of(runs, [&] {
        std::ifstream in(file, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        std::string text = std::move(ss).str();
        pugi::xml_document doc;
        if (!doc.load_buffer(text.data(), text.size())) throw std::runtime_error("pugixml failed");
    });
    size_t policy_rules = 0, decided = 0;
    double audit = best_of(runs, [&] {
        auto d = flowgap::analysis::load_deployment((dir / "deployment.yaml").string());
        std::vector<flowgap::analysis::Firewall> fws;
        fws.push_back(flowgap::parsers::parse_file(d.firewalls[0].config_paths.front(), "fw.xml", "", {}));
        auto a = flowgap::analysis::run_audit(d, fws);
        policy_rules = fws[0].policies[0].rules.size();
        decided = a.results.size();
    });
    fmt::print("input: {} rules, {} objects, {:.1f} MB ({} rules in the policy, {} flow results)\n", rules,
               objects, size_mb, policy_rules, decided);
    fmt::print("pugixml alone:        {:.3f} s\n", xml);
    fmt::print("parse + audit:        {:.3f} s\n", audit);
    fmt::print("ratio:                {:.2f}x (target <= 2x)\n", audit / xml);
    return 0;
}
