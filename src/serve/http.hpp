// The HTTP/1.1 layer of `flowgap serve`, on Boost.Beast: one thread per connection up to a cap,
// Beast's strict parser with a header limit and a body limit counted as the body arrives (chunked
// included), deadlines from the first byte of each request, keep-alive and pipelined requests
// answered in order. What a request means is the caller's (src/serve/serve.cpp).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace flowgap::serve {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

struct HttpLimits {
    size_t max_body = 256u << 20;     // bytes of a request body, chunked or not; more: 413
    size_t max_header = 16u << 10;    // bytes of the request line and headers; more: 431
    size_t max_connections = 64;      // connections served at once; more wait in the backlog
    std::chrono::seconds idle{5};     // a kept-alive connection waits this long for a request
    std::chrono::seconds header{10};  // the headers must arrive this long after the first byte
    std::chrono::seconds body{60};    // the body (and the response) within this
};

struct HttpHandler {
    // Sees the headers before any of the body is read: a response here is sent without reading
    // the body, and the connection is closed (so the body can never be read as a request).
    std::function<std::optional<Response>(const Request& head)> check;
    // The whole request, body read.
    std::function<Response(Request& request)> handle;
    // An answer for what the HTTP layer refuses itself (400, 408, 413, 431): status and why.
    std::function<Response(unsigned status, const std::string& why)> refuse;
    // Called after each response (for the log).
    std::function<void(const Request& request, const Response& response)> log;
};

// Accepts on `acceptor` (bound and listening) until the process stops.
void serve_http(boost::asio::ip::tcp::acceptor& acceptor, const HttpLimits& limits,
                const HttpHandler& handler);

}  // namespace flowgap::serve
