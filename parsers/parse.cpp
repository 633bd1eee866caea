#include "parsers/parse.hpp"

#include <fmt/format.h>

#include "analysis/input_file.hpp"
#include "parsers/vendors.hpp"

namespace flowgap::parsers {

using analysis::InputError;
using analysis::SourceLocation;

namespace {

std::string read_file(const std::string& path, const std::shared_ptr<const std::string>& name) {
    return analysis::read_input_file(path, name, "file");
}

// What detection can tell apart, for the error when it tells nothing: "an iptables-save dump, a
// PAN-OS export or a Windows netsh/PowerShell export".
std::string described_vendors() {
    std::string out;
    const auto& all = vendors();
    for (size_t i = 0; i < all.size(); ++i) {
        if (i > 0) out += i + 1 == all.size() ? " or " : ", ";
        out += all[i].description;
    }
    return out;
}

const Vendor* detect(std::string_view content) {
    for (const auto& v : vendors()) {
        if (v.looks_like(content)) return &v;
    }
    return nullptr;
}

// iptables-save dumps beside an nft ruleset are that host's iptables-legacy tables: the kernel
// runs both, and the nftables row reads them together (parsers/nftables/legacy.hpp).
bool linux_pair(const Vendor* a, const Vendor* b) {
    auto either = [&](std::string_view id) { return a->id == id || b->id == id; };
    return either("iptables") && either("nftables");
}

// The vendor of the inputs: `format` when given, else each input's own, which must be the same
// for all (one firewall's files come from one vendor; iptables with nftables reads as nftables).
const Vendor& vendor_of(const std::vector<Input>& inputs, const std::string& format) {
    if (!format.empty()) {
        const Vendor* v = vendor_named(format);
        if (!v)
            throw InputError(SourceLocation{inputs.front().path},
                             "format '" + format + "' is not supported (known: " + vendor_ids() + ")");
        return *v;
    }
    const Vendor* first = nullptr;
    for (const auto& in : inputs) {
        const Vendor* v = detect(*in.content);
        if (!v) {
            throw InputError(
                SourceLocation{in.path, 1, 1},
                "unrecognized format: not " + described_vendors() + " (set `format:` to say what it is)");
        }
        if (first && v != first && linux_pair(v, first)) {
            first = vendor_named("nftables");
            continue;
        }
        if (first && v != first) {
            throw InputError(SourceLocation{in.path, 1, 1},
                             fmt::format("this is {}, but {} (an earlier config of the same firewall) is {}: "
                                         "one firewall's configs must all come from one vendor",
                                         v->description, *inputs.front().path, first->description));
        }
        first = v;
    }
    return *first;
}

// A config that yields no policy (an iptables dump without a filter table, whose mangle table may
// drop everything) says nothing flowgap can evaluate: with no policy every packet would pass, so it
// is an error, located where the parser said why, rather than a firewall that allows all.
void require_policy(const analysis::Firewall& fw, const std::vector<Input>& inputs) {
    if (!fw.policies.empty()) return;
    std::string why = fw.warnings.empty() ? "no policy" : fw.warnings.front().message;
    SourceLocation at =
        fw.warnings.empty() ? SourceLocation{inputs.front().path, 1, 1} : fw.warnings.front().location;
    throw InputError(at, fmt::format("{}: nothing here is a policy flowgap can evaluate, so it cannot tell "
                                     "what this firewall lets through",
                                     why));
}

analysis::Firewall parse_inputs(const std::vector<Input>& inputs, const std::string& format,
                                const ParseOptions& options, const SourceLocation& entry) {
    analysis::Firewall fw = vendor_of(inputs, format).parse(inputs, options, entry);
    require_policy(fw, inputs);
    return fw;
}

}  // namespace

std::string detect_format(std::string_view content) {
    const Vendor* v = detect(content);
    return v ? std::string(v->id) : std::string();
}

analysis::Firewall parse_file(const std::string& path, const std::string& display, std::string format,
                              const ParseOptions& options) {
    auto name = std::make_shared<const std::string>(display);
    auto content = std::make_shared<const std::string>(read_file(path, name));
    return parse_inputs({Input{name, content}}, format, options, {});
}

analysis::Firewall parse_files(const std::vector<std::string>& paths, const std::string& format,
                               const ParseOptions& options, const SourceLocation& entry) {
    std::vector<Input> inputs;
    for (const auto& path : paths) {
        auto name = std::make_shared<const std::string>(path);
        inputs.push_back({name, std::make_shared<const std::string>(read_file(path, name))});
    }
    return parse_inputs(inputs, format, options, entry);
}

namespace {

ParseOptions options_of(const analysis::FirewallSpec& spec) {
    ParseOptions o;
    o.interfaces = spec.interfaces;
    o.zones = spec.zones;
    o.device_group = spec.device_group;
    o.vsys = spec.vsys;
    o.profile = spec.profile;
    o.address_keywords = spec.address_keywords;
    return o;
}

// The deployment file's `format:` must name a row of the vendor table; the error points at it.
void check_format(const analysis::FirewallSpec& spec) {
    if (spec.format.empty() || vendor_named(spec.format)) return;
    throw InputError(spec.format_location,
                     fmt::format("format must be one of {}, not '{}'", vendor_ids(), spec.format));
}

}  // namespace

void check_formats(const analysis::Deployment& d) {
    for (const auto& spec : d.firewalls)
        check_format(spec);
}

analysis::Firewall parse_firewall(const analysis::FirewallSpec& spec) {
    check_format(spec);
    return parse_files(spec.config_paths, spec.format, options_of(spec), spec.location);
}

analysis::Firewall parse_firewall(const analysis::FirewallSpec& spec, const std::vector<Input>& uploads) {
    check_format(spec);
    return parse_inputs(uploads, spec.format, options_of(spec), spec.location);
}

}  // namespace flowgap::parsers
