// Hostile names in configs (issue 14, items 8 and 9): remediation commands are quoted for the shell
// they are pasted into, or refused; text, Markdown and explain output show control and bidi
// characters escaped, and a Markdown code block cannot be closed from inside.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "analysis/remediation.hpp"
#include "src/report/items.hpp"
#include "src/report/visible.hpp"
#include "tests/support/e2e.hpp"

using flowgap::testing::read_file;
using flowgap::testing::run_command;
using flowgap::testing::run_flowgap;
using flowgap::testing::source_path;
using flowgap::testing::TempDir;

namespace {

// The demo's platform and roles, without its firewalls.
std::string roles() {
    std::string demo = read_file(source_path("fixtures/demo/deployment.yaml"));
    return demo.substr(0, demo.find("firewalls:")) + "firewalls:\n";
}

std::vector<std::string> lines_starting(const std::string& text, const std::string& prefix) {
    std::vector<std::string> out;
    size_t at = 0;
    while (at < text.size()) {
        size_t end = std::min(text.find('\n', at), text.size());
        std::string line = text.substr(at, end - at);
        size_t b = line.find_first_not_of(' ');
        if (b != std::string::npos && line.compare(b, prefix.size(), prefix) == 0)
            out.push_back(line.substr(b));
        at = end + 1;
    }
    return out;
}

void no_raw_controls(const std::string& out) {
    CHECK(out.find('\x1b') == std::string::npos);
    CHECK(out.find('\x07') == std::string::npos);
    CHECK(out.find("\xe2\x80\xae") == std::string::npos);
}

const char* kIptables =
    "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n:$(touch${IFS}x) - [0:0]\n"
    "-A INPUT -j $(touch${IFS}x)\n"
    "-A $(touch${IFS}x) -p tcp -m tcp --dport 17472 -m comment --comment \"\x1b]52;c;aGk=\x07 evil "
    "\xe2\x80\xae "
    "txt\" -j DROP\nCOMMIT\n";

}  // namespace

TEST_CASE("visible escapes control and bidi characters and keeps printable text") {
    using flowgap::report::visible;
    CHECK(visible("Grüße, café 10.0.0.0/8 C:\\x\tq") == "Grüße, café 10.0.0.0/8 C:\\x\tq");
    CHECK(visible("a\x1b]52;c;aGk=\x07z") == "a\\x1b]52;c;aGk=\\x07z");
    CHECK(visible("l\nr\r") == "l\\nr\\r");
    CHECK(visible("\xe2\x80\xae\xe2\x81\xa6\xe2\x80\x8f\xd8\x9c\xc2\x9b") ==
          "\\u202e\\u2066\\u200f\\u061c\\u009b");
    CHECK(visible("\xff\xc3") == "\\xff\\xc3");
    CHECK(flowgap::report::markdown_cell("<img src=x>|`") == "&lt;img src=x&gt;\\|'");
}

TEST_CASE("posix_word and xml_escaped") {
    using flowgap::analysis::posix_word;
    CHECK(posix_word("INPUT") == "INPUT");
    CHECK(posix_word("10.0.0.0/8") == "10.0.0.0/8");
    CHECK(posix_word("$(touch${IFS}x)") == "'$(touch${IFS}x)'");
    CHECK(posix_word("a'b") == "'a'\\''b'");
    CHECK(flowgap::analysis::xml_escaped("a\"<&>'") == "a&quot;&lt;&amp;&gt;&apos;");
}

TEST_CASE("an iptables chain named to run a command gives a quoted line; its comment shows escaped") {
    TempDir dir;
    dir.write("h.rules", kIptables);
    dir.write("d.yaml", roles() + "  - {name: h, config: h.rules, host: 10.20.5.37}\n");
    auto text = run_flowgap("audit '" + dir.path("d.yaml") + "' --format text --output -");
    REQUIRE(text.exit_code == 1);
    no_raw_controls(text.out);
    CHECK(text.out.find("\\x1b]52;c;aGk=\\x07 evil \\u202e txt") != std::string::npos);
    auto commands = lines_starting(text.out, "iptables ");
    REQUIRE(!commands.empty());
    for (const auto& c : commands) {
        CHECK(c.find("-I '$(touch${IFS}x)' 1 ") != std::string::npos);
        // Pasted into a shell, the line runs iptables with the chain name as one word, and nothing else.
        auto ran = run_command("cd '" + dir.path() + "' && iptables() { printf '%s\\n' \"$2\"; }; " + c);
        CHECK(ran.out == "$(touch${IFS}x)\n");
        CHECK(!std::filesystem::exists(dir.path("x")));
    }
    auto md = run_flowgap("audit '" + dir.path("d.yaml") + "' --format markdown --output -");
    no_raw_controls(md.out);
    CHECK(md.out.find("\\x1b]52") != std::string::npos);
    auto explain =
        run_flowgap("explain '" + dir.path("d.yaml") + "' --firewall h --from 10.20.5.1 --to 10.20.5.37");
    no_raw_controls(explain.out + explain.err);
    CHECK(explain.out.find("\\u202e") != std::string::npos);
}

