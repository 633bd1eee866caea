#include "analysis/remediation.hpp"

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

}  // namespace flowgap::analysis
