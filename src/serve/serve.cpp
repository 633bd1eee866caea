// `flowgap serve`: routes, the token, limits. The HTTP layer is src/serve/http.cpp, who may ask
// src/serve/guard.cpp, what a request's uploads become src/serve/uploads.cpp, the page page.cpp.
#include "src/serve/serve.hpp"

#include <cstdlib>
#include <iostream>
#include <thread>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <nlohmann/json.hpp>

#include "analysis/address.hpp"
#include "analysis/gate.hpp"
#include "flowgap/version.hpp"
#include "parsers/parse.hpp"
#include "src/init/init.hpp"
#include "src/report/formats.hpp"
#include "src/report/pipeline.hpp"
#include "src/report/redact.hpp"
#include "src/report/utf8.hpp"
#include "src/serve/guard.hpp"
#include "src/serve/jobs.hpp"
#include "src/serve/multipart.hpp"

namespace flowgap::serve {

using namespace flowgap::analysis;
using namespace flowgap::report;
using nlohmann::json;
namespace http = boost::beast::http;

std::string serve_page(const std::string& nonce);  // src/serve/page.cpp
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
    Guard guard;
    AuditSlots slots;
    JobStore jobs{64};
    unsigned wait = 0;
    size_t max_upload = 0;
    State(Guard g, size_t slots_n, unsigned wait_s)
        : guard(std::move(g)), slots(slots_n, std::chrono::seconds(wait_s)), wait(wait_s) {}
};

// The request target split: its path and its query parameters, percent-decoded.
struct Target {
    std::string path;
    std::map<std::string, std::string> params;
    std::string param(const std::string& name, const std::string& otherwise) const {
        auto it = params.find(name);
        return it == params.end() ? otherwise : it->second;
    }
};

std::string percent_decoded(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out += ' ';
        } else if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
                   std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

Target target_of(const Request& r) {
    std::string_view t(r.target().data(), r.target().size());
    size_t q = t.find('?');
    Target out{std::string(t.substr(0, q)), {}};
    if (q == std::string_view::npos) return out;
    for (std::string_view rest = t.substr(q + 1); !rest.empty();) {
        size_t amp = rest.find('&');
        std::string_view pair = rest.substr(0, amp);
        size_t eq = pair.find('=');
        out.params.emplace(percent_decoded(pair.substr(0, eq)),
                           eq == std::string_view::npos ? "" : percent_decoded(pair.substr(eq + 1)));
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    }
    return out;
}

Response respond(unsigned status, std::string body, std::string_view type) {
    Response res{static_cast<http::status>(status), 11};
    res.set(http::field::content_type, std::string(type));
    res.body() = std::move(body);
    return res;
}

Response json_response(unsigned status, const json& body) {
    return respond(status, report::dump_json(body) + "\n", "application/json");
}

json error_body(const std::string& message, const std::string& location = "") {
    json e = {{"message", mask_secrets(message)}};
    if (!location.empty()) e["location"] = location;
    return {{"error", e}};
}

Response error_response(unsigned status, const std::string& message) {
    return json_response(status, error_body(message));
}

json error_body(const InputError& e) {
    json body = error_body(e.message(), e.location().str());
    const SourceLocation& at = e.location();
    if (at.file) body["error"]["file"] = *at.file;
    if (at.line) body["error"]["line"] = at.line;
    if (at.column) body["error"]["column"] = at.column;
    return body;
}

// Every response: not cached, not sniffed, no referrer, not framed (unless the response says
// otherwise: the page frames the HTML reports) and nothing loaded by whatever it is.
void finish(Response& res) {
    res.set("X-Content-Type-Options", "nosniff");
    res.set(http::field::cache_control, "no-store");
    res.set("Referrer-Policy", "no-referrer");
    if (res.find("Content-Security-Policy") == res.end())
        res.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    if (res.find("X-Frame-Options") == res.end()) res.set("X-Frame-Options", "DENY");
}

