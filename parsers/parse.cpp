#include "parsers/parse.hpp"

#include <fstream>

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

// Reads a whole file into one string of its exact size: a 100 MB export costs 100 MB, not the
// two or three copies a stringstream makes on the way.
std::string read_file(const std::string& path, const std::shared_ptr<const std::string>& name) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) throw InputError(SourceLocation{name}, "cannot open the file");
    std::streamoff size = in.tellg();
    if (size < 0) throw InputError(SourceLocation{name}, "cannot read the file");
    std::string content(static_cast<size_t>(size), '\0');
    in.seekg(0);
    if (!in.read(content.data(), size)) throw InputError(SourceLocation{name}, "cannot read the file");
    return content;
}

}  // namespace

analysis::Firewall parse_file(const std::string& path, const std::string& display, std::string format,
                              const ParseOptions& options) {
    auto name = std::make_shared<const std::string>(display);
    return parse_content(name, std::make_shared<const std::string>(read_file(path, name)), format, options);
}

analysis::Firewall parse_content(const std::shared_ptr<const std::string>& name,
                                 const std::shared_ptr<const std::string>& content, std::string format,
                                 const ParseOptions& options) {
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
    return parse_file(spec.config_path, spec.config_path, spec.format, options_of(spec));
}

analysis::Firewall parse_firewall(const analysis::FirewallSpec& spec, const std::string& name,
                                  std::shared_ptr<const std::string> content) {
    return parse_content(std::make_shared<const std::string>(name), content, spec.format, options_of(spec));
}

}  // namespace flowgap::parsers
