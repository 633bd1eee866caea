#include "parsers/parse.hpp"

#include <cstdint>
#include <fstream>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "parsers/iptables/iptables.hpp"
#include "parsers/netsh/netsh.hpp"
#include "parsers/paloalto/paloalto.hpp"

namespace flowgap::parsers {

using analysis::InputError;
using analysis::SourceLocation;

std::string detect_format(std::string_view content) {
    if (iptables::looks_like(content)) return "iptables";
    if (paloalto::looks_like(content)) return "paloalto";
    if (netsh::looks_like(content)) return "netsh";
    return "";
}

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

}  // namespace

analysis::Firewall parse_file(const std::string& path, const std::string& display, std::string format,
                              const ParseOptions& options) {
    auto name = std::make_shared<const std::string>(display);
    auto content = std::make_shared<const std::string>(read_file(path, name));
    if (format.empty()) format = detect_format(*content);
    if (format == "iptables") return iptables::parse(name, content, options);
    if (format == "paloalto") return paloalto::parse(name, content, options);
    if (format == "netsh") return netsh::parse(name, content, options);
    if (format.empty()) {
        throw InputError(SourceLocation{name, 1, 1},
                         "unrecognized format: not an iptables-save dump, a PAN-OS export or a Windows "
                         "netsh/PowerShell export (set `format:` to say what it is)");
    }
    throw InputError(SourceLocation{name},
                     "format '" + format + "' is not supported (known: iptables, paloalto, netsh)");
}

analysis::Firewall parse_firewall(const analysis::FirewallSpec& spec) {
    ParseOptions o;
    o.interfaces = spec.interfaces;
    o.zones = spec.zones;
    o.device_group = spec.device_group;
    o.vsys = spec.vsys;
    o.profile = spec.profile;
    o.address_keywords = spec.address_keywords;
    return parse_file(spec.config_path, spec.config_path, spec.format, o);
}

}  // namespace flowgap::parsers
