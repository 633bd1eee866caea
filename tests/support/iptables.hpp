// Helpers shared by the iptables parser tests: parse an inline dump, build flows, and find
// which rule decided a flow.
#pragma once

#include <memory>
#include <string>

#include "analysis/evaluate.hpp"
#include "parsers/iptables/iptables.hpp"

namespace flowgap::testing::iptables {

using namespace flowgap::analysis;

inline Firewall parse(std::string text, const flowgap::parsers::ParseOptions& options = {}) {
    return flowgap::parsers::iptables::parse(std::make_shared<const std::string>("test.rules"),
                                             std::make_shared<const std::string>(std::move(text)), options);
}

inline const Policy& policy(const Firewall& fw, const std::string& name) {
    for (const auto& p : fw.policies) {
        if (p.name == name) return p;
    }
    throw std::runtime_error("no policy " + name);
}

inline AddressSet addr(const char* text) {
    return *AddressSet::parse(text);
}

inline FlowSpace tcp(const char* src, const char* dst, uint32_t dport, uint32_t sport = 49152) {
    return FlowSpace::of(addr(src), addr(dst), ProtocolSet::single(protocol::tcp), PortSet::single(dport),
                         PortSet::single(sport));
}

inline FlowSpace udp(const char* src, const char* dst, uint32_t dport, uint32_t sport = 49152) {
    return FlowSpace::of(addr(src), addr(dst), ProtocolSet::single(protocol::udp), PortSet::single(dport),
                         PortSet::single(sport));
}

// The rule that certainly decides the flow (nullptr when none does).
inline const Rule* decider(const Evaluation& ev) {
    for (const auto& d : ev.decisions) {
        if (!d.conditional) return d.rule;
    }
    return nullptr;
}

inline std::string decider_name(const Policy& p, const FlowSpace& flow) {
    auto ev = evaluate(p, flow);
    const Rule* r = decider(ev);
    return r ? r->name : "<none>";
}

inline uint32_t decider_line(const Policy& p, const FlowSpace& flow) {
    auto ev = evaluate(p, flow);
    const Rule* r = decider(ev);
    return r ? r->location.line : 0;
}

}  // namespace flowgap::testing::iptables
