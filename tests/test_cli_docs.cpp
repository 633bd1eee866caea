// The man pages and completions the build writes (`flowgap --write-docs`, src/cli/cli_docs.hpp)
// against what `--help` prints: every command's options, each in its man page and in the bash,
// zsh and fish completions, with the same values for the options that take only some. An option
// added to a command and missing from any of them, or one they offer that --help does not list,
// fails here.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <sstream>

#include "tests/support/e2e.hpp"

using flowgap::testing::read_file;
using flowgap::testing::run_flowgap;

namespace {

using Names = std::set<std::string>;

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

std::vector<std::string> words_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string w; in >> w;)
        out.push_back(w);
    return out;
}

std::string docs(const std::string& relative) {
    return read_file(std::string(FLOWGAP_DOCS_DIR) + "/" + relative);
}

// What `flowgap [COMMAND] --help` lists: option names ("-o", "--output"), positional names, and the
// values of the options that take only some ("--format" -> "text json").
struct Help {
    Names options;
    Names positionals;
    std::map<std::string, std::string> choices;
};

Help help_of(const std::string& command) {
    auto r = run_flowgap(command + " --help");
    REQUIRE(r.exit_code == 0);
    Help h;
    std::string section;
    for (const auto& line : lines_of(r.out)) {
        if (!line.empty() && line[0] != ' ') section = line;
        if (line.size() < 3 || line.compare(0, 2, "  ") != 0 || line[2] == ' ') continue;
        std::vector<std::string> w = words_of(line);
        if (section == "Positionals:") h.positionals.insert(w[0]);
        if (section != "Options:") continue;
        std::vector<std::string> names;
        std::istringstream in(w[0]);
        for (std::string n; std::getline(in, n, ',');)
            names.push_back(n);
        h.options.insert(names.begin(), names.end());
        size_t open = line.find(":{");
        if (open != std::string::npos) {
            std::string list = line.substr(open + 2, line.find('}', open) - open - 2);
            for (char& c : list)
                if (c == ',') c = ' ';
            for (const auto& n : names)
                h.choices[n] = list;
        }
    }
    return h;
}

std::vector<std::string> commands() {
    auto r = run_flowgap("--help");
    REQUIRE(r.exit_code == 0);
    std::vector<std::string> out;
    bool in_commands = false;
    for (const auto& line : lines_of(r.out)) {
        if (!line.empty() && line[0] != ' ') in_commands = line == "Subcommands:";
        if (in_commands && line.size() > 2 && line[0] == ' ' && line[2] != ' ')
            out.push_back(words_of(line)[0]);
    }
    return out;
}

// The man page's OPTIONS: the bold names (\fB\-\-format\fR) and italic positionals of the .TP terms,
// and each "One of ..." line under them.
Help man_of(const std::string& page) {
    Help h;
    std::vector<std::string> lines = lines_of(page);
    bool in_options = false;
    std::vector<std::string> last;
    for (size_t i = 0; i < lines.size(); ++i) {
        const std::string& line = lines[i];
        if (line.rfind(".SH", 0) == 0) in_options = line == ".SH OPTIONS";
        if (!in_options) continue;
        if (line.rfind("One of ", 0) == 0) {
            std::string list;
            for (size_t p = 0; (p = line.find("\\fB", p)) != std::string::npos; p += 3)
                list += (list.empty() ? "" : " ") + line.substr(p + 3, line.find("\\fR", p) - p - 3);
            for (const auto& n : last)
                h.choices[n] = list;
        }
        if (line != ".TP" || i + 1 == lines.size()) continue;
        const std::string& term = lines[i + 1];
        last.clear();
        if (term.rfind("\\fI", 0) == 0) {
            h.positionals.insert(term.substr(3, term.find("\\fR") - 3));
            continue;
        }
        for (size_t p = 0; (p = term.find("\\fB", p)) != std::string::npos; p += 3) {
            std::string name = term.substr(p + 3, term.find("\\fR", p) - p - 3);
            std::string plain;
            for (size_t k = 0; k < name.size(); ++k)
                if (!(name[k] == '\\' && k + 1 < name.size() && name[k + 1] == '-')) plain += name[k];
            last.push_back(plain);
            h.options.insert(plain);
        }
    }
    return h;
}

