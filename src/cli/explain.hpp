// `flowgap explain`: trace one packet through one firewall.
#pragma once

#include <ostream>
#include <string>

#include "analysis/audit.hpp"

namespace flowgap::cli {

// `program` is the local program on a host firewall (lowercase file name), or empty.
void write_explain(std::ostream& out, const analysis::FirewallSpec& spec, const analysis::Firewall& fw,
                   const analysis::Packet& p, const std::string& program);

}  // namespace flowgap::cli
