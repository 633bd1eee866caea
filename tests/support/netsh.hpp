// Helpers for the netsh tests: encoding test text the way Windows writes it, parsing a snippet,
// and asking the resulting policies about one packet.
#pragma once

#include <memory>
#include <string>

#include "analysis/evaluate.hpp"
#include "parsers/netsh/netsh.hpp"

namespace flowgap::testing::netsh {

// UTF-8 to UTF-16LE bytes (with a BOM unless told otherwise), with surrogate pairs above U+FFFF.
inline std::string utf16le(const std::string& utf8, bool bom = true) {
    std::string out = bom ? std::string("\xFF\xFE") : std::string();
    auto put = [&](uint32_t u) {
        out.push_back(static_cast<char>(u & 0xFF));
        out.push_back(static_cast<char>(u >> 8));
    };
    for (size_t i = 0; i < utf8.size();) {
        auto c = static_cast<unsigned char>(utf8[i]);
        uint32_t cp = c;
        size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        if (n > 1) cp = c & (0xFF >> (n + 1));
        for (size_t k = 1; k < n; ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
        i += n;
        if (cp >= 0x10000) {
            put(0xD800 + ((cp - 0x10000) >> 10));
            put(0xDC00 + ((cp - 0x10000) & 0x3FF));
        } else {
            put(cp);
        }
    }
    return out;
}

// LF to CRLF, as every Windows console capture has it.
inline std::string crlf(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '\n') out.push_back('\r');
        out.push_back(c);
    }
    return out;
}

inline analysis::Firewall parse_netsh(const std::string& content, const parsers::ParseOptions& options = {}) {
    return parsers::netsh::parse(std::make_shared<const std::string>("test.txt"),
                                 std::make_shared<const std::string>(content), options);
}

inline const analysis::Policy& policy(const analysis::Firewall& fw, analysis::Direction d) {
    for (const auto& p : fw.policies) {
        if (p.direction == d) return p;
    }
    throw std::runtime_error("no such policy");
}

// The verdict for one TCP connection (or ICMP type/code in `port` as type*256+code).
inline analysis::Verdict verdict(const analysis::Firewall& fw, analysis::Direction d, const char* src,
                                 const char* dst, uint32_t proto, uint32_t port, std::string program = "") {
    using namespace analysis;
    FlowSpace packet =
        FlowSpace::of(*AddressSet::parse(src), *AddressSet::parse(dst), ProtocolSet::single(proto),
                      PortSet::single(port), PortSet::single(50000));
    return evaluate(policy(fw, d), packet, Context{std::move(program)}).verdict;
}

inline bool has_warning(const analysis::Firewall& fw, const std::string& part) {
    for (const auto& w : fw.warnings) {
        if (w.str().find(part) != std::string::npos) return true;
    }
    return false;
}

}  // namespace flowgap::testing::netsh
