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
    Kind kind = Kind::word;
    std::string_view text;
    uint32_t line = 0;
    uint32_t column = 0;
    const char* begin = nullptr;  // the token's first byte in the file (its quote for strings)
    const char* end = nullptr;    // one past its last byte

    bool is(std::string_view word) const { return kind == Kind::word && text == word; }
    bool is_punct(std::string_view p) const { return kind == Kind::punct && text == p; }
};

// Splits the file into tokens, ending with a newline token. Comments other than `# handle N`
// are dropped. Throws analysis::InputError, located, for an unterminated string or a byte nft
// syntax never holds (a control character).
std::vector<Token> tokenize(const std::shared_ptr<const std::string>& path, std::string_view content);

}  // namespace flowgap::parsers::nftables
