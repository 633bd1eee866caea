// `flowgap init`: drafts a deployment file from the exports (src/init/init.hpp).
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace flowgap::cli {

struct InitOptions {
    // Each an export, or several exports of one firewall joined with '+' ("a.txt+b.txt") when no
    // file has that whole name.
    std::vector<std::string> configs;
    std::string output;    // empty: standard output
    bool example = false;  // write the commented template of every key instead
};

CLI::App* add_init_command(CLI::App& app, InitOptions& options);

int run_init(const InitOptions& options);

}  // namespace flowgap::cli
