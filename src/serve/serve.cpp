// `flowgap serve` on cpp-httplib: routes, the token, limits. What a request's uploads become is
// src/serve_audit.cpp; the page is src/serve_page.cpp.
#include "src/serve/serve.hpp"

#include <sys/socket.h>

#include <cstdlib>
#include <iostream>
#include <thread>

#include <fmt/format.h>
#include <httplib.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "analysis/address.hpp"
#include "analysis/gate.hpp"
#include "flowgap/version.hpp"
#include "parsers/parse.hpp"
#include "src/report/formats.hpp"
#include "src/report/pipeline.hpp"
#include "src/report/redact.hpp"
#include "src/report/utf8.hpp"
#include "src/serve/jobs.hpp"

namespace flowgap::serve {

using namespace flowgap::analysis;
using namespace flowgap::report;
using nlohmann::json;

std::string_view serve_page();  // src/serve_page.cpp
std::string_view serve_icon();

namespace {

struct Endpoint {
    std::string host;
    int port = 0;
};

// HOST:PORT, [IPv6]:PORT, or PORT alone (loopback).
Endpoint endpoint_of(const std::string& listen) {
    size_t colon = listen.rfind(':');
    std::string host = colon == std::string::npos ? "127.0.0.1" : listen.substr(0, colon);
    std::string port = colon == std::string::npos ? listen : listen.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    char* end = nullptr;
    long n = std::strtol(port.c_str(), &end, 10);
    if (host.empty() || port.empty() || *end || n < 0 || n > 65535)
        InputError::raise_at("command line",
                             "--listen '" + listen + "' must be HOST:PORT, e.g. 127.0.0.1:8080");
    return {host, static_cast<int>(n)};
}

bool loopback(const std::string& host) {
    if (host == "localhost") return true;
    auto a = Address::parse(host);
    static const AddressSet loop = *AddressSet::parse("127.0.0.0/8") | *AddressSet::parse("::1");
    return a && loop.contains(*a);
}

struct State {
    ServeContext context;
    std::string token;
    AuditSlots slots;
    JobStore jobs{64};
    unsigned wait = 0;
    State(size_t slots_n, unsigned wait_s) : slots(slots_n, std::chrono::seconds(wait_s)), wait(wait_s) {}
};

// Compares in time independent of where the strings differ.
bool same_secret(const std::string& a, const std::string& b) {
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    for (size_t i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i % (b.empty() ? 1 : b.size())]);
    return diff == 0 && !b.empty();
}

std::string cookie_token(const httplib::Request& req) {
    std::string cookies = req.get_header_value("Cookie");
    for (size_t at = cookies.find("flowgap_token="); at != std::string::npos;
         at = cookies.find("flowgap_token=", at + 1)) {
        if (at != 0 && cookies[at - 1] != ' ' && cookies[at - 1] != ';') continue;
        size_t begin = at + 14, end = cookies.find(';', begin);
        return cookies.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
    }
    return "";
}

// The API takes `Authorization: Bearer TOKEN`; the page, which a browser cannot make send that
// header, takes the cookie that `/?token=TOKEN` sets.
bool authorized(const State& s, const httplib::Request& req) {
    if (s.token.empty()) return true;
    std::string auth = req.get_header_value("Authorization");
    if (auth.rfind("Bearer ", 0) == 0 && same_secret(auth.substr(7), s.token)) return true;
    return same_secret(cookie_token(req), s.token);
}

void send_json(httplib::Response& res, int status, const json& body) {
    res.status = status;
    res.set_content(report::dump_json(body) + "\n", "application/json");
}

json error_body(const std::string& message, const std::string& location = "") {
    json e = {{"message", mask_secrets(message)}};
    if (!location.empty()) e["location"] = location;
    return {{"error", e}};
}

json error_body(const InputError& e) {
    json body = error_body(e.message(), e.location().str());
    const SourceLocation& at = e.location();
    if (at.file) body["error"]["file"] = *at.file;
    if (at.line) body["error"]["line"] = at.line;
    if (at.column) body["error"]["column"] = at.column;
    return body;
}

// A report as a response. HTML reports run their own inline script (the filters) and nothing else.
void send_report(httplib::Response& res, const Outcome& o, const ReportFormat& f, Job kind) {
    auto it = o.reports.find(std::string(f.name));
    if (it == o.reports.end()) {
        send_json(res, 404,
                  error_body(
                      fmt::format("this {} has no {} report", kind == Job::diff ? "diff" : "audit", f.name)));
        return;
    }
    res.set_header("X-Flowgap-Gate", o.passed ? "pass" : "fail");
    if (f.name == "html")
        res.set_header(
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:");
    res.set_content(it->second, std::string(f.media_type).c_str());
}

// A request's files, read straight from the multipart stream into memory. False when the body
// was not a well-formed multipart upload (the response says why).
bool read_uploads(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader,
                  std::vector<Upload>& uploads) {
    if (!req.is_multipart_form_data()) {
        send_json(res, 400,
                  error_body("send the files as multipart/form-data (curl -F 'core-fw=@export.xml')"));
        return false;
    }
    std::vector<std::string> contents;
    bool ok = reader(
        [&](const httplib::MultipartFormData& part) {
            uploads.push_back(Upload{part.name, part.filename, nullptr});
            contents.emplace_back();
            return true;
        },
        [&](const char* data, size_t length) {
            contents.back().append(data, length);
            return true;
        });
    if (!ok) {
        if (res.status == 413) return false;  // the error handler words it
        send_json(res, 400, error_body("the upload is not well-formed multipart/form-data"));
        return false;
    }
    for (size_t i = 0; i < uploads.size(); ++i)
        uploads[i].content = std::make_shared<const std::string>(std::move(contents[i]));
    // A form's empty file input arrives as a part without a name or content.
    std::erase_if(uploads, [](const Upload& u) { return u.filename.empty() && u.content->empty(); });
    return true;
}

struct Result {
    int status = 200;
    Outcome outcome;
    json error;
};

Result execute(State& s, Job kind, const std::vector<Upload>& uploads, const Progress& progress) {
    auto lease = s.slots.acquire();
    if (!lease)
        return {503,
                {},
                error_body(fmt::format("every audit slot stayed busy for {} s: try again later", s.wait))};
    try {
        return {200, run_uploads(s.context, uploads, kind, progress), {}};
    } catch (const InputError& e) {
        return {400, {}, error_body(e)};
    } catch (const std::bad_alloc&) {
        return {503, {}, error_body("not enough memory for this upload now: try again later")};
    } catch (const std::exception& e) {
        return {500, {}, error_body(std::string("internal error: ") + e.what())};
    }
}

void handle_now(State& s, Job kind, const httplib::Request& req, httplib::Response& res,
                const httplib::ContentReader& reader) {
    std::string name = req.has_param("format") ? req.get_param_value("format") : "json";
    const ReportFormat* f = report_format(name);
    std::vector<Upload> uploads;
    if (!f)
        return send_json(res, 400,
                         error_body(fmt::format("format={} is not one of {}", name,
                                                fmt::join(report_format_names(), ", "))));
    if (!read_uploads(req, res, reader, uploads)) return;
    Result r = execute(s, kind, uploads, [](const std::string&, size_t, size_t) {});
    if (r.status != 200) {
        if (r.status == 503) res.set_header("Retry-After", "10");
        return send_json(res, r.status, r.error);
    }
    send_report(res, r.outcome, *f, kind);
}

json job_json(const std::string& id, const JobEntry& job) {
    std::lock_guard lock(job.mutex);
    json j = {{"id", id},
              {"kind", job.kind == Job::diff ? "diff" : "audit"},
              {"state", job.s.state},
              {"stage", job.s.stage},
              {"step", job.s.step},
              {"steps", job.s.steps}};
    if (job.s.state == "failed") j["error"] = job.s.error["error"];
    if (job.s.state != "done") return j;
    j["passed"] = job.s.outcome.passed;
    json links = json::object();
    for (const auto& [format, body] : job.s.outcome.reports)
        links[format] = fmt::format("/api/jobs/{}/report.{}", id, report_format(format)->extension);
    j["reports"] = links;
    return j;
}

void run_job(std::shared_ptr<State> s, std::shared_ptr<JobEntry> job, std::vector<Upload> uploads) {
    auto progress = [&](const std::string& stage, size_t step, size_t steps) {
        std::lock_guard lock(job->mutex);
        job->s.state = "running";
        job->s.stage = stage;
        job->s.step = step;
        job->s.steps = steps;
    };
    Result r = execute(*s, job->kind, uploads, progress);
    std::lock_guard lock(job->mutex);
    job->s.state = r.status == 200 ? "done" : "failed";
    job->s.stage = r.status == 200 ? "done" : "failed";
    job->s.step = job->s.steps;
    job->s.outcome = std::move(r.outcome);
    job->s.error = std::move(r.error);
}

void start_job(const std::shared_ptr<State>& s, const httplib::Request& req, httplib::Response& res,
               const httplib::ContentReader& reader) {
    std::string kind = req.has_param("kind") ? req.get_param_value("kind") : "audit";
    if (kind != "audit" && kind != "diff")
        return send_json(res, 400, error_body("kind must be audit or diff"));
    std::vector<Upload> uploads;
    if (!read_uploads(req, res, reader, uploads)) return;
    std::string id;
    auto job = s->jobs.create(kind == "diff" ? Job::diff : Job::audit, id);
    if (!job) {
        res.set_header("Retry-After", "10");
        return send_json(res, 503, error_body("too many audits are running: try again later"));
    }
    std::thread(run_job, s, job, std::move(uploads)).detach();
    send_json(res, 202, job_json(id, *job));
}

void job_report(State& s, const httplib::Request& req, httplib::Response& res) {
    auto job = s.jobs.find(req.matches[1]);
    const ReportFormat* f = report_format(req.matches[2].str(), true);
    if (!job || !f)
        return send_json(res, 404, error_body("no such job or report (jobs are kept for an hour)"));
    std::lock_guard lock(job->mutex);
    if (job->s.state != "done")
        return send_json(res, 409, error_body("the job has not finished: " + job->s.state));
    send_report(res, job->s.outcome, *f, job->kind);
    if (f->name != "html")
        res.set_header("Content-Disposition", "attachment; filename=\"flowgap-" +
                                                  std::string(job->kind == Job::diff ? "diff" : "report") +
                                                  "." + std::string(f->extension) + "\"");
}

json info_json(const State& s) {
    json j = {{"service", "flowgap"}, {"version", FLOWGAP_VERSION}, {"deployment", nullptr}};
    if (!s.context.deployment) return j;
    j["deployment"] = s.context.deployment->path;
    json firewalls = json::array();
    for (const auto& f : s.context.deployment->firewalls)
        firewalls.push_back({{"name", f.name}, {"configs", f.configs}});
    j["firewalls"] = firewalls;
    return j;
}

// `/?token=TOKEN` trades the token for a cookie and sends the browser on without it in the URL.
void page(const State& s, const httplib::Request& req, httplib::Response& res) {
    if (!s.token.empty() && req.has_param("token") && same_secret(req.get_param_value("token"), s.token)) {
        res.set_header("Set-Cookie", "flowgap_token=" + s.token + "; Path=/; HttpOnly; SameSite=Strict");
        res.set_redirect("/", 303);
        return;
    }
    if (!authorized(s, req)) {
        res.status = 401;
        res.set_content(
            "<!doctype html><title>flowgap</title><link rel=\"icon\" href=\"/favicon.svg\">"
            "<p>This flowgap server needs its token: open "
            "<code>/?token=TOKEN</code> once.</p>\n",
            "text/html; charset=utf-8");
        return;
    }
    res.set_header(
        "Content-Security-Policy",
        "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; frame-src 'self'");
    res.set_content(std::string(serve_page()), "text/html; charset=utf-8");
}

// Answered without the token: the page (which asks for it) and its icon, which browsers fetch
// for every page, the 401 page and the report tab included.
bool public_path(const std::string& path) {
    return path == "/" || path == "/favicon.svg" || path == "/favicon.ico";
}

void add_routes(httplib::Server& server, const std::shared_ptr<State>& s) {
    server.Get("/", [s](const httplib::Request& req, httplib::Response& res) { page(*s, req, res); });
    server.Get(R"(/favicon\.(svg|ico))", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(std::string(serve_icon()), "image/svg+xml");
    });
    server.Get("/api/info",
               [s](const httplib::Request&, httplib::Response& res) { send_json(res, 200, info_json(*s)); });
    server.Post("/api/audit",
                [s](const httplib::Request& req, httplib::Response& res,
                    const httplib::ContentReader& reader) { handle_now(*s, Job::audit, req, res, reader); });
    server.Post("/api/diff",
                [s](const httplib::Request& req, httplib::Response& res,
                    const httplib::ContentReader& reader) { handle_now(*s, Job::diff, req, res, reader); });
    server.Post("/api/jobs", [s](const httplib::Request& req, httplib::Response& res,
                                 const httplib::ContentReader& reader) { start_job(s, req, res, reader); });
    server.Get(R"(/api/jobs/([0-9a-f]{32}))", [s](const httplib::Request& req, httplib::Response& res) {
        auto job = s->jobs.find(req.matches[1]);
        if (!job) return send_json(res, 404, error_body("no such job (jobs are kept for an hour)"));
        send_json(res, 200, job_json(req.matches[1], *job));
    });
    server.Get(R"(/api/jobs/([0-9a-f]{32})/report\.([a-z]+))",
               [s](const httplib::Request& req, httplib::Response& res) { job_report(*s, req, res); });
}

// Every request but public_path() needs the token; the page answers for itself (it takes the
// token in its URL once).
void add_guards(httplib::Server& server, const std::shared_ptr<State>& s, size_t max_upload) {
    server.set_pre_routing_handler([s](const httplib::Request& req, httplib::Response& res) {
        if (public_path(req.path) || authorized(*s, req)) return httplib::Server::HandlerResponse::Unhandled;
        res.set_header("WWW-Authenticate", "Bearer");
        send_json(res, 401, error_body("this server needs `Authorization: Bearer TOKEN`"));
        return httplib::Server::HandlerResponse::Handled;
    });
    server.set_error_handler([max_upload](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return;
        if (res.status == 413)
            return send_json(res, 413,
                             error_body(fmt::format("the upload is larger than this server takes ({} bytes "
                                                    "per request; see --max-upload)",
                                                    max_upload)));
        send_json(res, res.status, error_body(fmt::format("HTTP {}", res.status)));
    });
    server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        send_json(res, 500, error_body("internal error"));
    });
    server.set_default_headers({{"X-Content-Type-Options", "nosniff"},
                                {"Cache-Control", "no-store"},
                                {"Referrer-Policy", "no-referrer"}});
    server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
        std::cerr << fmt::format("flowgap serve: {} {} {} {}\n", req.method, req.path, res.status,
                                 res.body.size());
    });
}

