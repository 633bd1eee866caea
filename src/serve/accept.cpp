// The accept loop of `flowgap serve`'s HTTP layer: a thread per connection up to
// --max-connections, and at most --max-connections-per-address of them from one client, so that
// one client holding slow connections cannot take every slot.
#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <semaphore>
#include <thread>

#include <boost/asio/io_context.hpp>

#include "src/serve/connection.hpp"
#include "src/serve/http.hpp"

namespace flowgap::serve {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// A client as the limit counts it: its address; for IPv6 its /64, which one client usually holds
// whole (an IPv4 address mapped into IPv6 counts as the IPv4 address).
std::string client_of(const tcp::endpoint& peer) {
    net::ip::address a = peer.address();
    if (a.is_v6() && a.to_v6().is_v4_mapped()) return a.to_v6().to_v4().to_string();
    if (a.is_v4()) return a.to_string();
    auto bytes = a.to_v6().to_bytes();
    std::fill(bytes.begin() + 8, bytes.end(), 0);
    return net::ip::address_v6(bytes).to_string() + "/64";
}

// The connections being served, per client.
class Tally {
  public:
    explicit Tally(size_t limit) : limit_(limit) {}
    // False when the client is at its limit already (nothing is counted then).
    bool enter(const std::string& client) {
        std::lock_guard lock(mutex_);
        size_t& n = open_[client];
        if (limit_ != 0 && n >= limit_) return false;
        ++n;
        return true;
    }
    void leave(const std::string& client) {
        std::lock_guard lock(mutex_);
        auto it = open_.find(client);
        if (it != open_.end() && --it->second == 0) open_.erase(it);
    }

  private:
    std::mutex mutex_;
    std::map<std::string, size_t> open_;
    size_t limit_;
};

// Refusals answered at once, each on a thread for at most a couple of seconds; past this many
// at once a refused connection is closed without an answer.
constexpr int max_refusing = 16;

void refuse(std::unique_ptr<net::io_context> ioc, tcp::socket socket, const HttpLimits& limits,
            const HttpHandler& handler, const std::shared_ptr<std::atomic<int>>& refusing) {
    if (refusing->fetch_add(1) >= max_refusing) {
        refusing->fetch_sub(1);
        boost::system::error_code ignored;
        socket.close(ignored);  // before its io_context goes
        return;
    }
    std::string why = "too many connections from this client address at once (" +
                      std::to_string(limits.max_per_address) + "; see --max-connections-per-address)";
    std::thread([refusing, ioc = std::move(ioc), socket = std::move(socket), &limits, &handler,
                 why]() mutable {
        try {
            refuse_connection(std::move(ioc), std::move(socket), limits, handler, why);
        } catch (const std::exception&) {
        }
        refusing->fetch_sub(1);
    }).detach();
}

}  // namespace

void serve_http(tcp::acceptor& acceptor, const HttpLimits& limits, const HttpHandler& handler) {
    // Past the cap the next connection is not accepted: it waits in the listen backlog until a
    // connection ends (at the latest when its deadline passes).
    auto free =
        std::make_shared<std::counting_semaphore<>>(static_cast<std::ptrdiff_t>(limits.max_connections));
    auto tally = std::make_shared<Tally>(limits.max_per_address);
    auto refusing = std::make_shared<std::atomic<int>>(0);
    for (;;) {
        free->acquire();
        auto ioc = std::make_unique<net::io_context>(1);
        boost::system::error_code ec;
        tcp::endpoint peer;
        tcp::socket socket = acceptor.accept(*ioc, peer, ec);
        if (ec) {
            free->release();
            if (ec == net::error::no_descriptors || ec == net::error::no_buffer_space)
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            continue;
        }
        std::string client = client_of(peer);
        if (!tally->enter(client)) {
            free->release();
            refuse(std::move(ioc), std::move(socket), limits, handler, refusing);
            continue;
        }
        std::thread([free, tally, client, ioc = std::move(ioc), socket = std::move(socket), &limits,
                     &handler]() mutable {
            try {
                serve_connection(std::move(ioc), std::move(socket), limits, handler);
            } catch (const std::exception&) {
                // A connection that fails (out of memory, a handler bug) ends alone.
            }
            tally->leave(client);
            free->release();
        }).detach();
    }
}

}  // namespace flowgap::serve
