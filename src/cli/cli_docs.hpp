// The command line as data, read from the same CLI11 definitions that `--help` prints, and what
// is made of it: the man pages (manpage.cpp) and the bash, zsh and fish completions
// (completions.cpp). The build writes them with the hidden `flowgap --write-docs DIR`, so they
// cannot drift from the options; tests/test_cli_docs.cpp compares them with `--help`.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace flowgap::cli {

struct OptionDoc {
    std::vector<std::string> flags;    // "-o", "--output"; empty for a positional
    std::string positional;            // the positional's name ("deployment"); empty for an option
    std::string value;                 // what it takes: FILE, TEXT, UINT...; empty for a flag
    std::vector<std::string> choices;  // the only values it accepts (CLI::IsMember), in order
    std::string description;
    bool required = false;
    bool repeatable = false;  // several values, or given again
    bool file() const { return value == "FILE"; }
};

struct CommandDoc {
    std::string name;  // "audit"; empty for flowgap itself
    std::string description;
    std::vector<OptionDoc> options;  // positionals first, then options, as --help lists them
};

// [0] is flowgap itself, then each command in the order --help lists them. Hidden options and
// commands (an empty group, as --help treats them) are left out.
std::vector<CommandDoc> command_docs(CLI::App& app);

// The roff source of flowgap(1) (index 0) or flowgap-COMMAND(1).
std::string man_page(const std::vector<CommandDoc>& docs, size_t index, const std::string& version);

std::string bash_completion(const std::vector<CommandDoc>& docs);
std::string zsh_completion(const std::vector<CommandDoc>& docs);
std::string fish_completion(const std::vector<CommandDoc>& docs);

// Writes DIR/man1/flowgap.1, DIR/man1/flowgap-COMMAND.1 for each command, and
// DIR/completions/flowgap (bash), DIR/completions/_flowgap (zsh), DIR/completions/flowgap.fish.
// Throws analysis::InputError naming the file that cannot be written.
void write_docs(CLI::App& app, const std::string& dir, const std::string& version);

// Adds the hidden `--write-docs DIR` to `app`: it writes the files and exits 0 before any command
// is required. `version` goes into the man pages' footers.
void add_write_docs_option(CLI::App& app, const std::string& version);

}  // namespace flowgap::cli
