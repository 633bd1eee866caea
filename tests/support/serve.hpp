// A `flowgap serve` child process on a free loopback port, for the API tests.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/support/http_client.hpp"

namespace flowgap::testing {

class ServeProcess {
  public:
    // Starts `flowgap serve --listen 127.0.0.1:0 ARGS...` from the source folder and waits for
    // the line that says where it listens.
    explicit ServeProcess(std::vector<std::string> args, std::vector<std::string> env = {}) {
        int out[2];
        if (pipe(out) != 0) throw std::runtime_error("pipe");
        pid_ = fork();
        if (pid_ == 0) {
            dup2(out[1], STDOUT_FILENO);
            // The server logs each request on stderr: FLOWGAP_SERVE_LOG=FILE keeps it for debugging.
            const char* log = std::getenv("FLOWGAP_SERVE_LOG");
            FILE* err = std::fopen(log ? log : "/dev/null", "a");
            if (err) dup2(fileno(err), STDERR_FILENO);
            close(out[0]);
            if (chdir(FLOWGAP_SOURCE_DIR) != 0) _exit(127);
            for (auto& e : env)
                putenv(e.data());
            // FLOWGAP_SERVE_BINARY=PATH runs another build (an older one, to see which hostile
            // cases it fails); the default is this build's.
            const char* other = std::getenv("FLOWGAP_SERVE_BINARY");
            std::string binary = other ? other : FLOWGAP_BINARY;
            std::vector<std::string> all = {binary, "serve", "--listen", "127.0.0.1:0"};
            all.insert(all.end(), args.begin(), args.end());
            std::vector<char*> argv;
            for (auto& a : all)
                argv.push_back(a.data());
            argv.push_back(nullptr);
            execv(binary.c_str(), argv.data());
            _exit(127);
        }
        close(out[1]);
        out_ = fdopen(out[0], "r");
        char line[256] = {};
        if (out_ && std::fgets(line, sizeof line, out_)) first_line_ = line;
        auto at = first_line_.find("http://127.0.0.1:");
        if (at != std::string::npos) port_ = std::stoi(first_line_.substr(at + 17));
    }
    ~ServeProcess() {
        if (pid_ > 0) {
            kill(pid_, SIGTERM);
            int status = 0;
            waitpid(pid_, &status, 0);
        }
        if (out_) std::fclose(out_);
    }
    ServeProcess(const ServeProcess&) = delete;
    ServeProcess& operator=(const ServeProcess&) = delete;

    int port() const { return port_; }  // 0: the server did not start
    const std::string& first_line() const { return first_line_; }
    HttpClient client() const { return HttpClient(port_); }
    pid_t pid() const { return pid_; }
    // The exit status once the server has stopped by itself (for the refusals).
    int wait_exit() {
        int status = 0;
        waitpid(pid_, &status, 0);
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

  private:
    pid_t pid_ = -1;
    FILE* out_ = nullptr;
    std::string first_line_;
    int port_ = 0;
};

}  // namespace flowgap::testing
