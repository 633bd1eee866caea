// serve's multipart/form-data reader (src/serve/multipart.cpp) on what browsers and curl send,
// and on what they never would.
#include <stdexcept>

#include <catch2/catch.hpp>

#include "src/serve/multipart.hpp"

using namespace flowgap::serve;

namespace {

std::string part(const std::string& disposition, const std::string& content,
                 const std::string& extra = "Content-Type: application/octet-stream\r\n") {
    return "--XyZ\r\nContent-Disposition: " + disposition + "\r\n" + extra + "\r\n" + content + "\r\n";
}

}  // namespace

TEST_CASE("multipart: the boundary comes from the Content-Type", "[serve][multipart]") {
    CHECK(form_boundary("multipart/form-data; boundary=XyZ") == "XyZ");
    CHECK(form_boundary("Multipart/Form-Data;boundary=\"a b\"") == "a b");
    CHECK(form_boundary("multipart/form-data; charset=utf-8; boundary=----WebKitFormBoundaryq") ==
          "----WebKitFormBoundaryq");
    CHECK_FALSE(form_boundary("application/json"));
    CHECK_FALSE(form_boundary("multipart/form-data"));
    CHECK_FALSE(form_boundary("multipart/form-data; boundary="));
    CHECK_FALSE(form_boundary("multipart/form-data; boundary=" + std::string(71, 'a')));
    CHECK_FALSE(form_boundary("multipart/mixed; boundary=XyZ"));
}

TEST_CASE("multipart: parts as curl and browsers send them", "[serve][multipart]") {
    std::string body =
        "--XyZ\r\nContent-Disposition: form-data; name=\"deployment\"; filename=\"d.yaml\"\r\n"
        "Content-Type: application/octet-stream\r\n\r\nroles: {}\r\n" +
        part("form-data; name=\"config:core\"; filename=\"C:\\exports\\core.xml\"",
             "<config>--XyZ\r\n-XyZ\r\n</config>") +
        part("form-data; name=empty; filename=\"\"", "") + "--XyZ--\r\nepilogue";
    auto parts = parse_form(body, "XyZ");
    REQUIRE(parts.size() == 3);
    CHECK(parts[0].name == "deployment");
    CHECK(parts[0].filename == "d.yaml");
    CHECK(parts[0].content == "roles: {}");
    CHECK(parts[1].name == "config:core");
    CHECK(parts[1].filename == "C:\\exports\\core.xml");  // a backslash escapes nothing
    CHECK(parts[1].content == "<config>--XyZ\r\n-XyZ\r\n</config>");
    CHECK(parts[2].name == "empty");
    CHECK(parts[2].content.empty());
    CHECK(parse_form("--XyZ--\r\n", "XyZ").empty());
}

TEST_CASE("multipart: Content-Disposition is read left to right", "[serve][multipart]") {
    auto d = parse_disposition(" form-data ; filename=\"a;b=c.txt\" ;NAME=field ");
    CHECK(d.type == "form-data");
    CHECK(d.name == "field");
    CHECK(d.has_name);
    CHECK(d.filename == "a;b=c.txt");
    CHECK_FALSE(parse_disposition("form-data").has_name);
    CHECK_THROWS_AS(parse_disposition("form-data; name=\"open"), std::invalid_argument);
}

