// Every table of a dump as the kernel runs it: the built-in chains of raw, mangle, nat, filter and
// security become one first-match policy per (table, hook) and direction, in netfilter's order.
//
// A packet passes a direction only if every policy there lets it through (analysis/audit.cpp):
// that is netfilter's rule, where ACCEPT ends only its own table's chain and a DROP anywhere
// drops. What the dump says it leaves out (a table iptables-nft cannot print, legacy tables, a
// missing filter table) becomes a rule that may match every packet with an unknown outcome, so
// such packets are conditional, never allowed.
#pragma once

#include <string>
#include <vector>

#include "parsers/iptables/model.hpp"

namespace flowgap::parsers::iptables {

// One `*table` ... `COMMIT` block as read.
struct TableDump {
    std::string_view name;
    uint32_t line = 0;  // the `*table` line
    std::vector<Chain> chains;
};

// What the dump's comments and structure say is not in it.
struct Omissions {
    struct Incompatible {
        std::string table;  // from "# Table `filter' is incompatible, use 'nft' tool."
        uint32_t line = 0;
        std::string_view text;
    };
    std::vector<Incompatible> incompatible;
    uint32_t legacy_line = 0;  // "# Warning: iptables-legacy tables present, ..."
    std::string_view legacy_text;
    uint32_t first_table_line = 0;
    std::string_view first_table_text;
};

// The table's name in "# Table `NAME' is incompatible, use 'nft' tool.", if the comment is one.
std::optional<std::string_view> incompatible_table(std::string_view comment);

// Whether the comment is iptables-nft's note that iptables-legacy tables exist as well.
bool legacy_tables_note(std::string_view comment);

// Where a policy that build_tables() makes comes in netfilter's order (directions inbound,
// outbound, transit; within each, the legacy-tables policy first, then the hooks).
size_t stage_rank(std::string_view policy_name, analysis::Direction direction);

// The policies of every table of the dump, in netfilter's order within each direction (inbound,
// outbound, transit). The filter table's keep the names INPUT, OUTPUT and FORWARD and are always
// present; the other tables' ("raw PREROUTING") only where they can decide something. Chains'
// rules are moved out of `tables`. `budget` caps inlining per chain (see build_policy). The DNATs
// followed exactly (dnat.hpp) are appended to `translations`.
std::vector<analysis::Policy> build_tables(const Context& ctx, std::vector<TableDump>& tables,
                                           const Omissions& omissions, size_t budget,
                                           std::vector<analysis::Translation>& translations);

}  // namespace flowgap::parsers::iptables
