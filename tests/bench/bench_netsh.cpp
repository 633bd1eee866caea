// Benchmark: a generated `netsh advfirewall firewall show rule name=all verbose` dump of 20,000
// rules plus `show allprofiles`, saved as Windows PowerShell's `>` writes it (UTF-16LE with a
// BOM, CRLF), parsed in process and then audited end to end by the real binary.
//   bench_netsh [RULES=20000] [RUNS=3] [DIR=/tmp/flowgap-bench-netsh]
// MB/s are of the UTF-16 input file.

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "audit_child.hpp"

#include "parsers/netsh/netsh.hpp"
#include "tests/support/deployment.hpp"
#include "tests/support/netsh.hpp"

namespace {

std::string field(const char* label, const std::string& value) {
    return fmt::format("{:<38}{}\r\n", std::string(label) + ":", value);
}

// One verbose block: a realistic mix of directions, protocols, address lists and keywords,
// programs, profile subsets, ICMP rows, disabled and block rules.
std::string random_rule(std::mt19937& rng, size_t i) {
    static const char* const kPorts[] = {"80",   "443", "445",         "135",     "1433", "3389",
                                         "5985", "RPC", "49152-65535", "137,138", "5353", "8080"};
    static const char* const kProfiles[] = {"Domain,Private,Public", "Domain", "Private,Public", "Public"};
    static const char* const kRemote[] = {"Any", "LocalSubnet", "10.20.0.0/255.255.0.0",
                                          "192.168.1.0/24,10.1.1.1-10.1.1.20", "fe80::/64"};
    bool in = rng() % 3 != 0;
    auto kind = rng() % 10;
    std::string proto = kind < 6 ? "TCP" : kind < 9 ? "UDP" : "ICMPv4";
    std::string out = fmt::format("Rule Name:                            Generated rule {} ({}-{})\r\n", i,
                                  proto, in ? "In" : "Out");
    out += std::string(70, '-') + "\r\n";
    out += field("Description", fmt::format("Change CHG-{} for application {}", i, rng() % 500));
    out += field("Enabled", rng() % 5 == 0 ? "No" : "Yes");
    out += field("Direction", in ? "In" : "Out");
    out += field("Profiles", kProfiles[rng() % 4]);
    out += field("Grouping", fmt::format("Group {}", rng() % 50));
    out += field("LocalIP", "Any");
    out += field("RemoteIP", kRemote[rng() % 5]);
    out += field("Protocol", proto);
    if (proto == "ICMPv4") {
        out += std::string(38, ' ') + "Type    Code\r\n" + std::string(38, ' ') + "8       Any \r\n";
    } else {
        out += field("LocalPort", in ? kPorts[rng() % 12] : "Any");
        out += field("RemotePort", in ? "Any" : kPorts[rng() % 12]);
    }
    out += field("Edge traversal", "No");
    out += field("Program", rng() % 2 ? fmt::format("C:\\Program Files\\App{}\\app{}.exe", rng() % 300, i % 7)
                                      : std::string("Any"));
    out += field("Service", "Any");
    out += field("InterfaceTypes", "Any");
    out += field("Security", "NotRequired");
    out += field("Rule source", "Local Setting");
    out += field("Action", rng() % 8 == 0 ? "Block" : "Allow");
    return out + "\r\n";
}

void generate(const std::filesystem::path& dir, size_t rules) {
    std::filesystem::create_directories(dir);
    std::mt19937 rng(20261127);
    std::string text = "\r\n";
    for (size_t i = 0; i < rules; ++i)
        text += random_rule(rng, i);
    text += "Ok.\r\n\r\n";
    for (const char* p : {"Domain", "Private", "Public"}) {
        text +=
            fmt::format("{} Profile Settings: \r\n{}\r\n{:<38}ON\r\n{:<38}BlockInbound,AllowOutbound\r\n\r\n",
                        p, std::string(70, '-'), "State", "Firewall Policy");
    }
    text += "Ok.\r\n";
    std::ofstream(dir / "server.txt", std::ios::binary) << flowgap::testing::netsh::utf16le(text);
    // No content host, as before: the audit measured stays the one docs/performance.md reports.
    std::ofstream(dir / "deployment.yaml")
        << flowgap::testing::standard_deployment({{"internet", ""}}) << R"(firewalls:
  - {name: server, config: server.txt, host: 10.10.1.10}
)";
}

double parse_seconds(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    auto content = std::make_shared<const std::string>(std::move(s).str());
    auto start = std::chrono::steady_clock::now();
    auto fw = flowgap::parsers::netsh::parse(std::make_shared<const std::string>(file.string()), content, {});
    std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    if (fw.rule_count == 0) return -1;
    return elapsed.count();
}

double audit_seconds(const std::filesystem::path& dir) {
    flowgap::bench::AuditRun r = flowgap::bench::run_audit_child(dir);
    return r.ok() ? r.seconds : -1;
}

}  // namespace

int main(int argc, char** argv) {
    size_t rules = argc > 1 ? std::stoul(argv[1]) : 20000;
    int runs = argc > 2 ? std::stoi(argv[2]) : 3;
    std::filesystem::path dir = argc > 3 ? argv[3] : "/tmp/flowgap-bench-netsh";
    generate(dir, rules);
    double mb = static_cast<double>(std::filesystem::file_size(dir / "server.txt")) / 1e6;
    fmt::print("netsh verbose dump (UTF-16LE): {} rules, {:.1f} MB ({})\n", rules, mb,
               (dir / "server.txt").string());
    double best_parse = 1e9, best_audit = 1e9;
    for (int i = 0; i < runs; ++i) {
        double p = parse_seconds(dir / "server.txt"), a = audit_seconds(dir);
        if (p < 0 || a < 0) {
            fmt::print(stderr, "parse or audit failed\n");
            return 1;
        }
        fmt::print("run {}: parse {:.3f} s ({:.0f} MB/s), flowgap audit {:.3f} s ({:.0f} MB/s)\n", i + 1, p,
                   mb / p, a, mb / a);
        best_parse = std::min(best_parse, p);
        best_audit = std::min(best_audit, a);
    }
    fmt::print("best: parse {:.0f} MB/s, parse+audit end to end {:.0f} MB/s of UTF-16 input\n",
               mb / best_parse, mb / best_audit);
    return 0;
}
