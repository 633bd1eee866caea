// `flowgap serve` under the attacks of issue 14, on loopback: bodies past the limit however they
// are framed, huge and slow headers, request smuggling, pipelining, other sites' requests. Each
// asserts the answer, that the server's peak memory stayed bounded (VmHWM of the child), and that
// it still answers afterwards. Every wait is bounded; none asserts a time.
#include <atomic>
#include <cstdio>
#include <fstream>
#include <thread>

#include <catch2/catch.hpp>

#include "tests/support/e2e.hpp"
#include "tests/support/serve.hpp"

using flowgap::testing::HttpResponse;
using flowgap::testing::parse_responses;
using flowgap::testing::ServeProcess;
using flowgap::testing::Socket;
using namespace std::chrono_literals;

namespace {

// Under AddressSanitizer (`make test-sanitize`) the serve child's peak says nothing of flowgap's
// own memory: shadow memory and the quarantine of freed blocks (256 MB) add to it. That pass
// checks the answers and that the server still answers; the plain build's pass checks memory.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kPeakMeasured = false;
#else
constexpr bool kPeakMeasured = true;
#endif

// The serve child's peak resident memory, in MB (VmHWM).
long peak_mb(const ServeProcess& server) {
    std::ifstream status("/proc/" + std::to_string(server.pid()) + "/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6)) / 1024;
    return -1;
}

// What every attack must leave behind: bounded memory and a server that still answers.
void still_fine(const ServeProcess& server) {
    long peak = peak_mb(server);
    INFO("VmHWM " << peak << " MB");
    CHECK(peak > 0);
    if (kPeakMeasured) CHECK(peak < 200);
    auto info = server.client().Get("/api/info");
    REQUIRE(info);
    CHECK(info->status == 200);
}

std::string host(const ServeProcess& s) {
    return "Host: 127.0.0.1:" + std::to_string(s.port()) + "\r\n";
}

// Sends `head`, then `piece` over and over (up to `total` bytes) until the server answers or stops
// reading; then the answer. The server must answer long before `total`.
// `sent`, when given, says how many bytes of the pieces the server took before it answered.
std::vector<HttpResponse> flood(const ServeProcess& server, const std::string& head, const std::string& piece,
                                size_t total, size_t* sent = nullptr) {
    Socket s(server.port());
    s.send(head);
    size_t taken = 0;
    for (; taken < total; taken += piece.size()) {
        if (s.readable() || !s.send(piece)) break;  // an answer already: stop sending
    }
    if (sent) *sent = taken;
    return parse_responses(s.receive(5s));
}

// One connection, `bytes` sent at once, the responses read until the server closes (or 10 s).
std::vector<HttpResponse> talk(const ServeProcess& server, const std::string& bytes) {
    Socket s(server.port());
    s.send(bytes);
    return parse_responses(s.receive(10s));
}

std::string fmt_hex(size_t n) {
    char text[32];
    std::snprintf(text, sizeof text, "%zx", n);
    return text;
}

const std::string multipart = "Content-Type: multipart/form-data; boundary=b0undary\r\n";

}  // namespace

TEST_CASE("serve hostile: a chunked body is counted against --max-upload as it arrives", "[serve][hostile]") {
    ServeProcess server({"--max-upload", "1000000"});
    // A part begins well (the form is read as it arrives: anything else would be 400 at once).
    std::string start = "--b0undary\r\nContent-Disposition: form-data; name=\"fw\"\r\n\r\n";
    std::string head = "POST /api/audit HTTP/1.1\r\n" + host(server) + multipart +
                       "Transfer-Encoding: chunked\r\n\r\n" + fmt_hex(start.size()) + "\r\n" + start + "\r\n";
    // 64 KiB chunks, up to 256 MB of them: 413 once past 1 MB.
    std::string chunk = "10000\r\n" + std::string(65536, 'x') + "\r\n";
    auto answers = flood(server, head, chunk, 256u << 20);
    REQUIRE(answers.size() == 1);
    CHECK(answers[0].status == 413);
    CHECK(answers[0].body.find("larger than this server takes") != std::string::npos);
    // One chunk that claims 64 GB.
    auto claim = flood(server, head + "1000000000\r\n", std::string(65536, 'x'), 64u << 20);
    REQUIRE(claim.size() == 1);
    CHECK(claim[0].status == 413);
    still_fine(server);
}

TEST_CASE("serve hostile: an upload without a length is refused before its body", "[serve][hostile]") {
    ServeProcess server({"--max-upload", "1000000"});
    std::string head = "POST /api/audit HTTP/1.1\r\n" + host(server) + multipart + "\r\n";
    auto answers = flood(server, head, std::string(65536, 'x'), 256u << 20);
    REQUIRE(answers.size() == 1);
    CHECK(answers[0].status == 411);
    still_fine(server);
}

TEST_CASE("serve hostile: a compressed body is refused, never inflated", "[serve][hostile]") {
    ServeProcess server({"--max-upload", "1000000"});
    for (const char* encoding : {"Content-Encoding: gzip\r\n", "Content-Encoding: deflate\r\n"}) {
        std::string head = "POST /api/audit HTTP/1.1\r\n" + host(server) + multipart + encoding +
                           "Content-Length: 900000\r\n\r\n";
        auto answers = flood(server, head, std::string(65536, '\0'), 900000);
        REQUIRE(answers.size() == 1);
        CHECK(answers[0].status == 415);
    }
    // A transfer coding other than chunked is no better.
    auto gzip_te = talk(server, "POST /api/audit HTTP/1.1\r\n" + host(server) + multipart +
                                    "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n");
    REQUIRE(gzip_te.size() == 1);
    CHECK(gzip_te[0].status == 501);
    still_fine(server);
}

TEST_CASE("serve hostile: a huge header line is cut off at the header limit", "[serve][hostile]") {
    ServeProcess server({});
    std::string head = "GET /api/info HTTP/1.1\r\n" + host(server) + "X-Padding: ";
    auto answers = flood(server, head, std::string(65536, 'a'), 512u << 20);
    REQUIRE(answers.size() == 1);
    CHECK(answers[0].status == 431);
    still_fine(server);
}

TEST_CASE("serve hostile: slow connections neither hold the service nor stay forever", "[serve][hostile]") {
    ServeProcess server({"--header-timeout", "2"});
    // More than cpp-httplib's 32 worker threads, each sending a byte of its headers every 200 ms,
    // from three addresses (each within --max-connections-per-address), none of them the normal one.
    std::vector<Socket> slow;
    for (int i = 0; i < 48; ++i) {
        std::string from = "127.0.0." + std::to_string(2 + i % 3);
        slow.emplace_back(server.port(), from.c_str());
        slow.back().send("GET /api/info HTTP/1.1\r\n" + host(server) + "X-Slow: ");
    }
    std::atomic<bool> stop = false;
    std::thread drip([&] {
        for (int round = 0; round < 100 && !stop; ++round) {
            for (auto& s : slow)
                s.send("a");
            std::this_thread::sleep_for(200ms);
        }
    });
    // A normal request meanwhile is answered (the client waits at most 10 s).
    Socket normal(server.port());
    normal.send("GET /api/info HTTP/1.1\r\n" + host(server) + "Connection: close\r\n\r\n");
    auto answers = parse_responses(normal.receive(10s));
    // The slow ones are answered 408 and closed once the header deadline passes (the client waits
    // at most 10 s).
    auto late = parse_responses(slow.front().receive(10s));
    stop = true;
    drip.join();
    REQUIRE(answers.size() == 1);
    CHECK(answers[0].status == 200);
    REQUIRE(late.size() == 1);
    CHECK(late[0].status == 408);
    CHECK(late[0].get_header_value("Connection") == "close");
    CHECK(slow.front().closed());
    still_fine(server);
}

TEST_CASE("serve hostile: a 508 KB Content-Disposition is refused at once", "[serve][hostile]") {
    ServeProcess server({"--deployment", "fixtures/demo/deployment.yaml"});
    std::string body = "--b0undary\r\nContent-Disposition: form-data; name=\"core-router\"; filename=\"" +
                       std::string(508 * 1024, 'a') + "\"\r\n\r\nx\r\n--b0undary--\r\n";
    std::string request = "POST /api/audit HTTP/1.1\r\n" + host(server) + multipart +
                          "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" +
                          body;
    auto answers = talk(server, request);  // at most 10 s, where cpp-httplib's regex took 21
    REQUIRE(answers.size() == 1);
    CHECK(answers[0].status == 400);
    CHECK(answers[0].body.find("headers are longer than 8192 bytes") != std::string::npos);
    still_fine(server);
}

TEST_CASE("serve hostile: a multi-MB part header is refused after its first 8 KiB", "[serve][hostile]") {
    ServeProcess server({"--deployment", "fixtures/demo/deployment.yaml"});
    const std::string start =
        "--b0undary\r\nContent-Disposition: form-data; name=\"core-router\"; filename=\"";
    const std::string end = "\"\r\n\r\nx\r\n--b0undary--\r\n";
    const size_t name = 64u << 20;
    std::string head = "POST /api/audit HTTP/1.1\r\n" + host(server) + multipart +
                       "Content-Length: " + std::to_string(start.size() + name + end.size()) + "\r\n\r\n" +
                       start;
    size_t sent = 0;
    auto answers = flood(server, head, std::string(65536, 'a'), name, &sent);
    REQUIRE(answers.size() == 1);
    CHECK(answers[0].status == 400);
    CHECK(answers[0].body.find("headers are longer than 8192 bytes") != std::string::npos);
    CHECK(answers[0].get_header_value("Connection") == "close");
    // The server stopped reading at the limit: what it took is what the sockets buffer, not 64 MB
    // (the server that buffered the body first read all of it, and held it).
    INFO("sent " << sent << " bytes");
    CHECK(sent < name / 2);
    long peak = peak_mb(server);
    INFO("VmHWM " << peak << " MB");
    if (kPeakMeasured) CHECK(peak < 40);
    still_fine(server);
}

TEST_CASE("serve hostile: an upload is held in memory once, not twice", "[serve][hostile]") {
    // No deployment: the audit stops at once (400) after the upload was read, so the peak is the
    // reading. Buffered whole and then copied part by part, the server's peak was twice the part.
    ServeProcess server({});
    const size_t size = 64u << 20;
    std::string body =
        "--b0undary\r\nContent-Disposition: form-data; name=\"fw\"; filename=\"fw.rules\"\r\n\r\n" +
        std::string(size, '#') + "\r\n--b0undary--\r\n";
    auto answers = talk(server, "POST /api/audit HTTP/1.1\r\n" + host(server) + multipart +
                                    "Content-Length: " + std::to_string(body.size()) +
                                    "\r\nConnection: close\r\n\r\n" + body);
    REQUIRE(answers.size() == 1);
    CHECK(answers[0].status == 400);
    CHECK(answers[0].body.find("no deployment") != std::string::npos);
    long peak = peak_mb(server);
    INFO("VmHWM " << peak << " MB for a " << (size >> 20) << " MB part");
    CHECK(peak > 64);
    if (kPeakMeasured) CHECK(peak < 64 + 32);
}

TEST_CASE("serve hostile: a body that stops coming is answered 408", "[serve][hostile]") {
    ServeProcess server({"--timeout", "1"});
    Socket s(server.port());
    s.send("POST /api/audit HTTP/1.1\r\n" + host(server) + multipart +
           "Content-Length: 1000\r\n\r\n--b0undary\r\n");
    auto answers = parse_responses(s.receive(10s));  // the client waits at most 10 s
    REQUIRE(answers.size() == 1);
    CHECK(answers[0].status == 408);
    CHECK(answers[0].get_header_value("Connection") == "close");
    CHECK(s.closed());
    still_fine(server);
}

TEST_CASE("serve hostile: one address cannot take every connection", "[serve][hostile]") {
    ServeProcess server(
        {"--max-connections", "8", "--max-connections-per-address", "3", "--header-timeout", "60"});
    const std::string get = "GET /api/info HTTP/1.1\r\n" + host(server) + "Connection: close\r\n\r\n";
    // 127.0.0.1 holds three connections in the middle of their headers: its limit.
    std::vector<Socket> held;
    for (int i = 0; i < 3; ++i) {
        held.emplace_back(server.port(), "127.0.0.1");
        REQUIRE(held.back().ok());
        held.back().send("GET /api/info HTTP/1.1\r\n" + host(server) + "X-Slow: ");
    }
    Socket fourth(server.port(), "127.0.0.1");
    fourth.send(get);
    auto refused = parse_responses(fourth.receive(10s));
    REQUIRE(refused.size() == 1);
    CHECK(refused[0].status == 503);
    CHECK(refused[0].body.find("too many connections from this client address") != std::string::npos);
    CHECK(refused[0].get_header_value("Retry-After") == "10");
    // Another address is served meanwhile.
    Socket other(server.port(), "127.0.0.2");
    REQUIRE(other.ok());
    other.send(get);
    auto served = parse_responses(other.receive(10s));
    REQUIRE(served.size() == 1);
    CHECK(served[0].status == 200);
    // Once 127.0.0.1's connections end, it is served again (as soon as the server saw them end).
    held.clear();
    int status = 0;
    for (int attempt = 0; attempt < 50 && status != 200; ++attempt) {
        if (attempt > 0) std::this_thread::sleep_for(100ms);
        Socket again(server.port(), "127.0.0.1");
        again.send(get);
        auto answer = parse_responses(again.receive(10s));
        status = answer.empty() ? 0 : answer[0].status;
    }
    CHECK(status == 200);
    still_fine(server);
}

TEST_CASE("serve hostile: a refused request's body is never read as the next request", "[serve][hostile]") {
    ServeProcess server({}, {"FLOWGAP_TOKEN=s3cret"});
    // The body is itself a request for a public path: answered, it would be a second response.
    std::string smuggled = "GET /favicon.svg HTTP/1.1\r\n" + host(server) + "\r\n";
    std::string request = "POST /api/audit HTTP/1.1\r\n" + host(server) + multipart +
                          "Content-Length: " + std::to_string(smuggled.size()) + "\r\n\r\n" + smuggled;
    auto answers = talk(server, request + "GET /favicon.svg HTTP/1.1\r\n" + host(server) + "\r\n");
    REQUIRE(answers.size() == 1);
    CHECK(answers[0].status == 401);
    CHECK(answers[0].get_header_value("Connection") == "close");
    long peak = peak_mb(server);
    if (kPeakMeasured) CHECK(peak < 200);
    auto info = server.client().Get("/favicon.svg");
    REQUIRE(info);
    CHECK(info->status == 200);
}

TEST_CASE("serve hostile: ambiguous framing is 400 and the connection closes", "[serve][hostile]") {
    ServeProcess server({});
    // A request whose body the server and a proxy in front of it could delimit differently, then
    // the request a smuggler would hide behind it: one 400, nothing else.
    std::string next = "GET /favicon.svg HTTP/1.1\r\n" + host(server) + "\r\n";
    std::string get = "GET /api/info HTTP/1.1\r\n" + host(server);
    for (const std::string& framing :
         {std::string("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
          std::string("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n"),
          "Content-Length: 5\r\nContent-Length: " + std::to_string(next.size() + 5) + "\r\n\r\nhello"}) {
        INFO(framing);
        auto answers = talk(server, get + framing + next);
        REQUIRE(answers.size() == 1);
        CHECK(answers[0].status == 400);
        CHECK(answers[0].get_header_value("Connection") == "close");
    }
    still_fine(server);
}

TEST_CASE("serve hostile: pipelined requests are all answered, in order", "[serve][hostile]") {
    ServeProcess server({});
    std::string get = "GET /api/info HTTP/1.1\r\n" + host(server) + "\r\n";
    std::string icon = "GET /favicon.svg HTTP/1.1\r\n" + host(server) + "Connection: close\r\n\r\n";
    auto answers = talk(server, get + icon);
    REQUIRE(answers.size() == 2);
    CHECK(answers[0].status == 200);
    CHECK(answers[0].get_header_value("Content-Type") == "application/json");
    CHECK(answers[1].status == 200);
    CHECK(answers[1].get_header_value("Content-Type") == "image/svg+xml");
    still_fine(server);
}

TEST_CASE("serve hostile: another site's page cannot post to the service", "[serve][hostile]") {
    ServeProcess server({});
    // A job's upload (the job itself would fail: no deployment); cpp-httplib answered 202.
    std::string body =
        "--b0undary\r\nContent-Disposition: form-data; name=\"config\"; filename=\"fw.rules\"\r\n\r\n"
        "*filter\nCOMMIT\n\r\n--b0undary--\r\n";
    auto post = [&](const std::string& extra) {
        return talk(server, "POST /api/jobs HTTP/1.1\r\n" + host(server) + multipart + extra +
                                "Content-Length: " + std::to_string(body.size()) +
                                "\r\nConnection: close\r\n\r\n" + body);
    };
    for (const char* other :
         {"Origin: http://evil.example\r\n", "Origin: null\r\n", "Origin: http://127.0.0.1:1\r\n",
          "Sec-Fetch-Site: cross-site\r\n", "Sec-Fetch-Site: same-site\r\n"}) {
        INFO(other);
        auto answers = post(other);
        REQUIRE(answers.size() == 1);
        CHECK(answers[0].status == 403);
    }
    // Its own page's origin is welcome.
    auto own = post("Origin: http://127.0.0.1:" + std::to_string(server.port()) +
                    "\r\nSec-Fetch-Site: same-origin\r\n");
    REQUIRE(own.size() == 1);
    CHECK(own[0].status == 202);
    still_fine(server);
}

TEST_CASE("serve hostile: a Host that is not the server's is refused (DNS rebinding)", "[serve][hostile]") {
    ServeProcess server({"--allowed-host", "flowgap.example.org"});
    auto get = [&](const std::string& name) {
        return talk(server, "GET /api/info HTTP/1.1\r\nHost: " + name + "\r\nConnection: close\r\n\r\n");
    };
    std::string port = std::to_string(server.port());
    for (const std::string& bad : std::vector<std::string>{"evil.example:" + port, "evil.example",
                                                           "127.0.0.1.nip.io:" + port, "[::2]:" + port}) {
        INFO(bad);
        auto answers = get(bad);
        REQUIRE(answers.size() == 1);
        CHECK(answers[0].status == 403);
    }
    auto none = talk(server, "GET /api/info HTTP/1.1\r\nConnection: close\r\n\r\n");
    REQUIRE(none.size() == 1);
    CHECK(none[0].status == 400);
    for (const std::string& good :
         std::vector<std::string>{"127.0.0.1:" + port, "localhost:" + port, "LOCALHOST:" + port,
                                  "[::1]:" + port, "flowgap.example.org", "flowgap.example.org:443"}) {
        INFO(good);
        auto answers = get(good);
        REQUIRE(answers.size() == 1);
        CHECK(answers[0].status == 200);
    }
    still_fine(server);
}

TEST_CASE("serve hostile: the page and reports run only their own script and are not framed elsewhere",
          "[serve][hostile]") {
    ServeProcess server({"--deployment", "fixtures/demo/deployment.yaml"});
    auto page = server.client().Get("/");
    REQUIRE(page);
    std::string csp = page->get_header_value("Content-Security-Policy");
    CHECK(page->get_header_value("X-Frame-Options") == "DENY");
    CHECK(csp.find("frame-ancestors 'none'") != std::string::npos);
    CHECK(csp.find("script-src 'unsafe-inline'") == std::string::npos);
    size_t at = csp.find("'nonce-");
    REQUIRE(at != std::string::npos);
    std::string nonce = csp.substr(at + 7, 32);
    CHECK(page->body.find("<script nonce=\"" + nonce + "\">") != std::string::npos);
    CHECK(page->body.find(" onclick=") == std::string::npos);
    // A new nonce for every response.
    CHECK(server.client().Get("/")->get_header_value("Content-Security-Policy") != csp);

    auto upload = flowgap::testing::FormFiles{
        {"core-router",
         flowgap::testing::read_file(flowgap::testing::source_path("fixtures/demo/core-router.rules")),
         "core-router.rules"}};
    auto html = server.client().Post("/api/audit?format=html", upload);
    REQUIRE(html);
    REQUIRE(html->status == 200);
    std::string report_csp = html->get_header_value("Content-Security-Policy");
    CHECK(report_csp.find("script-src 'nonce-") != std::string::npos);
    CHECK(report_csp.find("frame-ancestors 'self'") != std::string::npos);
    std::string report_nonce = report_csp.substr(report_csp.find("'nonce-") + 7, 32);
    CHECK(html->body.find("<script nonce=\"" + report_nonce + "\">") != std::string::npos);
    CHECK(html->body.find("<script>") == std::string::npos);
    // An inline handler would not run under the nonce (the filter form had onsubmit=).
    for (const char* handler : {" onsubmit=", " onclick=", " onchange=", " onload="})
        CHECK(html->body.find(handler) == std::string::npos);
    auto info = server.client().Get("/api/info");
    CHECK(info->get_header_value("X-Frame-Options") == "DENY");
}
