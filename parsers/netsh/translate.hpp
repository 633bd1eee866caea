// netsh semantics into the rule model: block-wins policies per direction, profile defaults and
// states, host-relative address keywords, program scoping.
#pragma once

#include "parsers/netsh/raw.hpp"
#include "parsers/options.hpp"

namespace flowgap::parsers::netsh {

// Adds an "inbound" and an "outbound" policy to `fw` (and warnings for what had to be assumed).
// The inbound default rule's `container` names, for fix.cpp, the profiles whose policy is
// BlockInboundAlways with their outbound policy: "domain=allowoutbound;public=blockoutbound".
void translate(const Collected& in, const ParseOptions& options, analysis::Firewall& fw);

}  // namespace flowgap::parsers::netsh