// The bash completion's arm for the command: `opts='...'`, and `--format) _flowgap_words '...'`.
Help bash_of(const std::string& script, const std::string& command) {
    Help h;
    std::vector<std::string> lines = lines_of(script);
    std::string arm = "        " + (command.empty() ? std::string("\"\"") : command) + ")";
    size_t i = 0;
    while (i < lines.size() && lines[i] != arm)
        ++i;
    REQUIRE(i + 1 < lines.size());
    std::string opts = lines[i + 1];
    REQUIRE(opts.find("opts='") != std::string::npos);
    for (const auto& w : words_of(opts.substr(opts.find('\'') + 1, opts.rfind('\'') - opts.find('\'') - 1)))
        h.options.insert(w);
    for (++i; i < lines.size() && lines[i] != "            ;;"; ++i) {
        size_t words = lines[i].find(") _flowgap_words '");
        if (words == std::string::npos) continue;
        std::string list = lines[i].substr(words + 18, lines[i].rfind('\'') - words - 18);
        std::string option = words_of(lines[i])[0];
        std::istringstream names(option.substr(0, option.size() - 1));
        for (std::string n; std::getline(names, n, '|');)
            h.choices[n] = list;
    }
    return h;
}

// zsh's _arguments specs for the command: '(-o --output)'{-o,--output}'[...]:FILE:_files',
// '*'--format'[...]:TEXT:(text json)', '1:deployment:_files'.
Help zsh_of(const std::string& script, const std::string& command) {
    Help h;
    std::vector<std::string> lines = lines_of(script);
    std::string start = command.empty() ? "    _arguments -C \\" : "                (" + command + ")";
    size_t i = 0;
    while (i < lines.size() && lines[i] != start)
        ++i;
    REQUIRE(i < lines.size());
    for (++i; i < lines.size() && lines[i].find(";;") == std::string::npos; ++i) {
        std::string spec = lines[i].substr(lines[i].find_first_not_of(' '));
        if (spec == "_arguments \\") continue;
        if (spec.rfind("'1: ", 0) == 0 || spec.rfind("'*:: ", 0) == 0) break;  // flowgap's command word
        if (spec.rfind("'1:", 0) == 0 || spec.rfind("'*:", 0) == 0) {
            h.positionals.insert(spec.substr(3, spec.find(':', 3) - 3));
            continue;
        }
        if (spec.rfind("'*'", 0) == 0) spec = spec.substr(3);
        if (spec.rfind("'(", 0) == 0) spec = spec.substr(spec.find(")'") + 2);
        std::string names = spec.substr(0, spec.find("'["));
        if (names.front() == '{') names = names.substr(1, names.size() - 2);
        std::vector<std::string> found;
        std::istringstream in(names);
        for (std::string n; std::getline(in, n, ',');)
            found.push_back(n);
        h.options.insert(found.begin(), found.end());
        size_t open = spec.rfind(":(");
        if (open != std::string::npos)
            for (const auto& n : found)
                h.choices[n] = spec.substr(open + 2, spec.rfind(')') - open - 2);
    }
    return h;
}

// fish: `complete -c flowgap -n CONDITION -s o -l output ... -a 'values' -d '...'` per option.
Help fish_of(const std::string& script, const std::string& command) {
    Help h;
    std::string condition =
        command.empty() ? " -n __fish_use_subcommand " : " -n '__fish_seen_subcommand_from " + command + "' ";
    for (const auto& line : lines_of(script)) {
        if (line.find(condition) == std::string::npos) continue;
        std::vector<std::string> w = words_of(line.substr(0, line.find(" -d ")));
        std::vector<std::string> found;
        std::string values;
        for (size_t k = 0; k + 1 < w.size(); ++k) {
            if (w[k] == "-s") found.push_back("-" + w[k + 1]);
            if (w[k] == "-l") found.push_back("--" + w[k + 1]);
        }
        size_t a = line.find(" -a '");
        if (a != std::string::npos && !found.empty())
            values = line.substr(a + 5, line.find('\'', a + 5) - a - 5);
        h.options.insert(found.begin(), found.end());
        if (!values.empty())
            for (const auto& n : found)
                h.choices[n] = values;
    }
    return h;
}

}  // namespace

