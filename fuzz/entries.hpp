// The entries the fuzz targets feed, shared with tests/test_fuzz_regressions.cpp so that a saved
// finding replays through exactly the code that found it. Each is the entry the CLI uses for
// that input. Only analysis::InputError (bad input, located) is expected and swallowed; anything
// else escapes: to libFuzzer as a finding, to Catch2 as a failure.
#pragma once

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "analysis/deployment.hpp"
#include "analysis/diagnostic.hpp"
#include "parsers/parse.hpp"
#include "src/diff/diff.hpp"
#include "src/diff/validate.hpp"
#include "src/serve/multipart.hpp"

namespace flowgap::fuzz {

// A config as `flowgap serve` and the CLI read one: detection, then parse_firewall with a
// default FirewallSpec (so default ParseOptions). `format` is the vendor the target aims at, set
// as a deployment's `format:` sets it, so bytes detection would not recognise still reach that
// parser instead of ending at "unrecognized format".
inline void parse_config(std::string_view bytes, const char* format) {
    auto content = std::make_shared<const std::string>(bytes);
    auto name = std::make_shared<const std::string>("fuzz-input");
    analysis::FirewallSpec spec;
    spec.name = "fw";
    spec.format = format;
    try {
        (void)parsers::detect_format(*content);
        (void)parsers::parse_firewall(spec, {parsers::Input{name, content}});
    } catch (const analysis::InputError&) {
    }
}

// A deployment file, as every command loads one.
inline void read_deployment(std::string_view bytes) {
    try {
        (void)analysis::parse_deployment("deployment.yaml", std::string(bytes));
    } catch (const analysis::InputError&) {
    }
}

// A saved report, as `flowgap diff BEFORE.json AFTER.json` reads it: parsed, then compared (which
// validates every field it reads) with itself on the other side.
inline void read_report(std::string_view bytes) {
    try {
        auto report = diff::parse_report(std::string(bytes), "report.json");
        (void)diff::compare_reports(report, "before.json", report, "after.json");
    } catch (const analysis::InputError&) {
    }
}

// An upload's body read by serve's FormReader (boundary "XyZ", as the seeds have it), whole or in
// pieces: the parts, or the error (std::invalid_argument, which serve answers 400), as one string.
// A piece starting at byte i is 1 + bytes[i] % 64 long when `pieces`, so the input picks the cuts.
inline std::string form_outcome(std::string_view bytes, bool pieces) {
    serve::FormReader reader("XyZ");
    std::string out;
    try {
        for (std::string_view rest = bytes; !rest.empty();) {
            size_t n = pieces ? 1 + static_cast<unsigned char>(rest[0]) % 64 : rest.size();
            reader.feed(rest.substr(0, n));
            rest.remove_prefix(std::min(n, rest.size()));
        }
        for (const auto& p : reader.finish())
            out += p.name + '\0' + p.filename + '\0' + p.content + '\0';
    } catch (const std::invalid_argument& e) {
        out = std::string("error: ") + e.what();
    }
    return out;
}

// An upload's body as `flowgap serve` reads it, whole and in the pieces the input picks, which
// must read the same (else std::logic_error: a finding); and the same bytes as a Content-Type and
// as a Content-Disposition.
inline void read_form(std::string_view bytes) {
    if (form_outcome(bytes, false) != form_outcome(bytes, true))
        throw std::logic_error("the body read in pieces differs from the body read whole");
    std::string_view head = bytes.substr(0, 8192);
    (void)serve::form_boundary(head);
    try {
        (void)serve::parse_disposition(head);
    } catch (const std::invalid_argument&) {
    }
}

// The entry of the target named `target` (fuzz/fuzz_<target>.cpp); false for an unknown name.
inline bool replay(std::string_view target, std::string_view bytes) {
    if (target == "iptables")
        parse_config(bytes, "iptables");
    else if (target == "paloalto_xml" || target == "paloalto_text")
        parse_config(bytes, "paloalto");
    else if (target == "nftables")
        parse_config(bytes, "nftables");
    else if (target == "netsh_text" || target == "netsh_json")
        parse_config(bytes, "netsh");
    else if (target == "deployment")
        read_deployment(bytes);
    else if (target == "report")
        read_report(bytes);
    else if (target == "multipart")
        read_form(bytes);
    else
        return false;
    return true;
}

}  // namespace flowgap::fuzz
