// flowgap(1) and flowgap-COMMAND(1) in roff (man(7) macros), from the CommandDoc read out of the
// CLI11 definitions: NAME, SYNOPSIS, DESCRIPTION and OPTIONS come from there; EXIT STATUS,
// FILES, ENVIRONMENT and EXAMPLES are the prose below, kept in step with docs/usage.md.
#include <string_view>

#include "src/cli/cli_docs.hpp"

namespace flowgap::cli {

namespace {

struct ExitCode {
    std::string_view code;
    std::string_view meaning;
};

struct Example {
    std::string_view what;
    std::string_view command;
};

struct PageText {
    std::string_view command;  // "" for flowgap(1)
    std::vector<ExitCode> exit_codes;
    std::vector<Example> examples;
};

constexpr ExitCode kBadInput{
    "2",
    "Bad input: a deployment, config, waiver or report file error, printed on one line "
    "as file:line:column: error: message, or bad options. No report is written."};
constexpr ExitCode kInternal{"3", "An internal error (a bug: please report it)."};

const std::vector<PageText>& page_texts() {
    static const std::vector<PageText> texts{
        {"",
         {{"0", "The command did what it was asked; for audit, the gate passes."},
          {"1",
           "audit: the gate fails (a required flow is not allowed, or a finding at or above --fail-on "
           "is not waived); diff: the change makes a required flow worse or opens such a finding."},
          kBadInput,
          kInternal},
         {{"Audit a deployment, text report on the terminal, HTML report to a file:",
           "flowgap audit deployment.yaml \\\n    --format text -o - --format html -o report.html"},
          {"What replacing one firewall's export would change:",
           "flowgap diff deployment.yaml --candidate core-router=new.rules"}}},
        {"flows",
         {{"0", "The flows were printed."}, kBadInput, kInternal},
         {{"The flows that apply to a deployment:", "flowgap flows deployment.yaml"},
          {"The same as JSON (flowgap-flows/1):", "flowgap flows deployment.yaml --format json"}}},
        {"audit",
         {{"0", "The gate passes: nothing at or above --fail-on remains after waivers."},
          {"1",
           "The gate fails: a required flow is blocked, partial or conditional, or a finding or waiver "
           "problem at or above --fail-on is not waived."},
          kBadInput,
          kInternal},
         {{"The text report on the terminal:", "flowgap audit deployment.yaml"},
          {"Only what fails the gate, for a CI log:", "flowgap audit deployment.yaml --quiet"},
          {"A JSON report and SARIF for code scanning, nothing on the terminal:",
           "flowgap audit deployment.yaml \\\n    --format json -o report.json --format sarif -o "
           "report.sarif"}}},
        {"explain",
         {{"0", "The packet was traced, whatever its verdict."}, kBadInput, kInternal},
         {{"One packet through one firewall, rule by rule:",
           "flowgap explain deployment.yaml --firewall core-router \\\n    --from 10.20.5.5 --to 10.10.1.10"},
          {"Every packet of a file, one a line as the reports print them:",
           "flowgap explain deployment.yaml --firewall core-router \\\n    --packets packets.txt"}}},
        {"diff",
         {{"0", "Nothing got worse for Tanium."},
          {"1", "A required flow gets worse, or a finding at or above --fail-on appears."},
          kBadInput,
          kInternal},
         {{"A candidate config for one firewall against the deployment as it is:",
           "flowgap diff deployment.yaml --candidate core-router=candidate.rules"},
          {"Two saved audit reports, as a pull-request comment:",
           "flowgap diff before.json after.json --format markdown"}}},
        {"serve",
         {{"0", "The server was stopped (SIGINT or SIGTERM)."},
          {"2", "Bad options, or the address cannot be listened on."},
          kInternal},
         {{"The upload page on this machine only:", "flowgap serve"},
          {"On the network, with a token every request must carry:",
           "FLOWGAP_TOKEN=secret flowgap serve --listen 0.0.0.0:8080"}}},
    };
    return texts;
}

const PageText* text_of(const std::string& command) {
    for (const auto& t : page_texts())
        if (t.command == command) return &t;
    return nullptr;
}

// Text for a roff line: backslashes and hyphens escaped, a leading control character defused.
std::string esc(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '\\') {
            out += "\\e";
        } else if (c == '-') {
            out += "\\-";
        } else {
            out += c;
        }
    }
    if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out.insert(0, "\\&");
    return out;
}

std::string upper(std::string s) {
    for (char& c : s)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return s;
}

std::string page_name(const CommandDoc& c) {
    return c.name.empty() ? "flowgap" : "flowgap-" + c.name;
}

// "\fB\-o\fR, \fB\-\-output\fR \fIFILE\fR", or "\fIdeployment\fR" for a positional.
std::string option_term(const OptionDoc& o) {
    if (o.flags.empty()) return "\\fI" + esc(o.positional) + "\\fR" + (o.repeatable ? "..." : "");
    std::string out;
    for (const auto& f : o.flags)
        out += (out.empty() ? "" : ", ") + ("\\fB" + esc(f) + "\\fR");
    if (!o.value.empty()) out += " \\fI" + esc(o.value) + "\\fR";
    return out;
}

