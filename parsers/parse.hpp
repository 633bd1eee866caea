// Reading a configuration file of any supported vendor into the rule model.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/deployment.hpp"
#include "analysis/rule.hpp"
#include "parsers/input.hpp"
#include "parsers/options.hpp"

namespace flowgap::parsers {

// "iptables", "paloalto", "netsh", or "" when the content matches no known format.
std::string detect_format(std::string_view content);

// Reads `path` and parses it as `format` (detected from the content when empty). `display` is
// the name locations use (the path as the user wrote it). Throws analysis::InputError.
analysis::Firewall parse_file(const std::string& path, const std::string& display, std::string format,
                              const ParseOptions& options);

// Reads several files of one firewall and parses them as one (a Windows host's profile settings
// and its rule listing, a host's iptables-save and ip6tables-save dumps); each file's format is
// detected on its own unless `format` names it. Files of different vendors, and several Palo
// Alto exports, are InputErrors; `entry` locates errors about the list as a whole.
analysis::Firewall parse_files(const std::vector<std::string>& paths, const std::string& format,
                               const ParseOptions& options, const analysis::SourceLocation& entry = {});

// Checks that each firewall's `format:` names a vendor of the table (parsers/vendors.hpp), located
// at the value. The deployment loader knows no vendor, so commands call this right after loading
// a deployment: a bad `format:` then fails before anything is parsed, even for `flowgap flows`.
void check_formats(const analysis::Deployment& d);

// Parses one firewall of a deployment with the options its entry gives (zones, interfaces,
// device group, profile, address keywords). Every command parses firewalls this way.
analysis::Firewall parse_firewall(const analysis::FirewallSpec& spec);
// The same with the configs held in memory (uploads to `flowgap serve`, each named as uploaded)
// instead of spec.config_paths. The parsed rules point into the inputs' contents.
analysis::Firewall parse_firewall(const analysis::FirewallSpec& spec, const std::vector<Input>& uploads);

}  // namespace flowgap::parsers