// A report as a response. HTML reports run their own script (the filters), by its nonce, and
// nothing else; the page shows them in a frame.
Response report_response(const Outcome& o, const ReportFormat& f, Job kind) {
    auto it = o.reports.find(std::string(f.name));
    if (it == o.reports.end())
        return error_response(
            404, fmt::format("this {} has no {} report", kind == Job::diff ? "diff" : "audit", f.name));
    Response res = respond(200, it->second, f.media_type);
    res.set("X-Flowgap-Gate", o.passed ? "pass" : "fail");
    if (f.name == "html") {
        res.set("Content-Security-Policy",
                fmt::format("default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-{}'; "
                            "img-src data:; frame-ancestors 'self'",
                            o.nonce));
        res.set("X-Frame-Options", "SAMEORIGIN");
    }
    return res;
}

// A request's files: its form's parts, their contents moved, not copied.
std::vector<Upload> uploads_of(std::vector<FormPart>& parts) {
    std::vector<Upload> uploads;
    for (auto& part : parts)
        uploads.push_back(Upload{std::move(part.name), std::move(part.filename),
                                 std::make_shared<const std::string>(std::move(part.content))});
    parts.clear();
    // A form's empty file input arrives as a part without a name or content.
    std::erase_if(uploads, [](const Upload& u) { return u.filename.empty() && u.content->empty(); });
    return uploads;
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
        return {200, run_uploads(s.context, uploads, kind, progress, random_hex()), {}};
    } catch (const InputError& e) {
        return {400, {}, error_body(e)};
    } catch (const std::bad_alloc&) {
        return {503, {}, error_body("not enough memory for this upload now: try again later")};
    } catch (const std::exception& e) {
        return {500, {}, error_body(std::string("internal error: ") + e.what())};
    }
}

Response handle_now(State& s, Job kind, std::vector<FormPart>& parts, const Target& t) {
    const ReportFormat* f = report_format(t.param("format", "json"));
    Result r = execute(s, kind, uploads_of(parts), [](const std::string&, size_t, size_t) {});
    if (r.status != 200) {
        Response res = json_response(static_cast<unsigned>(r.status), r.error);
        if (r.status == 503) res.set(http::field::retry_after, "10");
        return res;
    }
    return report_response(r.outcome, *f, kind);
}

