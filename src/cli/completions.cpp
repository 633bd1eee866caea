// Shell completions for bash, zsh and fish from the CommandDoc read out of the CLI11 definitions
// (cli_docs.hpp): the commands, each command's options, the values an option accepts (--format's
// report formats, --fail-on's severities), and files where an option or argument takes a FILE.
#include "src/cli/cli_docs.hpp"

namespace flowgap::cli {

namespace {

std::string join(const std::vector<std::string>& items, const std::string& sep) {
    std::string out;
    for (const auto& i : items)
        out += (out.empty() ? "" : sep) + i;
    return out;
}

// A string inside single quotes: a quote closes, is escaped, and reopens.
std::string sh_quoted(const std::string& s) {
    std::string out = "'";
    for (char c : s)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

bool has_file_argument(const CommandDoc& c) {
    for (const auto& o : c.options)
        if (o.flags.empty() && o.file()) return true;
    return false;
}

std::vector<std::string> command_names(const std::vector<CommandDoc>& docs) {
    std::vector<std::string> out;
    for (size_t i = 1; i < docs.size(); ++i)
        out.push_back(docs[i].name);
    return out;
}

// One command's arm of the bash `case $cmd`: what follows each option that takes a value, then
// the words offered.
void bash_command(std::string& out, const CommandDoc& c) {
    std::vector<std::string> flags;
    for (const auto& o : c.options)
        flags.insert(flags.end(), o.flags.begin(), o.flags.end());
    out += "        " + (c.name.empty() ? std::string("\"\"") : c.name) + ")\n";
    out += "            opts=" + sh_quoted(join(flags, " ")) + "\n";
    std::string arms;
    for (const auto& o : c.options) {
        if (o.flags.empty() || o.value.empty()) continue;
        std::string action = !o.choices.empty() ? "_flowgap_words " + sh_quoted(join(o.choices, " "))
                             : o.file()         ? std::string("_flowgap_files")
                                                : std::string(":");  // a free value: nothing to offer
        arms += "                " + join(o.flags, "|") + ") " + action + "; return ;;\n";
    }
    if (!arms.empty()) out += "            case $prev in\n" + arms + "            esac\n";
    if (has_file_argument(c)) {
        out += "            files=1\n";
    }
    out += "            ;;\n";
}

// zsh's _arguments: '(exclusions)'{-o,--output}'[description]:message:action'.
std::string zsh_spec(const OptionDoc& o) {
    auto bracketed = [](const std::string& s) {
        std::string out;
        for (char c : s) {
            if (c == '[' || c == ']' || c == '\\') out += '\\';
            out += c;
        }
        return out;
    };
    std::string action = !o.choices.empty() ? "(" + join(o.choices, " ") + ")" : o.file() ? "_files" : " ";
    if (o.flags.empty()) return sh_quoted((o.repeatable ? "*:" : "1:") + o.positional + ":" + action);
    std::string names = o.flags.size() == 1 ? o.flags[0] : "{" + join(o.flags, ",") + "}";
    std::string prefix = o.repeatable         ? "'*'"
                         : o.flags.size() > 1 ? sh_quoted("(" + join(o.flags, " ") + ")")
                                              : "";
    std::string rest = "[" + bracketed(o.description) + "]";
    if (!o.value.empty()) rest += ":" + o.value + ":" + action;
    return prefix + names + sh_quoted(rest);
}

std::string fish_quoted(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out + "'";
}

void fish_command(std::string& out, const CommandDoc& c) {
    std::string head =
        "complete -c flowgap -n " + (c.name.empty() ? std::string("__fish_use_subcommand")
                                                    : fish_quoted("__fish_seen_subcommand_from " + c.name));
    for (const auto& o : c.options) {
        if (o.flags.empty()) continue;
        std::string line = head;
        for (const auto& f : o.flags)
            line += (f.rfind("--", 0) == 0 ? " -l " + f.substr(2) : " -s " + f.substr(1));
        if (!o.choices.empty()) {
            line += " -x -a " + fish_quoted(join(o.choices, " "));
        } else if (o.file()) {
            line += " -r -F";
        } else if (!o.value.empty()) {
            line += " -x";
        }
        out += line + " -d " + fish_quoted(o.description) + "\n";
    }
    if (has_file_argument(c)) out += head + " -F\n";
}

}  // namespace

std::string bash_completion(const std::vector<CommandDoc>& docs) {
    std::string out =
        "# bash completion for flowgap, written by `flowgap --write-docs` from its command definitions.\n"
        "_flowgap_words() { mapfile -t COMPREPLY < <(compgen -W \"$1\" -- \"$cur\"); }\n"
        "_flowgap_files() { compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "
        "\"$cur\"); }\n"
        "_flowgap() {\n"
        "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd=\"\" opts=\"\" "
        "files=\"\" i\n"
        "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
        "        case ${COMP_WORDS[i]} in\n"
        "            " +
        join(command_names(docs), "|") +
        ") cmd=${COMP_WORDS[i]}; break ;;\n"
        "        esac\n"
        "    done\n"
        "    case $cmd in\n";
    for (const auto& c : docs)
        bash_command(out, c);
    out +=
        "    esac\n"
        "    if [[ -z $cmd && $cur != -* ]]; then _flowgap_words " +
        sh_quoted(join(command_names(docs), " ")) +
        "\n"
        "    elif [[ -n $files && $cur != -* ]]; then _flowgap_files\n"
        "    else _flowgap_words \"$opts\"\n"
        "    fi\n"
        "}\n"
        "complete -F _flowgap flowgap\n";
    return out;
}

std::string zsh_completion(const std::vector<CommandDoc>& docs) {
    std::string out =
        "#compdef flowgap\n"
        "# zsh completion for flowgap, written by `flowgap --write-docs` from its command definitions.\n"
        "_flowgap() {\n"
        "    local curcontext=$curcontext state line\n"
        "    typeset -A opt_args\n"
        "    _arguments -C \\\n";
    for (const auto& o : docs[0].options)
        out += "        " + zsh_spec(o) + " \\\n";
    out +=
        "        '1: :->command' \\\n"
        "        '*:: :->argument' && return\n"
        "    case $state in\n"
        "        command)\n"
        "            local -a commands\n"
        "            commands=(\n";
    for (size_t i = 1; i < docs.size(); ++i)
        out += "                " + sh_quoted(docs[i].name + ":" + docs[i].description) + "\n";
    out +=
        "            )\n"
        "            _describe -t commands 'flowgap command' commands\n"
        "            ;;\n"
        "        argument)\n"
        "            case $words[1] in\n";
    for (size_t i = 1; i < docs.size(); ++i) {
        out += "                (" + docs[i].name +
               ")\n"
               "                    _arguments \\\n";
        for (const auto& o : docs[i].options)
            out += "                        " + zsh_spec(o) + " \\\n";
        out.resize(out.size() - 3);  // the last line's " \"
        out += "\n                    ;;\n";
    }
    out +=
        "            esac\n"
        "            ;;\n"
        "    esac\n"
        "}\n"
        "_flowgap \"$@\"\n";
    return out;
}

std::string fish_completion(const std::vector<CommandDoc>& docs) {
    std::string out =
        "# fish completion for flowgap, written by `flowgap --write-docs` from its command definitions.\n"
        "complete -c flowgap -f\n";
    for (size_t i = 1; i < docs.size(); ++i)
        out += "complete -c flowgap -n __fish_use_subcommand -a " + docs[i].name + " -d " +
               fish_quoted(docs[i].description) + "\n";
    for (const auto& c : docs)
        fish_command(out, c);
    return out;
}

}  // namespace flowgap::cli
