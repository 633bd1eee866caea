#include "analysis/remediation.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace flowgap::analysis {

std::vector<Fix> plan_fixes(const Audit& audit) {
    std::vector<Fix> out;
    for (const auto& res : audit.results) {
        if (audit.flows[res.flow].entry->level != Level::required) continue;
        if (res.verdict != Verdict::blocked && res.verdict != Verdict::partial) continue;
        for (const auto& part : res.parts) {
            for (const auto& d : part.evaluation.decisions) {
                if (d.conditional || d.rule->action != Action::block) continue;
                Fix f;
                f.flow = res.flow;
                f.firewall = res.firewall;
                f.policy = part.policy;
                f.blocking = d.rule;
                f.blocking_is_default = d.is_default;
                f.packets = d.space;
                if (part.policy->combine == Combine::block_wins && !d.is_default) {
                    f.narrow = true;
                    f.narrowed = d.rule->match - d.space;
                }
                out.push_back(std::move(f));
            }
        }
    }
    return out;
}

Family family_of(const Box& b) {
    return Address{b.src.intervals().min()}.family();
}

std::vector<std::string> blocks(const AddressSet& s, Family f) {
    AddressSet universe = f == Family::v4 ? AddressSet::all_v4() : AddressSet::all_v6();
    if (s.contains(universe)) return {};
    return s.cidrs();
}

std::vector<uint32_t> protocols_of(const Box& b) {
    std::vector<uint32_t> out;
    if (b.proto == ProtocolSet::all()) return out;
    for (const auto& iv : b.proto.intervals().intervals()) {
        for (uint32_t p = iv.lo; p <= iv.hi; ++p)
            out.push_back(p);
    }
    return out;
}

std::string service_name(uint32_t proto, const PortSet& ports) {
    std::string p = ports.str();
    std::replace(p.begin(), p.end(), ',', '_');
    return fmt::format("{}-{}", protocol::name(proto), p);
}

std::string posix_word(std::string_view s) {
    auto safe = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               std::string_view("_@%+=:,./-").find(c) != std::string_view::npos;
    };
    if (!s.empty() && std::all_of(s.begin(), s.end(), safe)) return std::string(s);
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out += c;
        }
    }
    return out + "'";
}

std::string xml_escaped(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&apos;"; break;
            default: out += c;
        }
    }
    return out;
}

bool has_control(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7F;
    });
}

Remedy refused(std::string_view what, std::string_view shell, std::string_view change) {
    return Remedy{fmt::format("no command: {} cannot be quoted safely for {}; make the change by hand: {}",
                              what, shell, change),
                  {},
                  {}};
}

}  // namespace flowgap::analysis
