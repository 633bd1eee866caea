#include "src/serve/http.hpp"

#include <array>
#include <limits>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "src/serve/connection.hpp"

namespace flowgap::serve {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

// What the read-ahead buffer may hold: the headers (bounded by the parser's header limit) and
// the part of the body read with them. The body goes on in pieces of the size of `piece_`.
constexpr size_t buffer_limit = 256u << 10;

// A refusal's answer, and a 408's, gets this long to be written: the client may not be reading.
constexpr std::chrono::seconds last_word{1};

// One connection, served on its own thread with its own io_context: each read and write is an
// asynchronous Beast operation run to completion at once, against a deadline of its own timer.
// A passed deadline cancels the operation and leaves the socket open (a 408 can still be said).
class Connection {
  public:
    Connection(std::unique_ptr<net::io_context> ioc, tcp::socket socket, const HttpLimits& limits,
               const HttpHandler& handler)
        : ioc_(std::move(ioc)),
          socket_(std::move(socket)),
          timer_(*ioc_),
          limits_(limits),
          handler_(handler) {}

    void serve() {
        while (serve_one()) {
        }
        linger();
    }

    void refuse(const std::string& why) {
        Request none;
        send(none, handler_.refuse(503, why), false, last_word);
        linger();
    }

  private:
    using Parser = http::request_parser<http::buffer_body>;

    // Runs one asynchronous operation to its end or to deadline_, whichever comes first.
    template <class Start>
    beast::error_code run(Start start) {
        beast::error_code result;
        bool expired = false;
        timer_.expires_at(deadline_);
        timer_.async_wait([&](beast::error_code ec) {
            if (ec) return;
            expired = true;
            beast::error_code ignored;
            socket_.cancel(ignored);
        });
        start([&](beast::error_code ec, size_t) {
            result = ec;
            timer_.cancel();
        });
        ioc_->restart();
        ioc_->run();
        return expired && result ? beast::error::timeout : result;
    }

    void expires_after(Clock::duration d) { deadline_ = Clock::now() + d; }

    // Waits up to the idle time for the first byte of the next request (already there when the
    // client pipelined it). False when the client closed or stayed silent.
    bool first_byte() {
        if (buffer_.size() > 0) return true;
        expires_after(limits_.idle);
        auto space = buffer_.prepare(4096);
        size_t got = 0;
        beast::error_code ec = run([&](auto h) {
            socket_.async_read_some(space, [&got, h](beast::error_code e, size_t n) mutable {
                got = n;
                h(e, n);
            });
        });
        buffer_.commit(got);
        return !ec && got > 0;
    }

    // Reads and answers one request. False when the connection is to be closed.
    bool serve_one() {
        if (!first_byte()) return false;
        Parser parser;
        parser.header_limit(static_cast<std::uint32_t>(limits_.max_header));
        // Checked below, once the headers were judged. Not boost::none: Boost 1.74's parser
        // compares the length against the empty optional and refuses every body.
        parser.body_limit(std::numeric_limits<std::uint64_t>::max());
        expires_after(limits_.header);
        beast::error_code ec = run([&](auto h) { http::async_read_header(socket_, buffer_, parser, h); });
        if (ec) return refuse_read(ec);
        Request request(parser.get().base());
        if (auto early = handler_.check(request)) return send(request, std::move(*early), false);
        auto length = parser.content_length();
        if (length && *length > limits_.max_body) return refuse_read(http::error::body_limit);
        parser.body_limit(limits_.max_body);
        std::vector<FormPart> parts;
        if (!read_body(parser, request, parts)) return false;
        Response response = handler_.handle(request, parts);
        return send(request, std::move(response), request.keep_alive());
    }

