#include "src/serve/http.hpp"

#include <limits>
#include <memory>
#include <semaphore>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace flowgap::serve {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

// What the read-ahead buffer may hold: the headers (bounded by the parser's header limit) and
// the part of the body read with them. The body itself goes to the request, bounded by max_body.
constexpr size_t buffer_limit = 256u << 10;

// One connection, served on its own thread with its own io_context: each read and write is an
// asynchronous Beast operation run to completion at once, so that tcp_stream's deadline applies
// (synchronous Beast I/O has none).
class Connection {
  public:
    Connection(std::unique_ptr<net::io_context> ioc, tcp::socket socket, const HttpLimits& limits,
               const HttpHandler& handler)
        : ioc_(std::move(ioc)), stream_(std::move(socket)), limits_(limits), handler_(handler) {}

    void serve() {
        while (serve_one()) {
        }
        linger();
    }

  private:
    template <class Start>
    beast::error_code run(Start start) {
        beast::error_code result;
        start([&result](beast::error_code ec, size_t) { result = ec; });
        ioc_->restart();
        ioc_->run();
        return result;
    }

    // Waits up to the idle time for the first byte of the next request (already there when the
    // client pipelined it). False when the client closed or stayed silent.
    bool first_byte() {
        if (buffer_.size() > 0) return true;
        stream_.expires_after(limits_.idle);
        auto space = buffer_.prepare(4096);
        size_t got = 0;
        beast::error_code ec;
        stream_.async_read_some(space, [&](beast::error_code e, size_t n) {
            ec = e;
            got = n;
        });
        ioc_->restart();
        ioc_->run();
        buffer_.commit(got);
        return !ec && got > 0;
    }

    // Reads and answers one request. False when the connection is to be closed.
    bool serve_one() {
        if (!first_byte()) return false;
        http::request_parser<http::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(limits_.max_header));
        // Checked below, once the headers were judged. Not boost::none: Boost 1.74's parser
        // compares the length against the empty optional and refuses every body.
        parser.body_limit(std::numeric_limits<std::uint64_t>::max());
        stream_.expires_after(limits_.header);
        beast::error_code ec = run([&](auto h) { http::async_read_header(stream_, buffer_, parser, h); });
        if (ec) return refuse_read(ec);
        if (auto early = handler_.check(parser.get())) return send(parser.get(), std::move(*early), false);
        auto length = parser.content_length();
        if (length && *length > limits_.max_body) return refuse_read(http::error::body_limit);
        parser.body_limit(limits_.max_body);
        stream_.expires_after(limits_.body);
        if (!parser.is_done()) {
            if (beast::iequals(parser.get()[http::field::expect], "100-continue")) continue_();
            ec = run([&](auto h) { http::async_read(stream_, buffer_, parser, h); });
            if (ec) return refuse_read(ec);
        }
        Request request = parser.release();
        Response response = handler_.handle(request);
        return send(request, std::move(response), request.keep_alive());
    }

    void continue_() {
        static constexpr std::string_view interim = "HTTP/1.1 100 Continue\r\n\r\n";
        run([&](auto h) { net::async_write(stream_, net::buffer(interim.data(), interim.size()), h); });
    }

    // A request the HTTP layer refuses: a status when the client can still read one, then close.
    bool refuse_read(beast::error_code ec) {
        unsigned status = 400;
        std::string why = "the request is not well-formed HTTP/1.1: " + ec.message();
        // A deadline that passed has closed the socket already (tcp_stream does): nothing to say.
        if (ec == http::error::end_of_stream || ec == net::error::eof || ec == net::error::connection_reset ||
            ec == beast::error::timeout)
            return false;
        if (ec == http::error::body_limit) {
            status = 413;
            why = "";
        } else if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
            status = 431;
            why = "the request's headers are larger than this server takes (" +
                  std::to_string(limits_.max_header) + " bytes)";
        }
        Request none;
        send(none, handler_.refuse(status, why), false);
        return false;
    }

    bool send(const Request& request, Response response, bool keep_alive) {
        response.keep_alive(keep_alive);
        response.prepare_payload();
        if (handler_.log) handler_.log(request, response);
        stream_.expires_after(limits_.body);
        beast::error_code ec = run([&](auto h) { http::async_write(stream_, response, h); });
        return !ec && keep_alive;
    }

    // Closing with unread bytes pending makes the kernel reset the connection, which can destroy
    // the response before the client reads it: stop sending, then drain a little, for a moment.
    void linger() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
        stream_.expires_after(std::chrono::seconds(1));
        char sink[16384];
        for (size_t drained = 0; !ec && drained < (1u << 20);) {
            size_t got = 0;
            stream_.async_read_some(net::buffer(sink), [&](beast::error_code e, size_t n) {
                ec = e;
                got = n;
            });
            ioc_->restart();
            ioc_->run();
            drained += got;
        }
        stream_.socket().close(ec);
    }

    std::unique_ptr<net::io_context> ioc_;
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_{buffer_limit};
    const HttpLimits& limits_;
    const HttpHandler& handler_;
};

}  // namespace

void serve_http(tcp::acceptor& acceptor, const HttpLimits& limits, const HttpHandler& handler) {
    // Past the cap the next connection is not accepted: it waits in the listen backlog until a
    // connection ends (at the latest when its deadline passes).
    auto free =
        std::make_shared<std::counting_semaphore<>>(static_cast<std::ptrdiff_t>(limits.max_connections));
    for (;;) {
        free->acquire();
        auto ioc = std::make_unique<net::io_context>(1);
        beast::error_code ec;
        tcp::socket socket = acceptor.accept(*ioc, ec);
        if (ec) {
            free->release();
            if (ec == net::error::no_descriptors || ec == net::error::no_buffer_space)
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            continue;
        }
        std::thread([free, ioc = std::move(ioc), socket = std::move(socket), &limits, &handler]() mutable {
            try {
                Connection(std::move(ioc), std::move(socket), limits, handler).serve();
            } catch (const std::exception&) {
                // A connection that fails (out of memory, a handler bug) ends alone.
            }
            free->release();
        }).detach();
    }
}

}  // namespace flowgap::serve
