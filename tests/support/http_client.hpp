// A small HTTP/1.1 client over raw loopback sockets, for the serve tests: whole requests for the
// API tests, and bytes as they are for the hostile ones (which send what no library would).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flowgap::testing {

// A loopback TCP connection; closed with the object.
class Socket {
  public:
    // `from`: the loopback address to connect from (127.0.0.2 is another client than 127.0.0.1).
    explicit Socket(int port, const char* from = nullptr) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in source{};
        source.sin_family = AF_INET;
        if (fd_ >= 0 && from &&
            (::inet_pton(AF_INET, from, &source.sin_addr) != 1 ||
             ::bind(fd_, reinterpret_cast<sockaddr*>(&source), sizeof source) != 0)) {
            ::close(fd_);
            fd_ = -1;
        }
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<uint16_t>(port));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }
    ~Socket() {
        if (fd_ >= 0) ::close(fd_);
    }
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    Socket(Socket&& o) noexcept : fd_(std::exchange(o.fd_, -1)), closed_(o.closed_) {}

    bool ok() const { return fd_ >= 0; }
    // Whether the last receive() ended because the peer closed (or reset) the connection.
    bool closed() const { return closed_; }
    // False when the peer stopped taking bytes (it closed, or reset the connection).
    bool send(std::string_view bytes) {
        while (!bytes.empty()) {
            ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (n <= 0) return false;
            bytes.remove_prefix(static_cast<size_t>(n));
        }
        return true;
    }
    // Whether the peer sent something (or closed) that was not read yet.
    bool readable() const {
        pollfd p{fd_, POLLIN, 0};
        return ::poll(&p, 1, 0) > 0;
    }
    // Reads until the peer closes, `limit` bytes came, `enough` says so, or `wait` passed.
    std::string receive(std::chrono::milliseconds wait, size_t limit = 64u << 20,
                        const std::function<bool(const std::string&)>& enough = {}) {
        std::string out;
        auto until = std::chrono::steady_clock::now() + wait;
        while (out.size() < limit && !(enough && enough(out))) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                until - std::chrono::steady_clock::now());
            pollfd p{fd_, POLLIN, 0};
            if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
            char chunk[65536];
            ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
            closed_ = n <= 0;
            if (n <= 0) break;
            out.append(chunk, static_cast<size_t>(n));
        }
        return out;
    }

  private:
    int fd_ = -1;
    bool closed_ = false;
};

struct HttpResponse {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
    std::string body;
    std::string get_header_value(std::string name) const {
        for (auto& c : name)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        for (const auto& [n, v] : headers)
            if (n == name) return v;
        return "";
    }
};

// The responses in `bytes`, in order, each with a Content-Length (serve always sends one);
// an incomplete last one is left out.
inline std::vector<HttpResponse> parse_responses(std::string_view bytes) {
    std::vector<HttpResponse> out;
    while (bytes.starts_with("HTTP/1.1 ")) {
        size_t end = bytes.find("\r\n\r\n");
        if (end == std::string_view::npos || bytes.size() < 12) break;
        HttpResponse r;
        r.status = std::stoi(std::string(bytes.substr(9, 3)));
        size_t length = 0;
        for (size_t at = bytes.find("\r\n") + 2; at < end + 2;) {
            size_t eol = bytes.find("\r\n", at);
            std::string_view line = bytes.substr(at, eol - at);
            size_t colon = line.find(':');
            std::string name(line.substr(0, colon));
            for (auto& c : name)
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            std::string_view value = line.substr(colon + 1);
            while (value.starts_with(' '))
                value.remove_prefix(1);
            if (name == "content-length") length = std::stoul(std::string(value));
            r.headers.emplace_back(name, std::string(value));
            at = eol + 2;
        }
        if (bytes.size() < end + 4 + length) break;
        r.body = std::string(bytes.substr(end + 4, length));
        bytes.remove_prefix(end + 4 + length);
        if (r.status != 100) out.push_back(std::move(r));
    }
    return out;
}

struct FormFile {
    std::string name, content, filename, content_type = "application/octet-stream";
};
using FormFiles = std::vector<FormFile>;

// One request per connection (`Connection: close`), as a script's curl would send it.
class HttpClient {
  public:
    explicit HttpClient(int port) : port_(port) {}
    void set_bearer_token_auth(std::string token) { token_ = std::move(token); }
    using Headers = std::vector<std::pair<std::string, std::string>>;

    std::optional<HttpResponse> Get(const std::string& path, const Headers& headers = {}) const {
        return request("GET", path, headers, "");
    }
    std::optional<HttpResponse> Post(const std::string& path, const std::string& body,
                                     const std::string& type) const {
        return request("POST", path, {{"Content-Type", type}}, body);
    }
    std::optional<HttpResponse> Post(const std::string& path, const FormFiles& files) const {
        const std::string boundary = "----flowgap-test-boundary-7MA4YWxkTrZu0gW";
        std::string body;
        for (const auto& f : files)
            body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.name +
                    "\"; filename=\"" + f.filename + "\"\r\nContent-Type: " + f.content_type + "\r\n\r\n" +
                    f.content + "\r\n";
        body += "--" + boundary + "--\r\n";
        return request("POST", path, {{"Content-Type", "multipart/form-data; boundary=" + boundary}}, body);
    }

    std::optional<HttpResponse> request(const std::string& method, const std::string& path, Headers headers,
                                        const std::string& body) const {
        Socket s(port_);
        if (!s.ok()) return std::nullopt;
        std::string head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) +
                           "\r\nConnection: close\r\n";
        if (!token_.empty()) headers.emplace_back("Authorization", "Bearer " + token_);
        if (!body.empty() || method == "POST")
            headers.emplace_back("Content-Length", std::to_string(body.size()));
        for (const auto& [n, v] : headers)
            head += n + ": " + v + "\r\n";
        // A refusal from the headers closes the connection before the body is read: what the
        // server answered still counts. Done at the first whole response, as a browser would be.
        s.send(head + "\r\n");
        s.send(body);
        auto whole = [](const std::string& got) { return !parse_responses(got).empty(); };
        auto all = parse_responses(s.receive(std::chrono::seconds(300), 64u << 20, whole));
        if (all.empty()) return std::nullopt;
        return all.front();
    }

  private:
    int port_;
    std::string token_;
};

}  // namespace flowgap::testing
