// Evaluating a set of packets against a policy.
//
// The result partitions the packets exactly: each packet is allowed, blocked, or conditional
// (its fate depends on something the configuration alone cannot decide). A packet is never
// reported allowed unless every way the undecidable conditions could go allows it.
#pragma once

#include <string_view>
#include <vector>

#include "analysis/rule.hpp"

namespace flowgap::analysis {

enum class Verdict { allowed, blocked, partial, conditional, not_applicable };
std::string_view to_string(Verdict v);

// One rule's share of the packets: what it decides, or (conditional) may decide.
struct Decision {
    const Rule* rule = nullptr;
    bool is_default = false;  // the policy's default, not a written rule
    bool conditional = false;
    FlowSpace space;
};

struct Evaluation {
    std::vector<Decision> decisions;  // in the order the policy consults its rules
    FlowSpace allowed;
    FlowSpace blocked;
    FlowSpace conditional;
    Verdict verdict = Verdict::not_applicable;
};

// What the packets carry beyond their headers.
struct Context {
    // The local program sending or receiving them on a host firewall (lowercase file name, e.g.
    // "taniumclient.exe"); empty when unknown, which makes program-scoped rules conditional.
    std::string program;
};

Evaluation evaluate(const Policy& policy, const FlowSpace& packets, const Context& context = {});

// Whether `rule` is limited to programs and the context's program, known, is none of them: such
// a rule never carries the packets, whatever else it matches (evaluate() skips it).
bool for_other_program(const Rule& rule, const Context& context);

// Several packet sets against one policy, in one pass over its rules; the same results as
// calling evaluate() for each.
struct Query {
    FlowSpace packets;
    Context context;
};
std::vector<Evaluation> evaluate_many(const Policy& policy, const std::vector<Query>& queries);

// The verdict for `packets` given what is certainly allowed and certainly blocked of it.
Verdict verdict_of(const FlowSpace& packets, const FlowSpace& allowed, const FlowSpace& blocked);

}  // namespace flowgap::analysis