// POST /api/init: a deployment drafted from the uploaded exports (`flowgap init`), as
// {"deployment": YAML text}. An uploaded deployment or waiver file is not an export: left out.
Response handle_init(State& s, std::vector<FormPart>& parts) {
    std::vector<Upload> uploads = uploads_of(parts);
    std::vector<parsers::Input> exports;
    for (const auto& u : uploads) {
        if (u.field == "deployment" || u.field == "waivers") continue;
        exports.push_back({std::make_shared<const std::string>(display_name(u)), u.content});
    }
    if (exports.empty()) return error_response(400, "upload the firewall exports to draft a deployment from");
    auto lease = s.slots.acquire();
    if (!lease) {
        Response res = error_response(503, "every audit slot stayed busy: try again later");
        res.set(http::field::retry_after, "10");
        return res;
    }
    try {
        return json_response(200, json{{"deployment", init::draft_uploads(exports)}});
    } catch (const InputError& e) {
        return json_response(400, error_body(e));
    } catch (const std::bad_alloc&) {
        return error_response(503, "not enough memory for this upload now: try again later");
    }
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

Response start_job(const std::shared_ptr<State>& s, std::vector<FormPart>& parts, const Target& t) {
    std::string id;
    auto job = s->jobs.create(t.param("kind", "audit") == "diff" ? Job::diff : Job::audit, id);
    if (!job) {
        Response res = error_response(503, "too many audits are running: try again later");
        res.set(http::field::retry_after, "10");
        return res;
    }
    std::thread(run_job, s, job, uploads_of(parts)).detach();
    return json_response(202, job_json(id, *job));
}

Response job_report(State& s, const std::string& id, const std::string& extension) {
    auto job = s.jobs.find(id);
    const ReportFormat* f = report_format(extension, true);
    if (!job || !f) return error_response(404, "no such job or report (jobs are kept for an hour)");
    std::lock_guard lock(job->mutex);
    if (job->s.state != "done") return error_response(409, "the job has not finished: " + job->s.state);
    Response res = report_response(job->s.outcome, *f, job->kind);
    if (f->name != "html" && res.result_int() == 200)
        res.set(http::field::content_disposition,
                "attachment; filename=\"flowgap-" + std::string(job->kind == Job::diff ? "diff" : "report") +
                    "." + std::string(f->extension) + "\"");
    return res;
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
Response page(const State& s, const Request& req, const Target& t) {
    if (s.guard.has_token() && s.guard.token_is(t.param("token", ""))) {
        Response res = respond(303, "", "text/plain");
        res.set(http::field::set_cookie,
                "flowgap_token=" + s.guard.token() + "; Path=/; HttpOnly; SameSite=Strict");
        res.set(http::field::location, "/");
        return res;
    }
    if (!s.guard.authorized(req)) {
        Response res =
            respond(401,
                    "<!doctype html><title>flowgap</title><link rel=\"icon\" href=\"/favicon.svg\">"
                    "<p>This flowgap server needs its token: open "
                    "<code>/?token=TOKEN</code> once.</p>\n",
                    "text/html; charset=utf-8");
        res.set("Content-Security-Policy", "default-src 'none'; img-src 'self'; frame-ancestors 'none'");
        return res;
    }
    std::string nonce = random_hex();
    Response res = respond(200, serve_page(nonce), "text/html; charset=utf-8");
    res.set("Content-Security-Policy",
            fmt::format("default-src 'self'; style-src 'unsafe-inline'; script-src 'nonce-{}'; "
                        "frame-src 'self'; frame-ancestors 'none'",
                        nonce));
    return res;
}

// What a request asks for, from its method and path alone (so that it is known before the body).
enum class Route { page, icon, info, audit, diff, init, jobs, job, job_report, wrong_method, none };

struct Routed {
    Route route = Route::none;
    std::string id, extension;  // /api/jobs/ID[/report.EXTENSION]
};

bool upload_route(Route r) {
    return r == Route::audit || r == Route::diff || r == Route::init || r == Route::jobs;
}

bool hex_id(std::string_view s) {
    return s.size() == 32 && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

Routed route_of(http::verb method, const std::string& path) {
    Routed r;
    std::string_view p = path;
    if (p == "/") r.route = Route::page;
    if (p == "/favicon.svg" || p == "/favicon.ico") r.route = Route::icon;
    if (p == "/api/info") r.route = Route::info;
    if (p == "/api/audit") r.route = Route::audit;
    if (p == "/api/diff") r.route = Route::diff;
    if (p == "/api/init") r.route = Route::init;
    if (p == "/api/jobs") r.route = Route::jobs;
    if (p.starts_with("/api/jobs/") && hex_id(p.substr(10, 32))) {
        std::string_view rest = p.substr(42);
        r.id = std::string(p.substr(10, 32));
        if (rest.empty()) r.route = Route::job;
        if (rest.starts_with("/report.") && rest.size() > 8 &&
            std::all_of(rest.begin() + 8, rest.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
            r.route = Route::job_report;
            r.extension = std::string(rest.substr(8));
        }
    }
    bool posts = upload_route(r.route);
    bool expected =
        posts ? method == http::verb::post : method == http::verb::get || method == http::verb::head;
    if (r.route != Route::none && !expected) r.route = Route::wrong_method;
    return r;
}

// Every request but these needs the token: the page (which asks for it) and its icon, which
// browsers fetch for every page, the 401 page and the report tab included.
bool public_route(Route r) {
    return r == Route::page || r == Route::icon;
}

// What the headers alone decide, before a byte of the body is read.
std::optional<Response> check(const State& s, const Request& head) {
    if (auto refused = s.guard.host(head)) return error_response(refused->status, refused->message);
    std::string encoding = header_of(head, http::field::content_encoding);
    if (!encoding.empty() && !boost::beast::iequals(encoding, "identity"))
        return error_response(
            415, "Content-Encoding: " + encoding +
                     " is not taken: send the files as they are (uploads are never decompressed)");
    std::string transfer = header_of(head, http::field::transfer_encoding);
    if (!transfer.empty() && !boost::beast::iequals(transfer, "chunked"))
        return error_response(501, "Transfer-Encoding: " + transfer + " is not taken (only chunked)");
    Target t = target_of(head);
    Routed r = route_of(head.method(), t.path);
    if (!public_route(r.route) && !s.guard.authorized(head)) {
        Response res = error_response(401, "this server needs `Authorization: Bearer TOKEN`");
        res.set(http::field::www_authenticate, "Bearer");
        return res;
    }
    if (auto refused = Guard::origin(head)) return error_response(refused->status, refused->message);
    if (r.route == Route::none) return error_response(404, "HTTP 404: no such page");
    if (r.route == Route::wrong_method) return error_response(405, "HTTP 405: not with this method");
    if (!upload_route(r.route)) return std::nullopt;
    // Without a length the body would run to the end of the connection, past any check.
    if (!head.has_content_length() && !head.chunked())
        return error_response(411, "an upload needs a Content-Length (or chunked Transfer-Encoding)");
    if (!form_boundary(header_of(head, http::field::content_type)))
        return error_response(400, "send the files as multipart/form-data (curl -F 'core-fw=@export.xml')");
    std::string format = t.param("format", "json");
    if (r.route != Route::jobs && !report_format(format))
        return error_response(
            400, fmt::format("format={} is not one of {}", format, fmt::join(report_format_names(), ", ")));
    std::string kind = t.param("kind", "audit");
    if (r.route == Route::jobs && kind != "audit" && kind != "diff")
        return error_response(400, "kind must be audit or diff");
    return std::nullopt;
}

Response handle(const std::shared_ptr<State>& s, Request& req, std::vector<FormPart>& parts) {
    Target t = target_of(req);
    Routed r = route_of(req.method(), t.path);
    switch (r.route) {
        case Route::page: return page(*s, req, t);
        case Route::icon: return respond(200, std::string(serve_icon()), "image/svg+xml");
        case Route::info: return json_response(200, info_json(*s));
        case Route::audit: return handle_now(*s, Job::audit, parts, t);
        case Route::diff: return handle_now(*s, Job::diff, parts, t);
        case Route::init: return handle_init(*s, parts);
        case Route::jobs: return start_job(s, parts, t);
        case Route::job: {
            auto job = s->jobs.find(r.id);
            if (!job) return error_response(404, "no such job (jobs are kept for an hour)");
            return json_response(200, job_json(r.id, *job));
        }
        case Route::job_report: return job_report(*s, r.id, r.extension);
        default: return error_response(404, "HTTP 404: no such page");
    }
}

HttpHandler handler_of(const std::shared_ptr<State>& s) {
    HttpHandler h;
    h.check = [s](const Request& head) {
        auto res = check(*s, head);
        if (res) finish(*res);
        return res;
    };
    // Uploads are read as they arrive, each part stored once (check made sure of the boundary).
    h.form = [](const Request& head) -> std::optional<std::string> {
        if (!upload_route(route_of(head.method(), target_of(head).path).route)) return std::nullopt;
        return form_boundary(header_of(head, http::field::content_type));
    };
    h.handle = [s](Request& req, std::vector<FormPart>& parts) {
        Response res = handle(s, req, parts);
        finish(res);
        if (req.method() == http::verb::head) res.body().clear();
        return res;
    };
    h.refuse = [s](unsigned status, const std::string& why) {
        std::string message = status == 413 ? fmt::format(
                                                  "the upload is larger than this server takes ({} bytes "
                                                  "per request; see --max-upload)",
                                                  s->max_upload)
                                            : why;
        Response res = error_response(status, message);
        if (status == 503) res.set(http::field::retry_after, "10");
        finish(res);
        return res;
    };
    h.log = [](const Request& req, const Response& res) {
        std::string_view method(req.method_string().data(), req.method_string().size());
        std::string path = target_of(req).path;
        std::cerr << fmt::format("flowgap serve: {} {} {} {}\n", method, valid_utf8(path), res.result_int(),
                                 res.body().size());
    };
    return h;
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
                    "for firewalls the request does not upload)")
        ->type_name("FILE");
    cmd->add_option("--token", o.token,
                    "Require `Authorization: Bearer TOKEN` on every request (default: $FLOWGAP_TOKEN); "
                    "needed to listen beyond loopback");
    cmd->add_option("--allowed-host", o.allowed_hosts,
                    "A name the server answers to in the Host header besides its listen address "
                    "(repeatable; e.g. the name a reverse proxy forwards)");
    cmd->add_option("--max-upload", o.max_upload, "Largest request body in bytes (default 256 MiB)");
    cmd->add_option("--max-audits", o.max_audits, "Audits at once (default: the number of cores)");
    cmd->add_option("--max-connections", o.max_connections,
                    "Connections served at once; more wait until one ends (default 64)");
    cmd->add_option("--max-connections-per-address", o.max_connections_per_address,
                    "Connections served at once from one client address (IPv6: one /64); more are "
                    "answered 503 at once (default 32; 0: no limit, e.g. behind a reverse proxy)");
    cmd->add_option("--queue-timeout", o.queue_timeout,
                    "Seconds an audit waits for a free slot before the server answers 503 (default 120)");
    cmd->add_option("--header-timeout", o.header_timeout,
                    "Seconds a request's headers may take from its first byte (default 10)");
    cmd->add_option("--timeout", o.timeout,
                    "Seconds a request's body, and then its response, may take (default 60)");
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
    auto s = std::make_shared<State>(Guard(at.host, loopback(at.host), o.allowed_hosts, token), slots,
                                     o.queue_timeout);
    s->max_upload = o.max_upload;
    s->context.fail_on = *parse_severity(o.fail_on);
    if (!o.deployment.empty()) {
        s->context.deployment = load_deployment(o.deployment);
        parsers::check_formats(*s->context.deployment);
        s->context.waivers = waivers_for(*s->context.deployment, "");
    }
    namespace net = boost::asio;
    net::io_context ioc(1);
    net::ip::tcp::acceptor acceptor(ioc);
    boost::system::error_code ec;
    net::ip::tcp::resolver resolver(ioc);
    auto found = resolver.resolve(at.host, std::to_string(at.port), ec);
    if (!ec && !found.empty()) {
        net::ip::tcp::endpoint where = found.begin()->endpoint();
        acceptor.open(where.protocol(), ec);
        if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
        if (!ec) acceptor.bind(where, ec);
        // A burst of clients (a CI matrix uploading at once) must not overflow the backlog, and
        // connections past --max-connections wait in it.
        if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
    }
    if (ec || found.empty()) InputError::raise_at("command line", "cannot listen on " + o.listen);
    std::string shown = at.host.find(':') == std::string::npos ? at.host : "[" + at.host + "]";
    std::cout << fmt::format("flowgap serve: listening on http://{}:{}/\n", shown,
                             acceptor.local_endpoint().port())
              << std::flush;
    HttpLimits limits;
    limits.max_body = o.max_upload;
    limits.max_connections = std::max<size_t>(1, o.max_connections);
    limits.max_per_address = o.max_connections_per_address;
    limits.header = std::chrono::seconds(std::max(1u, o.header_timeout));
    limits.body = std::chrono::seconds(std::max(1u, o.timeout));
    HttpHandler handler = handler_of(s);
    serve_http(acceptor, limits, handler);
    return 0;
}

}  // namespace flowgap::serve