TEST_CASE("multipart: malformed bodies are refused, saying why", "[serve][multipart]") {
    auto refused = [](const std::string& body) {
        try {
            parse_form(body, "XyZ");
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    CHECK(refused("preamble\r\n--XyZ--\r\n") == "the body does not begin with its boundary");
    CHECK(refused(part("form-data; name=a", "x")) == "the body ends inside a part (no closing boundary)");
    CHECK(refused(part("attachment; name=a", "x") + "--XyZ--") ==
          "a part without `Content-Disposition: form-data; name=...`");
    CHECK(refused(part("form-data; filename=a", "x") + "--XyZ--") ==
          "a part without `Content-Disposition: form-data; name=...`");
    CHECK(refused("--XyZ\r\nX-Other: 1\r\n\r\nx\r\n--XyZ--") ==
          "a part without `Content-Disposition: form-data; name=...`");
    CHECK(refused("--XyZ\r\nno colon here\r\n\r\nx\r\n--XyZ--") == "a part header without a colon");
    CHECK(refused("--XyZgarbage") == "a boundary not followed by a line end");
    CHECK(refused(part("form-data; name=a", "x", "Content-Disposition: form-data; name=b\r\n") + "--XyZ--") ==
          "a part with two Content-Disposition headers");
    // A part's headers are bounded, whatever follows them: the 508 KB Content-Disposition of issue 14.
    std::string huge = "form-data; name=\"a\"; filename=\"" + std::string(508 * 1024, 'a') + "\"";
    CHECK(refused(part(huge, "x") + "--XyZ--") == "a part's headers are longer than 8192 bytes");
    CHECK(refused("--XyZ\r\nContent-Disposition: form-data; name=a") == "a part's headers do not end");
}

TEST_CASE("multipart: ten thousand parts and a 50 MB part in one pass", "[serve][multipart]") {
    std::string body;
    for (int i = 0; i < 10000; ++i)
        body += part("form-data; name=\"f" + std::to_string(i) + "\"", std::string(100, 'x'));
    std::string big(50u << 20, '-');  // dashes everywhere: a boundary almost begins at every byte
    body += part("form-data; name=big", big) + "--XyZ--\r\n";
    auto parts = parse_form(body, "XyZ");
    REQUIRE(parts.size() == 10001);
    CHECK(parts[9999].name == "f9999");
    CHECK(parts.back().content.size() == big.size());
}

namespace {

// The parts (or the error) of `body` fed to a FormReader in the pieces `cuts` marks.
std::string read_in_pieces(const std::string& body, const std::vector<size_t>& cuts) {
    FormReader reader("XyZ");
    std::string out;
    try {
        size_t from = 0;
        for (size_t cut : cuts) {
            reader.feed(std::string_view(body).substr(from, cut - from));
            from = cut;
        }
        reader.feed(std::string_view(body).substr(from));
        for (const auto& p : reader.finish())
            out += "[" + p.name + "|" + p.filename + "|" + p.content + "]";
    } catch (const std::invalid_argument& e) {
        out = std::string("error: ") + e.what();
    }
    return out;
}

// A delimiter followed by neither "--" nor CRLF (b's content begins with one), after a part full of
// delimiter look-alikes.
const std::string tricky_body =
    part("form-data; name=\"a\"; filename=\"a.txt\"", "x\r\r\n--Xy\r\n-XyQ\r\n--X") +
    part("form-data; name=b", "\r\n--XyZ-not-this\r") + "--XyZ--\r\n";

}  // namespace

TEST_CASE("multipart: a body split at any byte reads as the whole body does", "[serve][multipart]") {
    // Delimiter look-alikes across every cut: a CR before the delimiter (its match starts over one
    // byte later), the boundary's prefixes, a delimiter without its last letter.
    std::string good = part("form-data; name=\"a\"; filename=\"a.txt\"", "x\r\r\n--Xy\r\n-XyQ\r\n--X\r") +
                       part("form-data; name=b", "") + "--XyZ--\r\n";
    std::string whole = read_in_pieces(good, {});
    CHECK(whole == "[a|a.txt|x\r\r\n--Xy\r\n-XyQ\r\n--X\r][b||]");
    for (size_t cut = 0; cut <= good.size(); ++cut) {
        INFO("cut at " << cut);
        CHECK(read_in_pieces(good, {cut}) == whole);
    }
    for (size_t a = 0; a <= good.size(); a += 3)
        for (size_t b = a; b <= good.size(); ++b)
            REQUIRE(read_in_pieces(good, {a, b}) == whole);
    std::vector<size_t> every_byte;
    for (size_t i = 1; i < good.size(); ++i)
        every_byte.push_back(i);
    CHECK(read_in_pieces(good, every_byte) == whole);
}

TEST_CASE("multipart: a malformed body gives the same error wherever it is split", "[serve][multipart]") {
    std::string long_header = "--XyZ\r\nContent-Disposition: form-data; name=\"a\"; filename=\"" +
                              std::string(9000, 'a') + "\"\r\n\r\nx\r\n--XyZ--";
    for (const std::string& body :
         {tricky_body, std::string("--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n--XyZ"),
          std::string("--XyQ"), std::string("--XyZ\r\nX: 1\r\n\r\n"), long_header,
          long_header.substr(0, 8200)}) {
        INFO(body.substr(0, 80));
        std::string whole = read_in_pieces(body, {});
        CHECK(whole.starts_with("error: "));
        for (size_t cut = 0; cut <= body.size(); ++cut)
            REQUIRE(read_in_pieces(body, {cut}) == whole);
        std::vector<size_t> every_byte;
        for (size_t i = 1; i < body.size(); ++i)
            every_byte.push_back(i);
        CHECK(read_in_pieces(body, every_byte) == whole);
    }
}

TEST_CASE("multipart: a part's headers past the limit are refused before the body's end",
          "[serve][multipart]") {
    FormReader reader("XyZ");
    reader.feed("--XyZ\r\nContent-Disposition: form-data; name=\"a\"; filename=\"");
    std::string a(1024, 'a');
    size_t fed = 0;
    bool refused = false;
    try {
        for (; fed < (64u << 20); fed += a.size())
            reader.feed(a);
    } catch (const std::invalid_argument& e) {
        refused = true;
        CHECK(std::string(e.what()) == "a part's headers are longer than 8192 bytes");
    }
    CHECK(refused);
    CHECK(fed < max_part_header);
}

TEST_CASE("multipart: a 50 MB part fed in pieces is stored once, whole", "[serve][multipart]") {
    FormReader reader("XyZ");
    reader.feed("--XyZ\r\nContent-Disposition: form-data; name=big\r\n\r\n");
    std::string piece(65521, '-');  // a prime length: the pieces end at every offset of the delimiter
    piece[100] = '\r';
    size_t total = 0;
    for (; total < (50u << 20); total += piece.size())
        reader.feed(piece);
    reader.feed("\r\n--XyZ--\r\n");
    auto parts = reader.finish();
    REQUIRE(parts.size() == 1);
    CHECK(parts[0].content.size() == total);
    CHECK(parts[0].content.capacity() == total);  // joined once at its exact size
    CHECK(parts[0].content.substr(0, 102) == std::string(100, '-') + "\r-");
}
