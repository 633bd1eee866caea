// Decoding, recognizing which of the input shapes a file holds, and reading it.
#include "parsers/netsh/netsh.hpp"

#include <fmt/format.h>

#include "parsers/netsh/command_line.hpp"
#include "parsers/netsh/decode.hpp"
#include "parsers/netsh/merge.hpp"
#include "parsers/netsh/readers.hpp"
#include "parsers/netsh/text.hpp"
#include "parsers/netsh/translate.hpp"
#include "parsers/netsh/vocabulary.hpp"

namespace flowgap::parsers::netsh {

namespace {

using analysis::InputError;
using analysis::SourceLocation;

// wfw and format_table are recognized only to say what they are and what to export instead.
enum class Shape { none, listing, script, json, format_list, wfw, format_table, powershell };

struct Recognized {
    Shape shape = Shape::none;
    uint32_t line = 0;  // where the evidence is
};

bool dashes(std::string_view line) {
    line = trim(line);
    return line.size() >= 10 && line.find_first_not_of('-') == std::string_view::npos;
}

// A listing has a header line over a dashed line; a script `add rule ... name=`, `advfirewall
// set ...profile` (a script may set only the profiles, the rules coming in another file) or any
// netsh command naming the (adv)firewall context in a spelling netsh accepts; the JSON
// export a "Direction" or "DefaultInboundAction" property; Format-List output `DisplayName :`
// (Get-NetFirewallRule) or `DefaultInboundAction :` (Get-NetFirewallProfile).
// Format-Table's underline: groups of dashes under each column header (`----  -----------`).
bool table_underline(std::string_view line) {
    line = trim(line);
    return line.starts_with("----") && line.find_first_not_of("- ") == std::string_view::npos &&
           line.find(" -") != std::string_view::npos;
}

Recognized recognize(std::string_view text) {
    if (text.starts_with("regf")) return {Shape::wfw, 1};  // a registry hive: `advfirewall export`
    size_t first = text.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && (text[first] == '[' || text[first] == '{') &&
        (text.find("\"Direction\"") != std::string_view::npos ||
         text.find("\"DefaultInboundAction\"") != std::string_view::npos))
        return {Shape::json, 1};
    auto lines = split_lines(text);
    Recognized script, format_list, powershell;
    for (size_t i = 0; i < lines.size(); ++i) {
        std::string_view line = trim(lines[i]);
        auto number = static_cast<uint32_t>(i + 1);
        if (i + 1 < lines.size() && dashes(lines[i + 1])) {
            size_t colon = line.find(':');
            if (profile_header(line) ||
                (colon != std::string_view::npos && field_of(line.substr(0, colon)) == Field::rule_name))
                return {Shape::listing, number};
        }
        std::string l = lower(line);
        if (i + 1 < lines.size() && table_underline(lines[i + 1]) &&
            (l.find("displayname") != std::string::npos ||
             l.find("defaultinboundaction") != std::string::npos))
            return {Shape::format_table, number};
        bool add_rule = l.find("add rule") != std::string::npos && l.find("name=") != std::string::npos;
        bool set_profile =
            l.find("advfirewall set ") != std::string::npos && l.find("profile") != std::string::npos;
        if (!script.line &&
            (add_rule || set_profile || (l.find("netsh") != std::string::npos && names_netsh_firewall(line))))
            script = {Shape::script, number};
        if (!powershell.line && is_firewall_cmdlet_line(line)) powershell = {Shape::powershell, number};
        if (!format_list.line && (l.starts_with("displayname") || l.starts_with("defaultinboundaction")) &&
            l.find(" : ") != std::string::npos)
            format_list = {Shape::format_list, number};
    }
    // A script of one kind may hold a command of the other, which its reader makes conditional.
    if (script.line && (!powershell.line || script.line < powershell.line)) return script;
    return powershell.line ? powershell : format_list;
}

void add_decode_problems(const Decoded& d, Collected& in) {
    constexpr size_t kMax = 20;
    for (size_t i = 0; i < d.problems.size() && i < kMax; ++i)
        in.warn(d.problems[i].line, d.problems[i].message);
    if (d.problems.size() > kMax)
        in.warn(0, fmt::format("{} more encoding problems", d.problems.size() - kMax));
}

// One input decoded and read by its own shape. Its decoded text joins the firewall's sources,
// which the rules' text points into.
Collected read_input(const Input& input, analysis::Firewall& fw) {
    Decoded decoded = decode(*input.content);
    auto text = std::make_shared<const std::string>(std::move(decoded.text));
    fw.sources.push_back(text);
    Collected in;
    in.path = input.path;
    add_decode_problems(decoded, in);
    Recognized r = recognize(*text);
    switch (r.shape) {
        case Shape::listing: read_listing(*text, in); break;
        case Shape::script: read_script(*text, in); break;
        case Shape::powershell: read_powershell(*text, in); break;
        case Shape::json: read_json(*text, in); break;
        case Shape::format_list: read_format_list(*text, in); break;
        case Shape::wfw:
            throw InputError(
                {input.path, 1, 1},
                "this is a binary `netsh advfirewall export` file (.wfw, a registry hive), which "
                "flowgap does not read: export the rules as text with `netsh advfirewall firewall "
                "show rule name=all verbose` and `netsh advfirewall show allprofiles`, or as the "
                "PowerShell JSON export in docs/formats.md");
        case Shape::format_table:
            throw InputError(
                {input.path, r.line, 1},
                "this is Get-NetFirewallRule or Get-NetFirewallProfile output in Format-Table form, "
                "whose columns are cut to the console width and which shows no address, port or "
                "program filters: flowgap does not read it. Export the PowerShell JSON in "
                "docs/formats.md (or `netsh advfirewall firewall show rule name=all verbose`)");
        case Shape::none:
            throw InputError(
                {input.path, 1, 1},
                "no netsh rule listing (Rule Name: over a dashed line), profile settings, netsh firewall "
                "command, New-NetFirewallRule script, PowerShell JSON export or Get-NetFirewallRule output "
                "found");
    }
    bool any_profile = in.profiles[0].seen || in.profiles[1].seen || in.profiles[2].seen;
    if (in.rules.empty() && in.skipped == 0 && !any_profile)
        throw InputError({input.path, r.line, 1}, "no usable netsh rules or profile settings in the file");
    return in;
}

}  // namespace

bool looks_like(std::string_view content) {
    return recognize(decode(content, 16384).text).shape != Shape::none;
}

analysis::Firewall parse(std::shared_ptr<const std::string> path, std::shared_ptr<const std::string> content,
                         const ParseOptions& options) {
    return parse({Input{std::move(path), std::move(content)}}, options);
}

analysis::Firewall parse(const std::vector<Input>& inputs, const ParseOptions& options) {
    analysis::Firewall fw;
    fw.format = "netsh";
    fw.path = inputs.front().path;
    std::vector<Collected> read;
    for (const auto& input : inputs)
        read.push_back(read_input(input, fw));
    Collected in = merge(std::move(read));
    fw.rule_count = in.rules.size() + in.skipped;
    fw.warnings.insert(fw.warnings.end(), in.warnings.begin(), in.warnings.end());
    translate(in, options, fw);
    return fw;
}

}  // namespace flowgap::parsers::netsh
