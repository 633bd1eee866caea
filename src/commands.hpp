// The flowgap commands. Each returns the process exit code: 0 pass, 1 a required flow is not
// allowed, 2 bad input (thrown as analysis::InputError and turned into 2 by main).
#pragma once

#include <string>

namespace flowgap::cli {

struct OutputOptions {
    std::string format = "text";  // text | json
    std::string output;           // file; empty: standard output
};

int run_flows(const std::string& deployment, const OutputOptions& out);
int run_audit(const std::string& deployment, const OutputOptions& out);

}  // namespace flowgap::cli
