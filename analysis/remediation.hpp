// What to change so a required flow gets through: vendor-independent fixes that each vendor's
// parser folder turns into the firewall's own commands (a Remedy), and the questions over the
// model those commands ask.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/audit.hpp"

namespace flowgap::analysis {

struct Fix {
    size_t flow = 0;      // index into Audit::flows
    size_t firewall = 0;  // index into the deployment's firewalls
    const Policy* policy = nullptr;
    // The rule (or policy default) that blocks `packets`. First-match policies: a new allow rule
    // for `packets` placed right before it. Block-wins policies: an allow rule cannot override a
    // block rule, so a written blocking rule must be narrowed to `narrowed` instead (its match
    // less the packets); a blocking default is overridden by a new allow rule.
    const Rule* blocking = nullptr;
    bool blocking_is_default = false;
    FlowSpace packets;
    bool narrow = false;
    FlowSpace narrowed;
};

// One fix per certain block decision of every blocked or partial required flow.
std::vector<Fix> plan_fixes(const Audit& audit);

// A fix or a finding's replacement in one firewall's own language.
struct Remedy {
    std::string summary;                // one line: what the commands do
    std::vector<std::string> commands;  // the firewall's own command lines, in order
    std::string xml;                    // a configuration snippet, when the vendor has one
};

// The address family of a box (its sources and destinations are of one family).
Family family_of(const Box& b);
// The CIDR blocks of `s`, or nothing when `s` is the whole family ("any" needs no option).
std::vector<std::string> blocks(const AddressSet& s, Family f);
// The IP protocol numbers of a box one by one, or nothing when it spans every protocol.
std::vector<uint32_t> protocols_of(const Box& b);
// A name for a service object of these ports ("tcp-17472", "udp-53_67-68").
std::string service_name(uint32_t proto, const PortSet& ports);

// Quoting names from a config for the shell or file a command is pasted into. Names are the
// config author's (or an attacker's) text: a command built from a raw name could run another
// command when pasted.
//
// `s` as one POSIX shell word: unchanged when every character is plainly safe (letters, digits,
// `_ @ % + = : , . / -`, e.g. INPUT, 10.0.0.0/8), else in single quotes with `'\''` for a quote.
std::string posix_word(std::string_view s);
// `s` for XML content and attribute values: & < > " ' escaped.
std::string xml_escaped(std::string_view s);
// Whether `s` holds a control character (C0, DEL): no command line can carry it as written.
bool has_control(std::string_view s);
// A remedy with no commands whose summary says why: `what` (e.g. `the rule name "x"`) cannot be
// quoted safely for `shell`; `change` says what to do by hand.
Remedy refused(std::string_view what, std::string_view shell, std::string_view change);

}  // namespace flowgap::analysis
