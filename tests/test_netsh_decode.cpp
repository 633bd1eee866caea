#include <catch2/catch.hpp>

#include "parsers/netsh/decode.hpp"
#include "tests/support/netsh.hpp"

using flowgap::parsers::netsh::decode;
using flowgap::testing::netsh::crlf;
using flowgap::testing::netsh::utf16le;

TEST_CASE("netsh decode: UTF-16LE with BOM and CRLF becomes UTF-8 with LF", "[netsh]") {
    auto d = decode(utf16le(crlf("Regelname: Domäne\nÖffentlich\n")));
    CHECK(d.encoding == "UTF-16LE");
    CHECK(d.text == "Regelname: Domäne\nÖffentlich\n");
    CHECK(d.problems.empty());
}

TEST_CASE("netsh decode: UTF-16LE without BOM is recognized by its NUL bytes", "[netsh]") {
    auto d = decode(utf16le("Rule Name: x\r\n", false));
    CHECK(d.encoding == "UTF-16LE");
    CHECK(d.text == "Rule Name: x\n");
}

TEST_CASE("netsh decode: UTF-16BE and surrogate pairs", "[netsh]") {
    std::string le = utf16le("a\xF0\x9F\x98\x80z", false);  // U+1F600
    std::string be = "\xFE\xFF";
    for (size_t i = 0; i < le.size(); i += 2) {
        be.push_back(le[i + 1]);
        be.push_back(le[i]);
    }
    auto d = decode(be);
    CHECK(d.encoding == "UTF-16BE");
    CHECK(d.text == "a\xF0\x9F\x98\x80z");
}

TEST_CASE("netsh decode: unpaired surrogates and a half character are replaced and located", "[netsh]") {
    std::string bytes = utf16le("x\ny");
    bytes += std::string("\x00\xD8", 2);  // a lone high surrogate on line 2
    bytes += std::string("\x41", 1);      // half a character at the end
    auto d = decode(bytes);
    CHECK(d.text == "x\ny\xEF\xBF\xBD\xEF\xBF\xBD");
    REQUIRE(d.problems.size() == 2);
    CHECK(d.problems[0].line == 2);
    CHECK(d.problems[0].message.find("surrogate") != std::string::npos);
    CHECK(d.problems[1].message.find("half") != std::string::npos);
}

TEST_CASE("netsh decode: UTF-8 BOM is dropped, invalid bytes read as code page 850", "[netsh]") {
    CHECK(decode("\xEF\xBB\xBFOk.\r\n").text == "Ok.\n");
    auto d = decode("Profile: Dom\x84ne\r\nx");  // cmd.exe's OEM output: 0x84 is a-umlaut in CP850
    CHECK(d.text == "Profile: Domäne\nx");
    REQUIRE(d.problems.size() == 1);
    CHECK(d.problems[0].line == 1);
    CHECK(d.problems[0].message.find("850") != std::string::npos);
    CHECK(decode("Dom\xE4ne").text == "Domäne");  // Windows-1252 when no OEM letters appear
}

TEST_CASE("netsh decode: mixed encodings switch at a line and say where", "[netsh]") {
    std::string bytes = utf16le(crlf("Rule Name: a\n")) + "Rule Name: b\r\n" + utf16le(crlf("Ok.\n"));
    auto d = decode(bytes);
    CHECK(d.text == "Rule Name: a\nRule Name: b\nOk.\n");
    REQUIRE(d.problems.size() == 2);
    CHECK(d.problems[0].line == 2);
    CHECK(d.problems[0].message.find("UTF-16LE to UTF-8") != std::string::npos);
    CHECK(d.problems[1].line == 3);
    CHECK(d.problems[1].message.find("byte order mark") != std::string::npos);
}

TEST_CASE("netsh decode: arbitrary bytes never crash and keep the line count", "[netsh]") {
    std::string junk;
    uint32_t x = 12345;
    for (int i = 0; i < 20000; ++i) {
        x = x * 1103515245u + 12345u;
        junk.push_back(static_cast<char>(x >> 24));
    }
    for (size_t cut : {size_t(0), size_t(1), size_t(2), size_t(7)}) {
        auto d = decode(std::string("\xFF\xFE") + junk.substr(cut));
        CHECK_FALSE(d.text.empty());
        auto d2 = decode(junk.substr(cut));
        CHECK_FALSE(d2.text.empty());
    }
}
