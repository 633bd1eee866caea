// Helpers for the Palo Alto tests: a small firewall export around given objects and rules, and
// evaluating one packet against the parsed policy.
#pragma once

#include <memory>
#include <string>

#include "analysis/evaluate.hpp"
#include "parsers/paloalto/paloalto.hpp"

namespace flowgap::testing::paloalto {

using namespace flowgap::analysis;

inline Firewall parse_text(const std::string& content, const parsers::ParseOptions& options = {},
                           const std::string& name = "fw.xml") {
    return parsers::paloalto::parse(std::make_shared<const std::string>(name),
                                    std::make_shared<const std::string>(content), options);
}

// trust 10.1.0.0/16 (e1/1), dmz 172.16.0.0/16 (e1/2), untrust 203.0.113.0/24 (e1/3) plus the
// default route. Objects and rules go into vsys1.
inline std::string firewall_xml(const std::string& objects, const std::string& rules,
                                const std::string& defaults = "") {
    return R"(<config version="10.1.0">
  <shared>
    <address><entry name="shared-host"><ip-netmask>10.1.9.9</ip-netmask></entry></address>
  </shared>
  <devices><entry name="localhost.localdomain">
    <network>
      <interface><ethernet>
        <entry name="ethernet1/1"><layer3><ip><entry name="10.1.0.1/16"/></ip></layer3></entry>
        <entry name="ethernet1/2"><layer3><ip><entry name="172.16.0.1/16"/></ip></layer3></entry>
        <entry name="ethernet1/3"><layer3><ip><entry name="203.0.113.1/24"/></ip></layer3></entry>
      </ethernet></interface>
      <virtual-router><entry name="default"><routing-table><ip><static-route>
        <entry name="default"><nexthop><ip-address>203.0.113.254</ip-address></nexthop><destination>0.0.0.0/0</destination></entry>
      </static-route></ip></routing-table></entry></virtual-router>
    </network>
    <vsys><entry name="vsys1">
      <zone>
        <entry name="trust"><network><layer3><member>ethernet1/1</member></layer3></network></entry>
        <entry name="dmz"><network><layer3><member>ethernet1/2</member></layer3></network></entry>
        <entry name="untrust"><network><layer3><member>ethernet1/3</member></layer3></network></entry>
      </zone>
)" + objects +
           R"(
      <rulebase><security><rules>
)" + rules +
           R"(
      </rules></security>)" +
           defaults + R"(</rulebase>
    </entry></vsys>
  </entry></devices>
</config>
)";
}

// A rule entry; fields are raw XML children.
inline std::string rule(const std::string& name, const std::string& body) {
    return "<entry name=\"" + name + "\">" + body + "</entry>\n";
}

inline std::string members(const std::string& element, std::initializer_list<const char*> items) {
    std::string s = "<" + element + ">";
    for (const char* i : items)
        s += std::string("<member>") + i + "</member>";
    return s + "</" + element + ">";
}

inline FlowSpace packet(const char* src, const char* dst, uint32_t proto, uint32_t dport) {
    return FlowSpace::of(*AddressSet::parse(src), *AddressSet::parse(dst), ProtocolSet::single(proto),
                         PortSet::single(dport));
}

inline const Policy& only_policy(const Firewall& fw) {
    if (fw.policies.size() != 1) throw std::runtime_error("expected one policy");
    return fw.policies.front();
}

// The verdict and the first deciding rule's name for one packet.
struct Outcome {
    Verdict verdict;
    std::string rule;
};
inline Outcome decide(const Firewall& fw, const FlowSpace& p) {
    Evaluation ev = evaluate(only_policy(fw), p - fw.bypass);
    if ((p - fw.bypass).empty()) return {Verdict::not_applicable, ""};
    return {ev.verdict, ev.decisions.empty() ? "" : ev.decisions.front().rule->name};
}

inline const Rule* find_rule(const Policy& p, const std::string& name) {
    for (const auto& r : p.rules)
        if (r.name == name) return &r;
    return nullptr;
}

}  // namespace flowgap::testing::paloalto
