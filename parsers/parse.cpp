#include "parsers/parse.hpp"

#include <cstdint>
#include <fstream>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include <fmt/format.h>

#include "parsers/iptables/iptables.hpp"
#include "parsers/netsh/netsh.hpp"
#include "parsers/paloalto/paloalto.hpp"

namespace flowgap::parsers {

using analysis::InputError;
using analysis::SourceLocation;

namespace {

// Large exports fill tens of megabytes, which the kernel otherwise maps one 4 KB page fault at
// a time: on a 32 MB iptables dump those faults cost more than reading the file. Transparent
// huge pages (where the system offers them on request) need one fault per 2 MB. Only a hint.
void ask_for_huge_pages(char* data, size_t size) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr uintptr_t kHuge = uintptr_t{2} << 20;
    uintptr_t begin = (reinterpret_cast<uintptr_t>(data) + kHuge - 1) & ~(kHuge - 1);
    uintptr_t end = (reinterpret_cast<uintptr_t>(data) + size) & ~(kHuge - 1);
    if (begin < end) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
    (void)data;
    (void)size;
#endif
}

// Whether the first character that is not blank (or a UTF-8 byte order mark) opens markup.
bool starts_with_markup(std::string_view content) {
    size_t first = content.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
    return first != std::string_view::npos && content[first] == '<';
}

// Reads a whole file into one string of its exact size: a 100 MB export costs 100 MB, not the
// two or three copies a stringstream makes on the way.
std::string read_file(const std::string& path, const std::shared_ptr<const std::string>& name) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) throw InputError(SourceLocation{name}, "cannot open the file");
    std::streamoff size = in.tellg();
    if (size < 0) throw InputError(SourceLocation{name}, "cannot read the file");
    std::string content;
    content.reserve(static_cast<size_t>(size));
    ask_for_huge_pages(content.data(), content.capacity());
    content.resize(static_cast<size_t>(size));
    in.seekg(0);
    if (!in.read(content.data(), size)) throw InputError(SourceLocation{name}, "cannot read the file");
    return content;
}

std::string_view describe(const std::string& format) {
    if (format == "iptables") return "an iptables-save dump";
    if (format == "paloalto") return "a PAN-OS export";
    return "a Windows netsh/PowerShell export";
}

// The format of the inputs: `format` when given, else each input's own, which must be the same
// for all (one firewall's files come from one vendor).
std::string format_of(const std::vector<Input>& inputs, const std::string& format) {
    if (!format.empty()) {
        if (format != "iptables" && format != "paloalto" && format != "netsh")
            throw InputError(SourceLocation{inputs.front().path},
                             "format '" + format + "' is not supported (known: iptables, paloalto, netsh)");
        return format;
    }
    std::string first;
    for (const auto& in : inputs) {
        std::string f = detect_format(*in.content);
        if (f.empty()) {
            throw InputError(SourceLocation{in.path, 1, 1},
                             "unrecognized format: not an iptables-save dump, a PAN-OS export or a Windows "
                             "netsh/PowerShell export (set `format:` to say what it is)");
        }
        if (!first.empty() && f != first) {
            throw InputError(SourceLocation{in.path, 1, 1},
                             fmt::format("this is {}, but {} (an earlier config of the same firewall) is {}: "
                                         "one firewall's configs must all come from one vendor",
                                         describe(f), *inputs.front().path, describe(first)));
        }
        first = f;
    }
    return first;
}

analysis::Firewall parse_inputs(const std::vector<Input>& inputs, const std::string& format,
                                const ParseOptions& options, const SourceLocation& entry) {
    std::string f = format_of(inputs, format);
    if (f == "iptables") return iptables::parse(inputs, options);
    if (f == "netsh") return netsh::parse(inputs, options);
    if (inputs.size() > 1) {  // a PAN-OS export is the whole configuration: two cannot be merged
        std::vector<std::string> names;
        for (const auto& in : inputs)
            names.push_back(*in.path);
        throw InputError(
            entry.file ? entry : SourceLocation{inputs[1].path, 1, 1},
            fmt::format("a Palo Alto firewall is read from one export (its whole configuration), "
                        "but {} files are given: {}",
                        inputs.size(), fmt::join(names, ", ")));
    }
    return paloalto::parse(inputs[0].path, inputs[0].content, options);
}

}  // namespace

std::string detect_format(std::string_view content) {
    // A file opening with markup is no iptables-save dump (iptables-restore rejects its first
    // line), and the iptables test reads every line of a file it does not recognize: on a 51 MB
    // PAN-OS export that cost a quarter of the XML parse itself.
    if (!starts_with_markup(content) && iptables::looks_like(content)) return "iptables";
    if (paloalto::looks_like(content)) return "paloalto";
    if (netsh::looks_like(content)) return "netsh";
    return "";
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

}  // namespace

analysis::Firewall parse_firewall(const analysis::FirewallSpec& spec) {
    return parse_files(spec.config_paths, spec.format, options_of(spec), spec.location);
}

analysis::Firewall parse_firewall(const analysis::FirewallSpec& spec, const std::vector<Input>& uploads) {
    return parse_inputs(uploads, spec.format, options_of(spec), spec.location);
}

}  // namespace flowgap::parsers
