// The flowgap commands. Each returns the process exit code: 0 pass, 1 a required flow is not
// allowed, 2 bad input (thrown as analysis::InputError and turned into 2 by main).
#pragma once

#include <cstdint>
#include <string>

namespace flowgap::cli {

struct OutputOptions {
    std::string format = "text";  // text | json
    std::string output;           // file; empty: standard output
};

struct ExplainOptions {
    std::string firewall;
    std::string from;
    std::string to;
    std::string port = "tcp/17472";  // PROTOCOL/PORT
    uint32_t sport = 49152;
    std::string program;
};

int run_flows(const std::string& deployment, const OutputOptions& out);
int run_explain(const std::string& deployment, const ExplainOptions& options);
int run_audit(const std::string& deployment, const OutputOptions& out);

}  // namespace flowgap::cli
