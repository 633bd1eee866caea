// What `flowgap serve` does with one request's uploads, without HTTP: match each file to a
// firewall of the deployment, parse everything in memory, audit (or diff), render the reports.
// Kept apart from the server so that tests and the command line reach it the same way.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analysis/checks.hpp"
#include "analysis/deployment.hpp"
#include "analysis/waivers.hpp"

namespace flowgap::serve {

// One uploaded file, held in memory and never written to disk.
struct Upload {
    // The form field: "deployment"; "waivers" (a waiver file; else the server's own, which go
    // with its deployment only); a firewall's name; "config:NAME" or "candidate:NAME" (NAME must
    // be a firewall: the page sends what its firewall boxes say so); anything else means "match
    // me by file name, then by detected format" ("candidate" alone: the same, as a candidate).
    std::string field;
    std::string filename;  // as the client sent it; reports name the file by it
    std::shared_ptr<const std::string> content;
};

// What the server was started with.
struct ServeContext {
    // `--deployment`: used when a request uploads none. Its firewalls that get no upload are read
    // from the configs it names on disk; an uploaded deployment never reads the disk.
    std::optional<analysis::Deployment> deployment;
    std::vector<analysis::Waiver> waivers;  // beside --deployment; apply only to it
    analysis::Severity fail_on = analysis::Severity::high;
};

enum class Job { audit, diff };

// The reports of one request, rendered once: "json" (the API's answer), "html", "sarif",
// "markdown", "junit", "text", for an audit and a diff alike.
struct Outcome {
    bool passed = true;  // the gate: false where `flowgap audit`/`diff` would exit 1
    std::string nonce;   // the HTML report's script nonce, for its Content-Security-Policy
    std::map<std::string, std::string> reports;
};

// Called at each step: what is being done, and how far along (step of steps).
using Progress = std::function<void(const std::string& stage, size_t step, size_t steps)>;

// The reports carry `nonce` on their script (Outcome::nonce). Throws analysis::InputError for uploads that
// cannot be used (the server answers 400 with its location): no deployment, a file no firewall claims, a
// firewall without a config, a config the parser rejects.
Outcome run_uploads(const ServeContext& context, const std::vector<Upload>& uploads, Job job,
                    const Progress& progress, const std::string& nonce = "");

// The file name an upload is reported under: its base name, printable characters only.
std::string display_name(const Upload& u);

}  // namespace flowgap::serve
