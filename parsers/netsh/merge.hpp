// Several inputs of one Windows host (`show allprofiles` in one file, the rule listing in
// another, ...) read as one: the rules of all of them, each profile's settings from whichever
// input states them.
#pragma once

#include <vector>

#include "parsers/netsh/raw.hpp"

namespace flowgap::parsers::netsh {

// Stamps each rule and profile with its input's path and joins the inputs in order. A
// Get-NetFirewallRule Format-List record whose rule another input lists with its filters (same
// name, direction, action, profiles and Enabled) is dropped as a duplicate; what remains of such
// a listing gets one warning. Throws analysis::InputError, at the second input's profile
// header, when two inputs state a profile's State or Firewall Policy differently.
Collected merge(std::vector<Collected> inputs);

}  // namespace flowgap::parsers::netsh
