#include "parsers/nftables/lexer.hpp"

#include <fmt/format.h>

#include "analysis/diagnostic.hpp"

namespace flowgap::parsers::nftables {

namespace {

// Characters of a word: nft's identifiers, numbers, addresses (IPv6 included), prefixes,
// ranges (`8000-8080`, `10.0.0.1-10.0.0.9`), `ipv6-icmp`, `@set` and `$var` references, and
// the `*` of an interface wildcard.
bool word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == ':' || c == '/' || c == '-' || c == '@' || c == '$' || c == '*' || c == '+' ||
           c == '%' || c == '~';
}

// `# handle 12` (nft -a): the number, else empty.
std::string_view handle_of(std::string_view comment) {
    constexpr std::string_view kHandle = "# handle ";
    if (!comment.starts_with(kHandle)) return {};
    std::string_view n = comment.substr(kHandle.size());
    while (!n.empty() && (n.back() == ' ' || n.back() == '\t' || n.back() == '\r'))
        n.remove_suffix(1);
    if (n.empty() || n.size() > 19) return {};
    for (char c : n)
        if (c < '0' || c > '9') return {};
    return n;
}

class Lexer {
  public:
    Lexer(const std::shared_ptr<const std::string>& path, std::string_view text) : path_(path), text_(text) {}

    std::vector<Token> run() {
        // A token is rarely shorter than 4 bytes with its blank: reserving that many costs no
        // memory until written (untouched pages), and spares the copies of a growing vector.
        out_.reserve(text_.size() / 4 + 16);
        while (at_ < text_.size())
            next();
        push(Token::Kind::newline, at_, at_);
        return std::move(out_);
    }

  private:
    void next() {
        char c = text_[at_];
        if (c == '\n') {
            push(Token::Kind::newline, at_, at_ + 1);
            ++at_;
            ++line_;
            line_start_ = at_;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\\') {
            // A backslash before the end of a line continues it (nftables.conf files).
            if (c == '\\' && !continuation()) fail("a backslash outside a string");
            ++at_;
        } else if (c == '#') {
            comment();
        } else if (c == '"') {
            string();
        } else if (word_char(c)) {
            size_t start = at_;
            while (at_ < text_.size() && word_char(text_[at_]))
                ++at_;
            push(Token::Kind::word, start, at_);
        } else {
            punct();
        }
    }

    bool continuation() {
        size_t i = at_ + 1;
        while (i < text_.size() && (text_[i] == ' ' || text_[i] == '\t' || text_[i] == '\r'))
            ++i;
        if (i >= text_.size() || text_[i] != '\n') return false;
        at_ = i;  // the newline is skipped with the backslash: one logical line
        ++line_;
        line_start_ = at_ + 1;
        return true;
    }

    void comment() {
        size_t end = text_.find('\n', at_);
        if (end == std::string_view::npos) end = text_.size();
        std::string_view n = handle_of(text_.substr(at_, end - at_));
        if (!n.empty()) {
            size_t start = static_cast<size_t>(n.data() - text_.data());
            push(Token::Kind::handle, start, start + n.size());
        }
        at_ = end;
    }

    void string() {
        size_t start = at_;
        size_t end = at_ + 1;
        while (end < text_.size() && text_[end] != '"' && text_[end] != '\n')
            ++end;
        if (end >= text_.size() || text_[end] != '"') fail("a string without its closing quote");
        push(Token::Kind::string, start, end + 1);
        out_.back().text = text_.substr(start + 1, end - start - 1);
        at_ = end + 1;
    }

    void punct() {
        static constexpr std::string_view kTwo[] = {"==", "!=", "<=", ">="};
        for (std::string_view two : kTwo) {
            if (text_.substr(at_, 2) == two) {
                push(Token::Kind::punct, at_, at_ + 2);
                at_ += 2;
                return;
            }
        }
        char c = text_[at_];
        if (std::string_view("{}();,=<>&|^!").find(c) == std::string_view::npos) {
            auto byte = static_cast<unsigned char>(c);
            if (byte < 0x20 || byte == 0x7f)
                fail(fmt::format("a control character (0x{:02x}) where nft syntax holds none", byte));
            // Other bytes (UTF-8 in names outside strings) are not nft syntax either.
            fail(fmt::format("'{}' is not nft syntax here",
                             byte < 0x80 ? std::string(1, c) : "\\x" + fmt::format("{:02x}", byte)));
        }
        push(Token::Kind::punct, at_, at_ + 1);
        ++at_;
    }

    void push(Token::Kind kind, size_t begin, size_t end) {
        Token t;
        t.kind = kind;
        t.text = text_.substr(begin, end - begin);
        t.line = line_;
        t.column = static_cast<uint32_t>(begin - line_start_ + 1);
        out_.push_back(t);
    }

    [[noreturn]] void fail(const std::string& message) const {
        throw analysis::InputError(
            analysis::SourceLocation{path_, line_, static_cast<uint32_t>(at_ - line_start_ + 1)}, message);
    }

    const std::shared_ptr<const std::string>& path_;
    std::string_view text_;
    size_t at_ = 0;
    uint32_t line_ = 1;
    size_t line_start_ = 0;
    std::vector<Token> out_;
};

}  // namespace

std::vector<Token> tokenize(const std::shared_ptr<const std::string>& path, std::string_view content) {
    return Lexer(path, content).run();
}

}  // namespace flowgap::parsers::nftables
