// The HTTP/1.1 layer of `flowgap serve`, on Boost.Beast: one thread per connection up to a cap
// (and a cap per client address), Beast's strict parser with a header limit and a body limit
// counted as the body arrives (chunked included), a form body read into its parts as it arrives,
// deadlines from the first byte of each request (408 when one passes), keep-alive and pipelined
// requests answered in order. What a request means is the caller's (src/serve/serve.cpp).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "src/serve/multipart.hpp"

namespace flowgap::serve {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

struct HttpLimits {
    size_t max_body = 256u << 20;     // bytes of a request body, chunked or not; more: 413
    size_t max_header = 16u << 10;    // bytes of the request line and headers; more: 431
    size_t max_connections = 64;      // connections served at once; more wait in the backlog
    size_t max_per_address = 32;      // of which from one client address (IPv6: one /64); 0: any
    std::chrono::seconds idle{5};     // a kept-alive connection waits this long for a request
    std::chrono::seconds header{10};  // the headers must arrive this long after the first byte
    std::chrono::seconds body{60};    // the body (and the response) within this
};

struct HttpHandler {
    // Sees the headers before any of the body is read: a response here is sent without reading
    // the body, and the connection is closed (so the body can never be read as a request).
    std::function<std::optional<Response>(const Request& head)> check;
    // For a request `check` let through: the boundary of its multipart/form-data body when the
    // body is to be read as a form as it arrives (its parts go to `handle`, each stored once, and a
    // malformed body is answered 400 as soon as it shows); nullopt: the body is kept whole in the
    // request.
    std::function<std::optional<std::string>(const Request& head)> form;
    // The whole request, body read; `parts` the form's when `form` named a boundary.
    std::function<Response(Request& request, std::vector<FormPart>& parts)> handle;
    // An answer for what the HTTP layer refuses itself (400, 408, 413, 431, 503): status and why.
    std::function<Response(unsigned status, const std::string& why)> refuse;
    // Called after each response (for the log).
    std::function<void(const Request& request, const Response& response)> log;
};

// Accepts on `acceptor` (bound and listening) until the process stops.
void serve_http(boost::asio::ip::tcp::acceptor& acceptor, const HttpLimits& limits,
                const HttpHandler& handler);

}  // namespace flowgap::serve
