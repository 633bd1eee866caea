#include "parsers/vendors.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "parsers/iptables/fix.hpp"
#include "parsers/iptables/identity.hpp"
#include "parsers/iptables/iptables.hpp"
#include "parsers/netsh/fix.hpp"
#include "parsers/netsh/netsh.hpp"
#include "parsers/nftables/fix.hpp"
#include "parsers/nftables/nftables.hpp"
#include "parsers/paloalto/fix.hpp"
#include "parsers/paloalto/paloalto.hpp"

namespace flowgap::parsers {

namespace {

// Whether the first character that is not blank (or a UTF-8 byte order mark) opens markup.
bool starts_with_markup(std::string_view content) {
    size_t first = content.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
    return first != std::string_view::npos && content[first] == '<';
}

// A file opening with markup is no iptables-save dump (iptables-restore rejects its first line),
// and the iptables test reads every line of a file it does not recognize: on a 51 MB PAN-OS
// export that cost a quarter of the XML parse itself. So markup is ruled out first.
bool iptables_looks_like(std::string_view content) {
    return !starts_with_markup(content) && iptables::looks_like(content);
}

analysis::Firewall iptables_parse(const std::vector<Input>& inputs, const ParseOptions& options,
                                  const analysis::SourceLocation&) {
    return iptables::parse(inputs, options);
}

analysis::Firewall netsh_parse(const std::vector<Input>& inputs, const ParseOptions& options,
                               const analysis::SourceLocation&) {
    return netsh::parse(inputs, options);
}

analysis::Firewall paloalto_parse(const std::vector<Input>& inputs, const ParseOptions& options,
                                  const analysis::SourceLocation& entry) {
    return paloalto::parse(inputs, options, entry);
}

analysis::Firewall nftables_parse(const std::vector<Input>& inputs, const ParseOptions& options,
                                  const analysis::SourceLocation&) {
    return nftables::parse(inputs, options);
}

}  // namespace

std::string named_rule_identity(std::string_view policy, std::string_view rule_name, std::string_view) {
    std::string out(policy);
    out += '\x1f';
    out += rule_name;
    return out;
}

const std::vector<Vendor>& vendors() {
    // Detection asks the rows in this order, the order it always had (the iptables row rules out
    // markup first: iptables_looks_like).
    static const std::vector<Vendor> table = {
        {"iptables", "an iptables-save dump", iptables_looks_like, iptables_parse, iptables::fix, nullptr,
         iptables::identity},
        {"paloalto", "a PAN-OS export", paloalto::looks_like, paloalto_parse, paloalto::fix,
         paloalto::replace_app_rule, named_rule_identity},
        {"netsh", "a Windows netsh/PowerShell export", netsh::looks_like, netsh_parse, netsh::fix, nullptr,
         named_rule_identity},
        {"nftables", "an nft ruleset (nft list ruleset)", nftables::looks_like, nftables_parse, nftables::fix,
         nullptr, nftables::identity},
    };
    return table;
}

const Vendor* vendor_named(std::string_view id) {
    const auto& all = vendors();
    auto it = std::find_if(all.begin(), all.end(), [&](const Vendor& v) { return v.id == id; });
    return it == all.end() ? nullptr : &*it;
}

std::string vendor_ids() {
    std::vector<std::string_view> ids;
    for (const auto& v : vendors())
        ids.push_back(v.id);
    return fmt::format("{}", fmt::join(ids, ", "));
}

}  // namespace flowgap::parsers
