// Windows Defender Firewall: netsh listings (`show rule name=all [verbose]`, `show allprofiles`),
// netsh and PowerShell (New-NetFirewallRule) scripts, the PowerShell JSON export and Get-NetFirewallRule/-Profile Format-List
// output, in any encoding Windows writes and in English, German or French (more languages are
// rows in vocabulary.cpp), from one file or several. Semantics: docs/formats.md.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/rule.hpp"
#include "parsers/input.hpp"
#include "parsers/options.hpp"

namespace flowgap::parsers::netsh {

// True when the raw bytes (any encoding) look like one of the inputs above.
bool looks_like(std::string_view content);

// Parses a whole file into an "inbound" and an "outbound" block-wins policy. Throws
// analysis::InputError, located, for input that holds nothing this parser can use.
analysis::Firewall parse(std::shared_ptr<const std::string> path, std::shared_ptr<const std::string> content,
                         const ParseOptions& options);

// Several files of one host (each in its own shape and encoding) as one firewall: the rules of
// all, each profile's settings from whichever file states them (merge.hpp). Two files stating a
// profile's State or Firewall Policy differently is an InputError.
analysis::Firewall parse(const std::vector<Input>& inputs, const ParseOptions& options);

}  // namespace flowgap::parsers::netsh
