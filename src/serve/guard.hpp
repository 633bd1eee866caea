// Who may use `flowgap serve`: the token, the names the server answers to (against DNS
// rebinding), and the origins that may change its state (against cross-site requests from any
// page the user opens while the service runs on loopback without a token).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/serve/http.hpp"

namespace flowgap::serve {

struct Refusal {
    unsigned status;
    std::string message;
};

class Guard {
  public:
    // `listen_host` as --listen names it (brackets removed); `allowed` the --allowed-host names.
    Guard(const std::string& listen_host, bool loopback, const std::vector<std::string>& allowed,
          std::string token);

    bool has_token() const { return !token_.empty(); }
    const std::string& token() const { return token_; }
    // Compares in time independent of where the strings differ.
    bool token_is(const std::string& given) const;
    // `Authorization: Bearer TOKEN`, else the cookie that `/?token=TOKEN` sets.
    bool authorized(const Request& r) const;

    // The Host header must name this server: an --allowed-host name, the listen address, the
    // loopback names when it listens on loopback, any address literal when it listens on all.
    std::optional<Refusal> host(const Request& r) const;
    // A POST must come from this server's own page: no Origin other than its own,
    // no Sec-Fetch-Site saying another site sent it.
    static std::optional<Refusal> origin(const Request& r);

  private:
    std::vector<std::string> names_;  // lower case, IPv6 in brackets, no port
    bool any_address_ = false;
    std::string token_;
};

// A header's value as a std::string ("" when absent).
std::string header_of(const Request& r, boost::beast::http::field f);

}  // namespace flowgap::serve
