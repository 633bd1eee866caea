// One connection of `flowgap serve`'s HTTP layer (src/serve/http.cpp), for the accept loop
// (src/serve/accept.cpp).
#pragma once

#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "src/serve/http.hpp"

namespace flowgap::serve {

// Serves the connection's requests until it closes; `ioc` is its own, run on this thread.
void serve_connection(std::unique_ptr<boost::asio::io_context> ioc, boost::asio::ip::tcp::socket socket,
                      const HttpLimits& limits, const HttpHandler& handler);

// Answers the connection 503 (`why`) without reading a request, within a second, and closes it.
void refuse_connection(std::unique_ptr<boost::asio::io_context> ioc, boost::asio::ip::tcp::socket socket,
                       const HttpLimits& limits, const HttpHandler& handler, const std::string& why);

}  // namespace flowgap::serve
