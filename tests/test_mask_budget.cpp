// Hostile input: dumps of non-contiguous masks, each of which would expand to 65,536 intervals.
// Through the built binary: the audit ends normally, in bounded memory, with the rules
// conditional and a located warning, never exit 3 (a 19 KB dump once needed 6 GB).
#include <catch2/catch.hpp>

#include <sys/resource.h>

#include <string>

#include <fmt/format.h>

#include "tests/support/e2e.hpp"

using flowgap::testing::TempDir;

namespace {

const char* kRoles =
    "platform: windows\nroles:\n  server: [10.10.1.10]\n  module_server: [10.10.1.20]\n  database: "
    "[10.10.1.30]\n  console: [10.99.0.0/24]\n  endpoints: [10.20.0.0/16]\nfirewalls:\n";

// The audit, under a 3 GB address-space limit so that a regression fails instead of taking the
// machine's memory, and the largest peak RSS (in MB) of any child this test process has waited for.
struct Audit {
    flowgap::testing::RunResult run;
    long peak_mb = 0;
};

// A cap on virtual memory, so that an expansion that runs away fails fast instead of filling the
// machine. AddressSanitizer reserves terabytes of address space for its shadow at start, so under
// it the cap would stop every run; the peak RSS checked below bounds memory either way.
#if defined(__SANITIZE_ADDRESS__)
constexpr const char* kMemoryCap = "";
#else
constexpr const char* kMemoryCap = "ulimit -v 3000000; ";
#endif

Audit audit(const TempDir& dir) {
    Audit a;
    a.run = flowgap::testing::run_command(std::string(kMemoryCap) + "'" FLOWGAP_BINARY "' audit '" +
                                          dir.path("d.yaml") + "'");
    rusage usage{};
    getrusage(RUSAGE_CHILDREN, &usage);
    a.peak_mb = usage.ru_maxrss / 1024;
    return a;
}

}  // namespace

TEST_CASE("iptables: a dump of 65,536-interval masks audits in bounded memory, conditionally",
          "[iptables][e2e]") {
    TempDir dir;
    std::string dump = "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n";
    for (int i = 0; dump.size() < 19 * 1024; ++i)
        dump += fmt::format("-A INPUT -s 10.0.{}.{}/255.0.0.255 -p tcp -m tcp --dport 17472 -j ACCEPT\n",
                            i / 256, i % 256);
    dump += "COMMIT\n";
    dir.write("server.rules", dump);
    dir.write("d.yaml", std::string(kRoles) + "  - {name: srv, config: server.rules, host: 10.10.1.10}\n");
    Audit a = audit(dir);
    INFO(a.run.out.substr(0, 4000) << a.run.err.substr(0, 2000));
    CHECK((a.run.exit_code == 0 || a.run.exit_code == 1));
    CHECK(a.peak_mb < 500);
    std::string all = a.run.out + a.run.err;
    CHECK(all.find("server.rules:5:13") != std::string::npos);  // the first rule's -s argument
    CHECK(all.find("mask too fragmented to model") != std::string::npos);
    // The endpoints' connections to the server on 17472 may match the first rule (10.0.0.0/8
    // covers them): conditional, never allowed.
    CHECK(all.find("conditional    client-to-server") != std::string::npos);
    CHECK(all.find("allowed        client-to-server") == std::string::npos);
}

TEST_CASE("netsh: a script of 65,536-interval masks audits in bounded memory, conditionally",
          "[netsh][e2e]") {
    TempDir dir;
    std::string script;
    for (int i = 0; script.size() < 19 * 1024; ++i)
        script += fmt::format(
            "netsh advfirewall firewall add rule name=\"mask {}\" dir=in action=allow protocol=TCP "
            "localport=17472 remoteip=10.0.{}.{}/255.0.0.255\r\n",
            i, i / 256, i % 256);
    dir.write("server.cmd", script);
    dir.write("d.yaml", std::string(kRoles) + "  - {name: srv, config: server.cmd, host: 10.10.1.10}\n");
    Audit a = audit(dir);
    INFO(a.run.out.substr(0, 4000) << a.run.err.substr(0, 2000));
    CHECK((a.run.exit_code == 0 || a.run.exit_code == 1));
    CHECK(a.peak_mb < 500);
    std::string all = a.run.out + a.run.err;
    CHECK(all.find("rule 'mask 0': remote address '10.0.0.0/255.0.0.255' has a mask too fragmented") !=
          std::string::npos);
    CHECK(all.find("conditional    client-to-server") != std::string::npos);
    CHECK(all.find("allowed        client-to-server") == std::string::npos);
}