TEST_CASE("every command's --help options are in its man page and in the bash, zsh and fish completions",
          "[cli][docs]") {
    std::vector<std::string> names = commands();
    REQUIRE(names == std::vector<std::string>{"init", "flows", "audit", "explain", "diff", "serve"});
    names.insert(names.begin(), "");
    std::string bash = docs("completions/flowgap");
    std::string zsh = docs("completions/_flowgap");
    std::string fish = docs("completions/flowgap.fish");
    REQUIRE(!bash.empty());
    REQUIRE(!zsh.empty());
    REQUIRE(!fish.empty());
    for (const auto& command : names) {
        INFO("flowgap " << command);
        Help help = help_of(command);
        REQUIRE(help.options.count("--help") == 1);
        std::string page =
            docs("man1/" + (command.empty() ? std::string("flowgap") : "flowgap-" + command) + ".1");
        REQUIRE(!page.empty());
        // Bash and fish complete no positional by name: only files where one takes a FILE.
        auto agrees = [&help](const char* what, const Help& got, bool names_positionals) {
            INFO(what);
            CHECK(got.options == help.options);
            if (names_positionals) CHECK(got.positionals == help.positionals);
            CHECK(got.choices == help.choices);
        };
        agrees("man page", man_of(page), true);
        agrees("bash", bash_of(bash, command), false);
        agrees("zsh", zsh_of(zsh, command), true);
        agrees("fish", fish_of(fish, command), false);
    }
    // The commands themselves: the words bash looks for, zsh and fish offer, and flowgap(1) lists.
    std::string bash_commands;
    for (const auto& line : lines_of(bash))
        if (line.find(") cmd=${COMP_WORDS[i]}") != std::string::npos) bash_commands = words_of(line)[0];
    std::string expected;
    for (size_t i = 1; i < names.size(); ++i)
        expected += names[i] + (i + 1 < names.size() ? "|" : ")");
    CHECK(bash_commands == expected);
    for (size_t i = 1; i < names.size(); ++i) {
        CHECK(zsh.find("                '" + names[i] + ":") != std::string::npos);
        CHECK(fish.find("-n __fish_use_subcommand -a " + names[i] + " ") != std::string::npos);
        CHECK(docs("man1/flowgap.1").find(".BR flowgap\\-" + names[i] + " (1)") != std::string::npos);
    }
}

TEST_CASE("the man pages have the sections a man page needs and render without warnings", "[cli][docs]") {
    for (const auto& page : {"flowgap", "flowgap-audit", "flowgap-diff", "flowgap-serve"}) {
        INFO(page);
        std::string path = std::string(FLOWGAP_DOCS_DIR) + "/man1/" + page + ".1";
        std::string text = read_file(path);
        for (const auto& section : {".SH NAME", ".SH SYNOPSIS", ".SH DESCRIPTION", ".SH OPTIONS",
                                    ".SH EXIT STATUS", ".SH FILES", ".SH ENVIRONMENT", ".SH EXAMPLES"})
            CHECK(text.find(std::string("\n") + section + "\n") != std::string::npos);
        for (const auto& variable : {"FLOWGAP_TODAY", "FLOWGAP_TOKEN", "NO_COLOR"})
            CHECK(text.find(std::string(".B ") + variable + "\n") != std::string::npos);
        // groff's own check: every warning category on, nothing printed.
        auto r = flowgap::testing::run_command("groff -ww -man -z '" + path + "'");
        CHECK(r.exit_code == 0);
        CHECK(r.err.empty());
    }
}

TEST_CASE("flowgap --version names the version and the commit it was built from", "[cli][docs]") {
    auto r = run_flowgap("--version");
    CHECK(r.exit_code == 0);
    CHECK(r.out.rfind("flowgap 0.", 0) == 0);
    size_t commit = r.out.find(" (commit ");
    REQUIRE(commit != std::string::npos);
    std::string id = r.out.substr(commit + 9, r.out.find(')') - commit - 9);
    // A checkout's `git describe` (a commit of this repository, "-dirty" when built with changes),
    // or "unknown" when the tree is not a git checkout.
    bool checkout =
        flowgap::testing::run_command("cd '" FLOWGAP_SOURCE_DIR
                                      "' && test \"$(git rev-parse --show-toplevel)\" = \"$(pwd -P)\"")
            .exit_code == 0;
    if (!checkout) {
        CHECK(id == "unknown");
        return;
    }
    std::string described =
        id.size() > 6 && id.compare(id.size() - 6, 6, "-dirty") == 0 ? id.substr(0, id.size() - 6) : id;
    REQUIRE(described.find_first_not_of(
                "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ._-") == std::string::npos);
    CHECK(flowgap::testing::run_command("git -C '" FLOWGAP_SOURCE_DIR "' rev-parse --verify --quiet '" +
                                        described + "^{commit}'")
              .exit_code == 0);
}
