// Reading a configuration file of any supported vendor into the rule model.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "analysis/deployment.hpp"
#include "analysis/rule.hpp"
#include "parsers/options.hpp"

namespace flowgap::parsers {

// "iptables", "paloalto", "netsh", or "" when the content matches no known format.
std::string detect_format(std::string_view content);

// Reads `path` and parses it as `format` (detected from the content when empty). `display` is
// the name locations use (the path as the user wrote it). Throws analysis::InputError.
analysis::Firewall parse_file(const std::string& path, const std::string& display, std::string format,
                              const ParseOptions& options);

// Parses `content` (held in memory, as `flowgap serve` holds uploads) as `format` (detected when
// empty); locations name it `name`. The parsed rules point into `content`.
analysis::Firewall parse_content(const std::shared_ptr<const std::string>& name,
                                 const std::shared_ptr<const std::string>& content, std::string format,
                                 const ParseOptions& options);

// Parses one firewall of a deployment with the options its entry gives (zones, interfaces,
// device group, profile, address keywords). Every command parses firewalls this way.
analysis::Firewall parse_firewall(const analysis::FirewallSpec& spec);
// The same with the config given in memory (an upload called `name`) instead of spec.config_path.
analysis::Firewall parse_firewall(const analysis::FirewallSpec& spec, const std::string& name,
                                  std::shared_ptr<const std::string> content);

}  // namespace flowgap::parsers
