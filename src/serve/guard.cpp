#include "src/serve/guard.hpp"

#include <algorithm>

#include "analysis/address.hpp"

namespace flowgap::serve {

namespace http = boost::beast::http;
using analysis::Address;

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// The name part of a Host value or an --allowed-host name: "[::1]:8080" -> "[::1]",
// "localhost:8080" -> "localhost". Empty when the port part is not digits.
std::string host_name(std::string_view host) {
    size_t colon = host.rfind(':');
    size_t bracket = host.rfind(']');
    if (colon == std::string_view::npos || (bracket != std::string_view::npos && colon < bracket))
        return lower(host);
    std::string_view port = host.substr(colon + 1);
    if (port.empty() || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return "";
    return lower(host.substr(0, colon));
}

std::string bracketed(const std::string& host) {
    return host.find(':') == std::string::npos ? host : "[" + host + "]";
}

}  // namespace

std::string header_of(const Request& r, http::field f) {
    auto v = r[f];
    return std::string(v.data(), v.size());
}

Guard::Guard(const std::string& listen_host, bool loopback, const std::vector<std::string>& allowed,
             std::string token)
    : token_(std::move(token)) {
    any_address_ = listen_host == "0.0.0.0" || listen_host == "::";
    names_.push_back(lower(bracketed(listen_host)));
    if (loopback) names_.insert(names_.end(), {"localhost", "127.0.0.1", "[::1]"});
    for (const auto& name : allowed)
        names_.push_back(host_name(name));
}

bool Guard::token_is(const std::string& given) const {
    const std::string& b = token_;
    unsigned char diff = given.size() == b.size() ? 0 : 1;
    for (size_t i = 0; i < given.size(); ++i)
        diff |= static_cast<unsigned char>(given[i] ^ b[i % (b.empty() ? 1 : b.size())]);
    return diff == 0 && !b.empty();
}

bool Guard::authorized(const Request& r) const {
    if (token_.empty()) return true;
    std::string auth = header_of(r, http::field::authorization);
    if (auth.rfind("Bearer ", 0) == 0 && token_is(auth.substr(7))) return true;
    std::string cookies = header_of(r, http::field::cookie);
    for (size_t at = cookies.find("flowgap_token="); at != std::string::npos;
         at = cookies.find("flowgap_token=", at + 1)) {
        if (at != 0 && cookies[at - 1] != ' ' && cookies[at - 1] != ';') continue;
        size_t begin = at + 14, end = cookies.find(';', begin);
        return token_is(cookies.substr(begin, end == std::string::npos ? std::string::npos : end - begin));
    }
    return false;
}

std::optional<Refusal> Guard::host(const Request& r) const {
    std::string host = header_of(r, http::field::host);
    if (host.empty()) return Refusal{400, "the request has no Host header"};
    std::string name = host_name(host);
    bool literal = !name.empty() &&
                   Address::parse(name.front() == '[' ? name.substr(1, name.size() - 2) : name).has_value();
    if (std::find(names_.begin(), names_.end(), name) != names_.end() || (any_address_ && literal))
        return std::nullopt;
    return Refusal{403, "Host '" + host +
                            "' is not a name of this server (a page on another site would be sending it: "
                            "start the server with --allowed-host NAME to answer to NAME)"};
}

std::optional<Refusal> Guard::origin(const Request& r) {
    if (r.method() != http::verb::post) return std::nullopt;
    auto fetch_site = r["Sec-Fetch-Site"];  // Beast 1.74 has no constant for it
    std::string site = lower(std::string_view(fetch_site.data(), fetch_site.size()));
    if (site == "cross-site" || site == "same-site")
        return Refusal{403, "a request sent by a page of another site (Sec-Fetch-Site: " + site + ")"};
    if (r.find(http::field::origin) == r.end()) return std::nullopt;
    std::string origin = lower(header_of(r, http::field::origin));
    std::string host = lower(header_of(r, http::field::host));
    if (origin == "http://" + host || origin == "https://" + host) return std::nullopt;
    return Refusal{403, "a request sent by a page of another origin (Origin: " +
                            header_of(r, http::field::origin) + ")"};
}

}  // namespace flowgap::serve