    // The body, as it arrives, into the request or through a FormReader into `parts`. False
    // when the request was refused (answered as far as the client can still read an answer).
    bool read_body(Parser& parser, Request& request, std::vector<FormPart>& parts) {
        std::optional<FormReader> form;
        if (auto boundary = handler_.form(request)) form.emplace(*boundary);
        expires_after(limits_.body);
        if (!parser.is_done() && beast::iequals(request[http::field::expect], "100-continue")) continue_();
        try {
            while (!parser.is_done()) {
                parser.get().body().data = piece_.data();
                parser.get().body().size = piece_.size();
                beast::error_code ec = run([&](auto h) { http::async_read(socket_, buffer_, parser, h); });
                if (ec == http::error::need_buffer) ec = {};
                if (ec) return refuse_read(ec);
                std::string_view got(piece_.data(), piece_.size() - parser.get().body().size);
                if (form)
                    form->feed(got);
                else
                    request.body().append(got);
            }
            if (form) parts = form->finish();
        } catch (const std::invalid_argument& e) {
            std::string why = std::string("the upload is not well-formed multipart/form-data: ") + e.what();
            send(request, handler_.refuse(400, why), false);
            return false;
        }
        return true;
    }

    void continue_() {
        static constexpr std::string_view interim = "HTTP/1.1 100 Continue\r\n\r\n";
        run([&](auto h) { net::async_write(socket_, net::buffer(interim.data(), interim.size()), h); });
    }

    // A request the HTTP layer refuses: a status when the client can still read one, then close.
    bool refuse_read(beast::error_code ec) {
        if (ec == http::error::end_of_stream || ec == net::error::eof || ec == net::error::connection_reset)
            return false;
        Request none;
        if (ec == beast::error::timeout) {
            // Nothing of a response was written for this request (a 100 Continue is not one).
            send(none,
                 handler_.refuse(408, "the request did not arrive in time (--header-timeout, --timeout)"),
                 false, last_word);
            return false;
        }
        unsigned status = 400;
        std::string why = "the request is not well-formed HTTP/1.1: " + ec.message();
        if (ec == http::error::body_limit) {
            status = 413;
            why = "";
        } else if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
            status = 431;
            why = "the request's headers are larger than this server takes (" +
                  std::to_string(limits_.max_header) + " bytes)";
        }
        send(none, handler_.refuse(status, why), false);
        return false;
    }

    bool send(const Request& request, Response response, bool keep_alive) {
        return send(request, std::move(response), keep_alive, limits_.body);
    }

    bool send(const Request& request, Response response, bool keep_alive, Clock::duration within) {
        response.keep_alive(keep_alive);
        response.prepare_payload();
        if (handler_.log) handler_.log(request, response);
        expires_after(within);
        beast::error_code ec = run([&](auto h) { http::async_write(socket_, response, h); });
        return !ec && keep_alive;
    }

    // Closing with unread bytes pending makes the kernel reset the connection, which can destroy
    // the response before the client reads it: stop sending, then drain a little, for a moment.
    void linger() {
        beast::error_code ec;
        socket_.shutdown(tcp::socket::shutdown_send, ec);
        expires_after(last_word);
        for (size_t drained = 0; !ec && drained < (1u << 20);) {
            size_t got = 0;
            ec = run([&](auto h) {
                socket_.async_read_some(net::buffer(piece_),
                                        [&got, h](beast::error_code e, size_t n) mutable {
                                            got = n;
                                            h(e, n);
                                        });
            });
            drained += got;
        }
        socket_.close(ec);
    }

    std::unique_ptr<net::io_context> ioc_;
    tcp::socket socket_;
    net::steady_timer timer_;
    Clock::time_point deadline_;
    beast::flat_buffer buffer_{buffer_limit};
    std::array<char, 64u << 10> piece_{};  // a piece of the body, as it arrives
    const HttpLimits& limits_;
    const HttpHandler& handler_;
};

}  // namespace

void serve_connection(std::unique_ptr<net::io_context> ioc, tcp::socket socket, const HttpLimits& limits,
                      const HttpHandler& handler) {
    Connection(std::move(ioc), std::move(socket), limits, handler).serve();
}

void refuse_connection(std::unique_ptr<net::io_context> ioc, tcp::socket socket, const HttpLimits& limits,
                       const HttpHandler& handler, const std::string& why) {
    Connection(std::move(ioc), std::move(socket), limits, handler).refuse(why);
}

}  // namespace flowgap::serve
