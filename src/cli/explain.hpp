// `flowgap explain`: trace one packet through one firewall, rule by rule. Kept apart from
// commands.hpp so that main.cpp only registers it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "analysis/flow_space.hpp"

namespace flowgap::cli {

struct ExplainOptions {
    std::string deployment;
    std::string firewall;
    std::string from;
    std::string to;
    std::string port = "tcp/17472";  // PROTOCOL/PORT
    uint32_t sport = 49152;
    std::string program;          // as given; compared as a lowercase file name
    std::string format = "text";  // text | json
    std::string output;           // file; empty: standard output
    std::string packets;          // a file of packets, one a line, instead of --from/--to/--port/--sport
};

// Adds the `explain` subcommand to `app`, filling `options` when it is parsed.
CLI::App* add_explain_command(CLI::App& app, ExplainOptions& options);

// Exit code 0; bad input (a deployment that cannot be read, an unknown firewall, a bad address
// or port) throws analysis::InputError, which main turns into 2.
int run_explain(const ExplainOptions& options);

// The packet --from, --to, --port and --sport describe. Throws InputError, located at the
// command line, when they do not make one.
analysis::Packet packet_of(const ExplainOptions& options);

// The packets of a --packets file: one a line as reports print them ("tcp 10.0.0.1:49152 ->
// 10.0.0.2:17472", IPv6 addresses in brackets); blank lines and lines starting with # are
// skipped. Throws InputError located at the line that is not a packet.
std::vector<analysis::Packet> packets_of_file(const std::string& path);

}  // namespace flowgap::cli
