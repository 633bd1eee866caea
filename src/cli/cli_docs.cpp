// The CLI11 definitions read back as CommandDoc, and the hidden `--write-docs DIR` that writes the
// man pages and completions made of them (cli_docs.hpp).
#include "src/cli/cli_docs.hpp"

#include <filesystem>
#include <fstream>

#include <CLI/CLI.hpp>

#include "analysis/diagnostic.hpp"

namespace flowgap::cli {

namespace {

// "TEXT:{text,json}" (the type, then an IsMember check as --help prints it): {"text", "json"}.
std::vector<std::string> choices_of(const std::string& type_name) {
    size_t open = type_name.find(":{");
    if (open == std::string::npos || type_name.back() != '}') return {};
    std::vector<std::string> out;
    std::string item;
    for (size_t i = open + 2; i + 1 < type_name.size(); ++i) {
        if (type_name[i] == ',') {
            out.push_back(item);
            item.clear();
        } else {
            item += type_name[i];
        }
    }
    out.push_back(item);
    return out;
}

OptionDoc option_doc(const CLI::Option& o) {
    OptionDoc d;
    for (const auto& s : o.get_snames())
        d.flags.push_back("-" + s);
    for (const auto& l : o.get_lnames())
        d.flags.push_back("--" + l);
    if (d.flags.empty()) d.positional = o.get_name(true);
    if (o.get_type_size() != 0) {
        std::string type = o.get_type_name();
        d.value = type.substr(0, type.find(':'));
        d.choices = choices_of(type);
    }
    d.description = o.get_description();
    d.required = o.get_required();
    d.repeatable = o.get_items_expected_max() > 1;
    return d;
}

CommandDoc command_doc(const CLI::App& app) {
    CommandDoc c;
    c.name = app.get_parent() ? app.get_name() : "";
    c.description = app.get_description();
    auto shown = app.get_options([](const CLI::Option* o) { return !o->get_group().empty(); });
    for (const CLI::Option* o : shown)
        if (!o->nonpositional()) c.options.push_back(option_doc(*o));
    for (const CLI::Option* o : shown)
        if (o->nonpositional()) c.options.push_back(option_doc(*o));
    return c;
}

void write_file(const std::filesystem::path& path, const std::string& text) {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (ec || !out) analysis::InputError::raise_at(path.string(), "cannot write this file");
}

}  // namespace

std::vector<CommandDoc> command_docs(CLI::App& app) {
    std::vector<CommandDoc> out{command_doc(app)};
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); }))
        out.push_back(command_doc(*sub));
    return out;
}

void write_docs(CLI::App& app, const std::string& dir, const std::string& version) {
    std::vector<CommandDoc> docs = command_docs(app);
    std::filesystem::path root(dir);
    for (size_t i = 0; i < docs.size(); ++i) {
        std::string page = docs[i].name.empty() ? "flowgap" : "flowgap-" + docs[i].name;
        write_file(root / "man1" / (page + ".1"), man_page(docs, i, version));
    }
    write_file(root / "completions" / "flowgap", bash_completion(docs));
    write_file(root / "completions" / "_flowgap", zsh_completion(docs));
    write_file(root / "completions" / "flowgap.fish", fish_completion(docs));
}

void add_write_docs_option(CLI::App& app, const std::string& version) {
    // Runs while the command line is parsed, before CLI11 asks for a command.
    app.add_option_function<std::string>(
           "--write-docs",
           [&app, version](const std::string& dir) {
               write_docs(app, dir, version);
               throw CLI::Success();
           },
           "")
        ->group("");
}

}  // namespace flowgap::cli
