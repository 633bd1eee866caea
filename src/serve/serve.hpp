// `flowgap serve`: a small web service on top of the audit, for engineers who upload config
// exports from a browser or a script instead of running the command line (docs/serve.md).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace flowgap::serve {

struct ServeOptions {
    std::string listen = "127.0.0.1:8080";    // HOST:PORT; port 0 picks a free one
    std::string deployment;                   // used when a request uploads none
    std::string token;                        // bearer token; empty: $FLOWGAP_TOKEN, else none
    std::vector<std::string> allowed_hosts;   // names the Host header may give besides the address
    size_t max_upload = 256u << 20;           // bytes per request; more gets 413
    size_t max_audits = 0;                    // audits at once; 0: the number of cores
    unsigned queue_timeout = 120;             // seconds an audit waits for a slot before 503
    size_t max_connections = 64;              // connections at once; more wait in the backlog
    size_t max_connections_per_address = 32;  // of which from one client; more get 503; 0: any
    unsigned header_timeout = 10;             // seconds from a request's first byte to its last header
    unsigned timeout = 60;                    // seconds for a request's body, then for its response
    std::string fail_on = "high";
};

// Adds the `serve` subcommand to `app`, filling `options` when it is parsed.
CLI::App* add_serve_command(CLI::App& app, ServeOptions& options);

// Serves until the process is stopped. Prints "flowgap serve: listening on http://HOST:PORT/"
// once it accepts connections. Throws InputError (exit 2) for bad options: a non-loopback
// address without a token, a deployment that does not load, an address it cannot bind.
int run_serve(const ServeOptions& options);

}  // namespace flowgap::serve