// cpp-httplib 0.11 listens with a backlog of 5: a burst of clients (a CI matrix uploading at
// once) overflows it, and a connection whose handshake the kernel dropped can send its request
// only after retransmissions that outlast the keep-alive wait, and then gets no answer. Linux
// lets listen() be called again to raise the backlog, on the socket the options hook hands us.
int bind(httplib::Server& server, const Endpoint& at) {
    int fd = -1;
    server.set_socket_options([&fd](socket_t sock) {
        httplib::default_socket_options(sock);
        fd = sock;
    });
    int port = at.port == 0 ? server.bind_to_any_port(at.host)
                            : (server.bind_to_port(at.host, at.port) ? at.port : -1);
    if (port >= 0 && fd >= 0) ::listen(fd, SOMAXCONN);
    return port;
}

std::string token_of(const ServeOptions& o) {
    if (!o.token.empty()) return o.token;
    const char* env = std::getenv("FLOWGAP_TOKEN");
    return env ? env : "";
}

}  // namespace

CLI::App* add_serve_command(CLI::App& app, ServeOptions& o) {
    auto* cmd = app.add_subcommand("serve", "A web page and HTTP API that audit uploaded config exports");
    cmd->add_option("--listen", o.listen,
                    "HOST:PORT to listen on (default 127.0.0.1:8080; port 0: any free one)");
    cmd->add_option("--deployment", o.deployment,
                    "Deployment file used when a request uploads none (its configs are read from disk "
                    "for firewalls the request does not upload)");
    cmd->add_option("--token", o.token,
                    "Require `Authorization: Bearer TOKEN` on every request (default: $FLOWGAP_TOKEN); "
                    "needed to listen beyond loopback");
    cmd->add_option("--max-upload", o.max_upload, "Largest request body in bytes (default 256 MiB)");
    cmd->add_option("--max-audits", o.max_audits, "Audits at once (default: the number of cores)");
    cmd->add_option("--queue-timeout", o.queue_timeout,
                    "Seconds an audit waits for a free slot before the server answers 503 (default 120)");
    cmd->add_option("--timeout", o.timeout,
                    "Seconds a connection may stall while reading or writing (default 60)");
    cmd->add_option("--fail-on", o.fail_on, "Severity at which the gate fails (default high)")
        ->check(CLI::IsMember({"info", "low", "medium", "high", "critical"}));
    return cmd;
}

