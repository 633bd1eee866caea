// The state of one rule while its arguments are read: a box of certainly matched packets, a
// box of possibly matched ones, and the conditions that separate them. matches.cpp walks the
// arguments and handles the basic options; modules.cpp handles `-m` match options.
#pragma once

#include <optional>
#include <string>

#include "parsers/iptables/matches.hpp"

namespace flowgap::parsers::iptables {

class RuleBuilder {
  public:
    RuleBuilder(const Context& ctx, const RuleLine& line, RuleSpec& out);
    void run();
    void finish(bool build_spaces);

  private:
    // --- argument cursor (matches.cpp)
    bool at_end() const { return pos_ >= line_.args.size(); }
    const Token& peek() const { return line_.args[pos_]; }
    uint32_t column(const Token& t) const;
    [[noreturn]] void fail(const Token& t, const std::string& message) const;
    void warn(const Token& t, std::string message) const;
    // The argument of the option at `option`; `negated` picks up the old `--opt ! value` form.
    const Token& argument(size_t option, bool& negated);
    void skip_arguments();                                // the arguments of an option we do not interpret
    std::string span_text(size_t from, size_t to) const;  // tokens [from, to) as written

    // --- basic options (matches.cpp)
    bool basic_option(std::string_view opt, bool negated);
    void address(analysis::AddressSet analysis::Box::*dim, bool negated);
    void unexpanded_mask(analysis::AddressSet analysis::Box::*dim, bool negated, const Token& arg,
                         const analysis::AddressSet& cover);
    void protocol(bool negated);
    void interface(bool outgoing, bool negated, size_t option);
    const InterfaceSets& interface_sets(std::string_view name, bool outgoing) const;
    InterfaceSets resolve_interface(std::string_view name) const;
    void target(bool is_goto);
    void target_option();

    // --- match modules (modules.cpp)
    void open_module();
    void close_module();
    void module_option(std::string_view opt, bool negated, size_t option);
    bool exact_option(std::string_view module, std::string_view opt, bool negated, size_t option);
    bool port_option(std::string_view opt, bool negated, size_t option);
    bool tcp_option(std::string_view opt, bool negated, size_t option);
    bool icmp_option(std::string_view module, std::string_view opt, bool negated, size_t option);
    bool multiport_option(std::string_view opt, bool negated, size_t option);
    bool conntrack_option(std::string_view module, std::string_view opt, bool negated, size_t option);
    bool iprange_option(std::string_view opt, bool negated, size_t option);
    bool recent_option(std::string_view opt, size_t option);
    bool pkttype_option(std::string_view opt, bool negated, size_t option);
    void conntrack_states(const Token& arg, bool negated, bool ctstate);
    std::optional<analysis::PortSet> ports(const Token& arg);
    void restrict_protocol(uint32_t proto);
    // Marks the open module (or, with none open, the option at `option`) as undecidable.
    void make_conditional(std::string_view why, size_t option);

    // --- packet sets (matches.cpp)
    template <typename Set>
    void restrict(Set analysis::Box::*dim, const Set& allowed) {
        certain_.*dim &= allowed;
        if (split_) possible_.*dim &= allowed;
    }
    // A dimension whose value is only partly known: `sure` certainly matches, `unsure` may.
    void restrict3(analysis::AddressSet analysis::Box::*dim, const analysis::AddressSet& sure,
                   const analysis::AddressSet& unsure);
    analysis::FlowSpace space(const analysis::Box& box) const;
    analysis::FlowSpace single(const analysis::Box& box) const;

    const Context& ctx_;
    const RuleLine& line_;
    RuleSpec& out_;
    size_t pos_ = 0;

    analysis::Box certain_;
    analysis::Box possible_;  // meaningful only when split_
    bool split_ = false;
    bool never_ = false;        // no first packet can match (-f, -i lo, ...)
    bool state_never_ = false;  // a NEW packet fails the rule's state test (see RuleSpec::state_free)
    bool opaque_ = false;       // a condition applies to every packet of the rule
    std::optional<analysis::PortSet> either_ports_;  // multiport --ports: source or destination

    // The module whose options follow (`-m NAME`), from the token after -m to its last option.
    std::string_view module_;
    ModuleKind module_kind_ = ModuleKind::exact;
    size_t module_start_ = 0;      // the -m token
    size_t module_end_ = 0;        // one past the module's last argument
    std::string_view module_why_;  // set when the module turned out conditional
    uint32_t implicit_proto_ = 0;  // -p tcp makes tcp's options usable without -m tcp
    bool in_target_ = false;       // after -j, `--x` options belong to the target
};

}  // namespace flowgap::parsers::iptables
