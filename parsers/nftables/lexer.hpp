// The tokens of `nft list ruleset` output and of nftables.conf-style files (`nft -f` input).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace flowgap::parsers::nftables {

struct Token {
    enum class Kind {
        word,     // keywords, names, numbers, addresses, prefixes, ranges, `@set`, `$var`
        string,   // "quoted" (text without the quotes)
        punct,    // { } ( ) ; , = == != < > <= >= & | ^
        newline,  // ends a statement outside braces
        handle,   // `# handle N` as `nft -a` prints it: text is N
    };
    // 32 bytes: a 200,000-rule listing holds millions of tokens, all kept until the rules are read.
    Kind kind = Kind::word;
    uint32_t line = 0;
    std::string_view text;
    uint32_t column = 0;

    // The token's first byte in the file (a string's opening quote), and one past its last.
    const char* begin() const { return text.data() - (kind == Kind::string ? 1 : 0); }
    const char* end() const { return text.data() + text.size() + (kind == Kind::string ? 1 : 0); }

    bool is(std::string_view word) const { return kind == Kind::word && text == word; }
    bool is_punct(std::string_view p) const { return kind == Kind::punct && text == p; }
};

static_assert(sizeof(Token) <= 32, "a Token is one per word of the file: keep it small");

// Splits the file into tokens, ending with a newline token. Comments other than `# handle N`
// are dropped. Throws analysis::InputError, located, for an unterminated string or a byte nft
// syntax never holds (a control character).
std::vector<Token> tokenize(const std::shared_ptr<const std::string>& path, std::string_view content);

}  // namespace flowgap::parsers::nftables