void synopsis(std::string& out, const CommandDoc& c) {
    out += ".SH SYNOPSIS\n.B " + esc(c.name.empty() ? "flowgap" : "flowgap " + c.name) + "\n";
    if (c.name.empty()) {
        out += "[\\fB\\-\\-version\\fR] \\fICOMMAND\\fR [\\fIOPTIONS\\fR]\n";
        return;
    }
    std::string line = "[\\fIOPTIONS\\fR]";
    for (const auto& o : c.options) {
        if (!o.flags.empty()) continue;
        std::string term = option_term(o);
        line += " " + (o.required ? term : "[" + term + "]");
    }
    out += line + "\n";
}

void options(std::string& out, const CommandDoc& c) {
    out += ".SH OPTIONS\n";
    for (const auto& o : c.options) {
        out += ".TP\n" + option_term(o) + "\n" + esc(o.description);
        if (!o.description.empty() && o.description.back() != '.') out += ".";
        out += "\n";
        if (!o.choices.empty()) {
            std::string list;
            for (const auto& v : o.choices)
                list += (list.empty() ? "" : ", ") + ("\\fB" + esc(v) + "\\fR");
            out += "One of " + list + ".\n";
        }
        if (o.required && !o.flags.empty()) out += "Required.\n";
        if (o.repeatable && !o.flags.empty()) out += "May be given more than once.\n";
    }
}

void commands(std::string& out, const std::vector<CommandDoc>& docs) {
    out += ".SH COMMANDS\n";
    for (size_t i = 1; i < docs.size(); ++i)
        out += ".TP\n.BR " + esc(page_name(docs[i])) + " (1)\n" + esc(docs[i].description) + ".\n";
}

void exit_status(std::string& out, const PageText* text) {
    out += ".SH EXIT STATUS\n";
    std::vector<ExitCode> codes =
        text ? text->exit_codes : std::vector<ExitCode>{{"0", "Success."}, kBadInput, kInternal};
    for (const auto& e : codes)
        out += ".TP\n.B " + esc(e.code) + "\n" + esc(e.meaning) + "\n";
}

void files_and_environment(std::string& out) {
    out +=
        ".SH FILES\n"
        ".TP\n.I DEPLOYMENT\n"
        "The deployment file (YAML): the Tanium roles and addresses, and each firewall with the "
        "export flowgap reads, named relative to the deployment file.\n"
        ".TP\n.I flowgap\\-waivers.yaml\n"
        "The waivers, read from beside the deployment file unless \\fB\\-\\-waivers\\fR names another: "
        "each accepts one finding until its expiry day.\n"
        ".TP\n.I /usr/share/flowgap/\n"
        "The JSON Schemas of the reports (flowgap\\-report\\-1.schema.json), and flowgap\\-gate.sh, "
        "the change gate the CI examples run; share/flowgap/ under the prefix of a "
        "\\fBmake install\\fR.\n"
        ".TP\n.I /usr/share/doc/flowgap/\n"
        "The guide: usage.md, deployment.md, formats.md, checks.md, change\\-windows.md, and the CI "
        "examples in examples/.\n"
        ".SH ENVIRONMENT\n"
        ".TP\n.B FLOWGAP_TODAY\n"
        "A date, YYYY\\-MM\\-DD, to use as today when deciding which waivers have expired (default: "
        "today's UTC date).\n"
        ".TP\n.B FLOWGAP_TOKEN\n"
        "\\fBserve\\fR: the token requests must carry when \\fB\\-\\-token\\fR is not given.\n"
        ".TP\n.B NO_COLOR\n"
        "When set and not empty, the text report is never coloured, whatever \\fB\\-\\-color\\fR says.\n";
}

void examples(std::string& out, const PageText* text) {
    if (!text || text->examples.empty()) return;
    out += ".SH EXAMPLES\n";
    for (const auto& e : text->examples)
        out += esc(e.what) + "\n.PP\n.RS\n.nf\n" + esc(e.command) + "\n.fi\n.RE\n.PP\n";
}

void see_also(std::string& out, const std::vector<CommandDoc>& docs, size_t index) {
    std::string refs;
    for (size_t i = 0; i < docs.size(); ++i) {
        if (i == index) continue;
        refs += (refs.empty() ? "" : ",\n") + (".BR " + esc(page_name(docs[i])) + " (1)");
    }
    out += ".SH SEE ALSO\n" + refs + "\n";
}

}  // namespace

std::string man_page(const std::vector<CommandDoc>& docs, size_t index, const std::string& version) {
    const CommandDoc& c = docs.at(index);
    const PageText* text = text_of(c.name);
    std::string name = page_name(c);
    std::string out =
        ".\\\" " + name + "(1), written by `flowgap --write-docs` from the command line's definitions.\n";
    out += ".TH " + esc(upper(name)) + " 1 \"\" \"flowgap " + esc(version) + "\" \"User Commands\"\n";
    out += ".nh\n.SH NAME\n" + esc(name) + " \\- " + esc(c.description) + "\n";
    synopsis(out, c);
    out += ".SH DESCRIPTION\n" + esc(c.description) +
           ".\n.PP\n"
           "The guide to every command and report is in /usr/share/doc/flowgap/usage.md.\n";
    if (index == 0) commands(out, docs);
    options(out, c);
    exit_status(out, text);
    files_and_environment(out);
    examples(out, text);
    see_also(out, docs, index);
    return out;
}

}  // namespace flowgap::cli
