#include "src/serve/uploads.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include <fmt/format.h>

#include "analysis/gate.hpp"
#include "parsers/parse.hpp"
#include "src/diff/audits.hpp"
#include "src/diff/formats.hpp"
#include "src/report/formats.hpp"
#include "src/report/pipeline.hpp"

namespace flowgap::serve {

using namespace flowgap::analysis;
using namespace flowgap::report;
using namespace flowgap::diff;

namespace {

constexpr std::string_view candidate_prefix = "candidate:", config_prefix = "config:";

// The configs one request supplies for each firewall of the deployment, by index.
// A firewall read from several files (a Windows host's rule listing and its allprofiles output)
// gets several uploads, each in a field that names it.
using Uploads = std::map<size_t, std::vector<const Upload*>>;
struct Assignment {
    Uploads current, candidate;
};

std::string base_name(const std::string& path) {
    size_t slash = path.find_last_of("/\\");
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string stem(const std::string& name) {
    size_t dot = name.find('.');
    return dot == std::string::npos ? name : name.substr(0, dot);
}

size_t firewall_named(const Deployment& d, const std::string& name, const Upload& u) {
    std::vector<std::string> names;
    for (size_t i = 0; i < d.firewalls.size(); ++i) {
        if (d.firewalls[i].name == name) return i;
        names.push_back(d.firewalls[i].name);
    }
    InputError::raise_at(display_name(u), fmt::format("'{}' is no firewall of {} (its firewalls: {})", name,
                                                      d.path, fmt::join(names, ", ")));
}

// The format a firewall's config has: declared, else detected from the server's copy on disk.
std::string known_format(const FirewallSpec& spec) {
    if (!spec.format.empty() || spec.config_paths.empty()) return spec.format;
    std::ifstream in(spec.config_paths.front(), std::ios::binary);
    std::string head(64 * 1024, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<size_t>(in.gcount()));
    return parsers::detect_format(head);
}

bool named_after(const FirewallSpec& f, const std::string& file) {
    return f.name == stem(file) || std::any_of(f.configs.begin(), f.configs.end(),
                                               [&](const std::string& c) { return base_name(c) == file; });
}

// An upload that names no firewall: the firewall that has a config of its file name (or whose
// name is the file's stem), else the one firewall still without a config whose format it has.
size_t match(const Deployment& d, const Upload& u, const Uploads& taken) {
    std::string file = display_name(u);
    std::vector<size_t> by_name, by_format;
    std::string format = parsers::detect_format(*u.content);
    for (size_t i = 0; i < d.firewalls.size(); ++i) {
        const FirewallSpec& f = d.firewalls[i];
        if (named_after(f, file)) by_name.push_back(i);
        if (!taken.count(i) && !format.empty() && known_format(f) == format) by_format.push_back(i);
    }
    if (by_name.size() == 1) return by_name[0];
    if (by_format.size() == 1) return by_format[0];
    size_t could = by_name.empty() ? by_format.size() : by_name.size();
    InputError::raise_at(
        file, fmt::format("cannot tell which firewall this file is ({}): name its firewall",
                          could == 0 ? "no firewall still without a config has its file name or format"
                                     : fmt::format("{} firewalls could be", could)));
}

void claim(Uploads& side, size_t i, const Upload& u) {
    side[i].push_back(&u);
}

// What a form field says of its file: config or candidate, and the firewall it names ("" when it
// names none). "config:NAME" and "candidate:NAME" must name a firewall; a bare field counts as a
// name only when some firewall has it.
struct Field {
    bool candidate = false;
    std::string name;
};

Field field_of(const Deployment& d, const std::string& field) {
    for (auto [prefix, candidate] : {std::pair{candidate_prefix, true}, std::pair{config_prefix, false}})
        if (field.starts_with(prefix)) return {candidate, field.substr(prefix.size())};
    if (field == "candidate") return {true, ""};
    bool names_one = std::any_of(d.firewalls.begin(), d.firewalls.end(),
                                 [&](const FirewallSpec& f) { return f.name == field; });
    return {false, names_one ? field : ""};
}

Assignment assign(const Deployment& d, const std::vector<Upload>& uploads) {
    Assignment a;
    std::vector<std::pair<const Upload*, bool>> unnamed;  // (upload, is a candidate)
    for (const auto& u : uploads) {
        if (u.field == "deployment" || u.field == "waivers") continue;
        Field f = field_of(d, u.field);
        if (f.name.empty()) {
            unnamed.emplace_back(&u, f.candidate);
        } else {
            claim(f.candidate ? a.candidate : a.current, firewall_named(d, f.name, u), u);
        }
    }
    for (const auto& [u, candidate] : unnamed) {
        auto& side = candidate ? a.candidate : a.current;
        claim(side, match(d, *u, side), *u);
    }
    return a;
}

Deployment deployment_of(const ServeContext& c, const std::vector<Upload>& uploads, bool& uploaded) {
    const Upload* found = nullptr;
    for (const auto& u : uploads) {
        if (u.field != "deployment") continue;
        if (found) InputError::raise_at(display_name(u), "a second deployment file: upload one");
        found = &u;
    }
    uploaded = found != nullptr;
    if (found) {
        Deployment d = parse_deployment(display_name(*found), *found->content);
        parsers::check_formats(d);
        return d;
    }
    if (c.deployment) return *c.deployment;
    InputError::raise_at("request",
                         "no deployment: upload one in the field `deployment` (this server was started "
                         "without --deployment)");
}

// Parses `spec` from its uploads, which from now on are its configs.
Firewall parse_uploads(FirewallSpec& spec, const std::vector<const Upload*>& uploads) {
    std::vector<parsers::Input> inputs;
    spec.configs.clear();
    for (const Upload* u : uploads) {
        spec.configs.push_back(display_name(*u));
        inputs.push_back({std::make_shared<const std::string>(spec.configs.back()), u->content});
    }
    spec.config_paths = spec.configs;
    return parsers::parse_firewall(spec, inputs);
}

std::string names_of(const FirewallSpec& spec, const std::vector<const Upload*>* uploads) {
    if (!uploads) return fmt::format("{}", fmt::join(spec.config_paths, " + "));
    std::vector<std::string> names;
    for (const Upload* u : *uploads)
        names.push_back(display_name(*u));
    return fmt::format("{}", fmt::join(names, " + "));
}

// Parses every firewall: from its uploads, else (the server's own deployment) from disk.
std::vector<Firewall> parse_all(Deployment& d, const Uploads& uploads, bool uploaded,
                                const Progress& progress, size_t& step, size_t steps) {
    std::vector<Firewall> out;
    for (size_t i = 0; i < d.firewalls.size(); ++i) {
        FirewallSpec& spec = d.firewalls[i];
        auto it = uploads.find(i);
        if (it == uploads.end() && uploaded)
            InputError::raise_at(
                d.path, fmt::format("no config uploaded for firewall '{}': upload it in a field named "
                                    "'{}'",
                                    spec.name, spec.name));
        progress(fmt::format("parsing {} ({})", names_of(spec, it == uploads.end() ? nullptr : &it->second),
                             spec.name),
                 step++, steps);
        out.push_back(it == uploads.end() ? parsers::parse_firewall(spec) : parse_uploads(spec, it->second));
    }
    return out;
}

// An uploaded waiver file, else the server's own (which belong to its deployment only).
std::vector<Waiver> waivers_of(const ServeContext& c, const std::vector<Upload>& uploads, bool uploaded) {
    const Upload* found = nullptr;
    for (const auto& u : uploads) {
        if (u.field != "waivers") continue;
        if (found) InputError::raise_at(display_name(u), "a second waiver file: upload one");
        found = &u;
    }
    if (found) return parse_waivers(display_name(*found), *found->content);
    return uploaded ? std::vector<Waiver>{} : c.waivers;
}

Outcome audit(Deployment d, const std::vector<Waiver>& waivers, bool uploaded, const Assignment& a,
              Severity fail_on, const Progress& progress, const std::string& nonce) {
    if (!a.candidate.empty())
        InputError::raise_at(display_name(*a.candidate.begin()->second.front()),
                             "candidate configs go to a diff, not an audit");
    size_t step = 0, steps = d.firewalls.size() + 3;
    std::vector<Firewall> firewalls = parse_all(d, a.current, uploaded, progress, step, steps);
    AuditResult result = run_pipeline(d, firewalls, waivers, fail_on, today(),
                                      [&](const std::string& stage) { progress(stage, step++, steps); });
    progress("writing the reports", step++, steps);
    Outcome out;
    out.passed = result.gate.passed();
    out.nonce = nonce;
    ReportOptions options;
    options.script_nonce = nonce;
    Report report = report_of(d, firewalls, result, options);
    for (const auto& format : report_formats())
        out.reports[std::string(format.name)] = render_audit(format.name, report);
    return out;
}

Outcome diff(Deployment d, const std::vector<Waiver>& waivers, bool uploaded, const Assignment& a,
             Severity fail_on, const Progress& progress) {
    if (a.candidate.empty())
        InputError::raise_at(
            "request", "a diff needs a candidate config: upload it in a field named 'candidate:FIREWALL'");
    size_t step = 0, steps = d.firewalls.size() + a.candidate.size() + 2;
    std::vector<Firewall> before = parse_all(d, a.current, uploaded, progress, step, steps);
    Deployment after_d = d;
    std::vector<Firewall> after;
    for (size_t i = 0; i < d.firewalls.size(); ++i) {
        auto it = a.candidate.find(i);
        if (it == a.candidate.end()) {
            after.push_back(before[i]);
            continue;
        }
        FirewallSpec& spec = after_d.firewalls[i];
        progress(fmt::format("parsing candidate {} ({})", names_of(spec, &it->second), spec.name), step++,
                 steps);
        after.push_back(parse_uploads(spec, it->second));
    }
    progress("auditing both sides", step++, steps);
    Diff result = diff_audits(d, before, after_d, after, waivers, today());
    DiffGate gate = gate_of(result, fail_on);
    progress("writing the reports", step++, steps);
    Outcome out;
    out.passed = !gate.failed();
    for (const auto& format : diff_formats())
        out.reports[std::string(format.name)] = render_diff(format.name, result, gate, {});
    return out;
}

}  // namespace

std::string display_name(const Upload& u) {
    std::string name = base_name(u.filename);
    name.erase(
        std::remove_if(name.begin(), name.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; }),
        name.end());
    return name.empty() ? u.field : name;
}

Outcome run_uploads(const ServeContext& c, const std::vector<Upload>& uploads, Job job,
                    const Progress& progress, const std::string& nonce) {
    bool uploaded = false;
    Deployment d = deployment_of(c, uploads, uploaded);
    Assignment a = assign(d, uploads);
    std::vector<Waiver> waivers = waivers_of(c, uploads, uploaded);
    if (job == Job::audit) return audit(std::move(d), waivers, uploaded, a, c.fail_on, progress, nonce);
    Outcome out = diff(std::move(d), waivers, uploaded, a, c.fail_on, progress);
    out.nonce = nonce;  // the diff's HTML has no script; its CSP names the nonce all the same
    return out;
}

}  // namespace flowgap::serve
