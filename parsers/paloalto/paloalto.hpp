// Palo Alto Networks PAN-OS firewall and Panorama configurations: XML exports, `set` command
// lists and the brace ("show") format.
//
// Every form is read into one XML tree (tree.hpp), and one loader turns that tree into one
// first-match transit policy per selected vsys or device group: the rulebases in PAN-OS
// evaluation order, then intrazone-default and interzone-default as real rules. Zones become
// address sets (from the deployment's `zones:` or inferred from interfaces and routes); App-ID,
// users, URL categories, FQDNs, dynamic groups and EDLs make rules conditional.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/rule.hpp"
#include "parsers/input.hpp"
#include "parsers/options.hpp"

namespace flowgap::parsers::paloalto {

// True when `content` is a PAN-OS XML export (<config>, or an XML-API <response> around one), a
// list of `set` commands, or the brace format.
bool looks_like(std::string_view content);

// Throws analysis::InputError, located, for input that cannot be read (not well-formed XML,
// not a PAN-OS configuration, no security rulebase anywhere). What it cannot model becomes
// located warnings and conditional matches.
analysis::Firewall parse(std::shared_ptr<const std::string> path, std::shared_ptr<const std::string> content,
                         const ParseOptions& options);
// The same for the configs of one firewall, which must be one export: a PAN-OS export is the
// whole configuration, so two cannot be merged (an InputError at `entry`, else at the second).
analysis::Firewall parse(const std::vector<Input>& inputs, const ParseOptions& options,
                         const analysis::SourceLocation& entry);

}  // namespace flowgap::parsers::paloalto