TEST_CASE("a netsh rule name that would run a command in cmd.exe gets no command") {
    TempDir dir;
    dir.write(
        "n.txt",
        "Rule Name:                            \" & calc.exe & rem \"\n"
        "----------------------------------------------------------------------\n"
        "Enabled:                              Yes\nDirection:                            In\n"
        "Profiles:                             Domain,Private,Public\nLocalIP:                              "
        "Any\n"
        "RemoteIP:                             Any\nProtocol:                             TCP\n"
        "LocalPort:                            17472\nRemotePort:                           Any\n"
        "Program:                              Any\nAction:                               Block\n\nOk.\n");
    dir.write("d.yaml", roles() + "  - {name: n, config: n.txt, host: 10.20.5.37}\n");
    auto r = run_flowgap("audit '" + dir.path("d.yaml") + "' --format text --output -");
    CHECK(r.out.find(
              "no command: the rule name \"\" & calc.exe & rem \"\" cannot be quoted safely for cmd.exe") !=
          std::string::npos);
    CHECK(lines_starting(r.out, "netsh ").empty());
    // An ordinary name still gets its commands, quoted as before.
    TempDir ok;
    std::string listing = read_file(dir.path("n.txt"));
    listing.replace(listing.find("\" & calc.exe & rem \""), 20, "Block peers");
    ok.write("n.txt", listing);
    ok.write("d.yaml", roles() + "  - {name: n, config: n.txt, host: 10.20.5.37}\n");
    auto fine = run_flowgap("audit '" + ok.path("d.yaml") + "' --format text --output -");
    auto cmds = lines_starting(fine.out, "netsh ");
    REQUIRE(!cmds.empty());
    CHECK(cmds[0] == "netsh advfirewall firewall delete rule name=\"Block peers\"");
}

TEST_CASE("PAN-OS rule names are quoted or refused, escaped in XML, and a newline stays visible") {
    std::string xml = read_file(source_path("fixtures/paloalto/dc-fw.xml"));
    auto with_name = [&](const std::string& name) {
        std::string x = xml;
        x.replace(x.find("deny-upper-branches"), 19, name);
        return x;
    };
    std::string deployment = read_file(source_path("fixtures/paloalto/deployment.yaml"));
    {
        TempDir dir;
        dir.write("dc-fw.xml", with_name("deny&#10;```&#10;x&#34; ; rm -rf / ; &#x202e;&#x1b;"));
        dir.write("deployment.yaml", deployment);
        auto text = run_flowgap("audit '" + dir.path("deployment.yaml") + "' --format text --output -");
        no_raw_controls(text.out);
        CHECK(text.out.find(
                  "no command: the rule name \"deny\\n```\\nx\" ; rm -rf / ; \\u202e\\x1b\" cannot be "
                  "quoted safely for the PAN-OS CLI") != std::string::npos);
        for (const char* verb : {"move ", "set ", "delete "})
            for (const auto& c : lines_starting(text.out, verb))
                CHECK(c.find("rm -rf") == std::string::npos);
        auto md = run_flowgap("audit '" + dir.path("deployment.yaml") + "' --format markdown --output -");
        no_raw_controls(md.out);
        // No line but the writer's own fences starts a code block: the name's ``` stays inside its line.
        for (const auto& line : lines_starting(md.out, "```"))
            CHECK(line.find_first_not_of('`') == std::string::npos);
    }
    {
        TempDir dir;
        dir.write("dc-fw.xml", with_name("deny &lt;b&gt; &amp; 'x'"));
        dir.write("deployment.yaml", deployment);
        auto text = run_flowgap("audit '" + dir.path("deployment.yaml") + "' --format text --output -");
        auto moves = lines_starting(text.out, "move ");
        REQUIRE(!moves.empty());
        CHECK(moves[0].find("before \"deny <b> & 'x'\"") != std::string::npos);
        auto md = run_flowgap("audit '" + dir.path("deployment.yaml") + "' --format markdown --output -");
        bool outside = md.out.find("<b>") != std::string::npos && md.out.find("<b>") < md.out.find("```");
        CHECK(!outside);  // only inside the code block
    }
}
