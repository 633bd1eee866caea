// The iptables line grammar on its own: how a rule line splits into arguments, as
// iptables-restore's add_param_to_argv() splits it.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "parsers/iptables/grammar.hpp"

using flowgap::parsers::iptables::Token;
using flowgap::parsers::iptables::tokenize;

namespace {

struct Split {
    std::vector<std::string> text;
    std::vector<std::string> raw;
    std::vector<bool> quoted;
};

Split split(std::string_view line) {
    std::vector<Token> tokens;
    std::string scratch;
    REQUIRE_FALSE(tokenize(line, tokens, scratch));
    Split out;
    for (const auto& t : tokens) {
        out.text.emplace_back(t.text);
        out.raw.emplace_back(t.raw);
        out.quoted.push_back(t.quoted());
    }
    return out;
}

}  // namespace

TEST_CASE("iptables tokenizer: blanks separate, quotes group and escape", "[iptables]") {
    auto plain = split("  -A INPUT\t-s 10.0.0.1/32  -j ACCEPT \t");
    REQUIRE(plain.text == std::vector<std::string>{"-A", "INPUT", "-s", "10.0.0.1/32", "-j", "ACCEPT"});
    REQUIRE(plain.raw == plain.text);
    REQUIRE(plain.quoted == std::vector<bool>(6, false));

    // Quoting does not end a token, a backslash escapes inside quotes only, and "" is an
    // empty argument.
    auto quoted = split(R"(--comment "a \"b\" c" x"y z"w a\b "\\" "")");
    REQUIRE(quoted.text == std::vector<std::string>{"--comment", "a \"b\" c", "xy zw", "a\\b", "\\", ""});
    REQUIRE(quoted.raw == std::vector<std::string>{"--comment", R"("a \"b\" c")", R"(x"y z"w)", R"(a\b)",
                                                   R"("\\")", R"("")"});
    REQUIRE(quoted.quoted == std::vector<bool>{false, true, true, false, true, true});

    REQUIRE(split("").text.empty());
    REQUIRE(split(" \t ").text.empty());
}

TEST_CASE("iptables tokenizer: an unterminated quote is reported where it opens", "[iptables]") {
    std::vector<Token> tokens;
    std::string scratch;
    REQUIRE(tokenize(R"(-A X "abc)", tokens, scratch) == 5u);
    REQUIRE(tokenize(R"(-A X ab"c d)", tokens, scratch) == 7u);
    REQUIRE(tokenize(R"(-A X "a\")", tokens, scratch) == 5u);
    REQUIRE(tokenize(R"(-A X "a" "b)", tokens, scratch) == 9u);
}
