// Helpers for the end-to-end tests: scratch folders, reading files, and running the built
// flowgap binary (or a shell command) from the source folder.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>

namespace flowgap::testing {

// A fresh folder under the system temp dir, removed when the test ends.
class TempDir {
  public:
    TempDir() {
        std::random_device rd;
        path_ = std::filesystem::temp_directory_path() /
                ("flowgap-test-" + std::to_string(rd()) + std::to_string(rd()));
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    std::string write(const std::string& name, const std::string& content) const {
        auto p = path_ / name;
        std::ofstream(p, std::ios::binary) << content;
        return p.string();
    }
    std::string path(const std::string& name = "") const { return (path_ / name).string(); }

  private:
    std::filesystem::path path_;
};

inline std::string source_path(const std::string& relative) {
    return std::string(FLOWGAP_SOURCE_DIR) + "/" + relative;
}

// A whole file, as bytes ("" when it cannot be read).
inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// 1-based number of the first line of `text` that contains `needle` (0 when none).
inline size_t line_of(const std::string& text, const std::string& needle) {
    std::istringstream in(text);
    size_t n = 0;
    for (std::string line; std::getline(in, line);) {
        ++n;
        if (line.find(needle) != std::string::npos) return n;
    }
    return 0;
}

struct RunResult {
    int exit_code = -1;
    std::string out;  // standard output
    std::string err;  // standard error
};

// Runs a shell command: its standard output, its standard error and its exit code.
inline RunResult run_command(const std::string& command) {
    TempDir tmp;
    std::string err_file = tmp.path("stderr");
    std::string cmd = "{ " + command + "\n} 2>'" + err_file + "'";
    RunResult r;
    FILE* pipe = popen(cmd.c_str(), "r");
    if (!pipe) return r;
    std::array<char, 4096> buf{};
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0)
        r.out.append(buf.data(), n);
    int status = pclose(pipe);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.err = read_file(err_file);
    return r;
}

// Runs the built flowgap binary with `args` (a shell-quoted string) from the source folder.
inline RunResult run_flowgap(const std::string& args) {
    return run_command("cd '" FLOWGAP_SOURCE_DIR "' && '" FLOWGAP_BINARY "' " + args);
}

}  // namespace flowgap::testing
