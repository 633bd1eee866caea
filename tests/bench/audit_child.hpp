// Runs `flowgap audit DIR/deployment.yaml` as a child process and reads its own accounting:
// wall time, CPU time (user + system) and peak RSS from wait4, so a benchmark measures the real
// command and not the process that generated its input.
#pragma once

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>

namespace flowgap::bench {

struct AuditRun {
    double seconds;      // wall
    double cpu_seconds;  // user + system: what one core spent, whatever else the machine ran
    double max_rss_mb;
    int status;  // exit code; 0 or 1 are reports, anything else a failure
    bool ok() const { return status == 0 || status == 1; }
};

inline AuditRun run_audit_child(const std::filesystem::path& dir) {
    auto start = std::chrono::steady_clock::now();
    pid_t pid = fork();
    if (pid == 0) {
        std::string deployment = (dir / "deployment.yaml").string(), out = (dir / "report.json").string();
        execl(FLOWGAP_BINARY, "flowgap", "audit", deployment.c_str(), "--format", "json", "--output",
              out.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    auto secs = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    return {elapsed.count(), secs(usage.ru_utime) + secs(usage.ru_stime),
            static_cast<double>(usage.ru_maxrss) * 1024.0 / 1e6,
            WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

}  // namespace flowgap::bench