int run_serve(const ServeOptions& o) {
    Endpoint at = endpoint_of(o.listen);
    std::string token = token_of(o);
    if (!loopback(at.host) && token.empty())
        InputError::raise_at(
            "command line",
            "--listen " + o.listen + " reaches beyond this machine: give --token (or FLOWGAP_TOKEN) first");
    size_t slots = o.max_audits ? o.max_audits : std::max(1u, std::thread::hardware_concurrency());
    auto s = std::make_shared<State>(slots, o.queue_timeout);
    s->token = token;
    s->context.fail_on = *parse_severity(o.fail_on);
    if (!o.deployment.empty()) {
        s->context.deployment = load_deployment(o.deployment);
        parsers::check_formats(*s->context.deployment);
        s->context.waivers = waivers_for(*s->context.deployment, "");
    }
    httplib::Server server;
    // Threads beyond the audit slots: requests waiting for a slot hold one each, and the page's
    // progress polls must still get through.
    size_t threads = std::max<size_t>(32, 4 * slots);
    server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    server.set_payload_max_length(o.max_upload);
    server.set_read_timeout(static_cast<time_t>(o.timeout), 0);
    server.set_write_timeout(static_cast<time_t>(o.timeout), 0);
    server.set_keep_alive_timeout(5);
    add_guards(server, s, o.max_upload);
    add_routes(server, s);
    int port = bind(server, at);
    if (port < 0) InputError::raise_at("command line", "cannot listen on " + o.listen);
    std::string shown = at.host.find(':') == std::string::npos ? at.host : "[" + at.host + "]";
    std::cout << fmt::format("flowgap serve: listening on http://{}:{}/\n", shown, port) << std::flush;
    return server.listen_after_bind() ? 0 : 2;
}

}  // namespace flowgap::serve
