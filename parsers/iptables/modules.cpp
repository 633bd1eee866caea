// Match modules (`-m NAME` and their options), judged for the first packet of a new
// connection: a TCP SYN (no other flag), conntrack state NEW, never a fragment.
#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "parsers/iptables/builder.hpp"

namespace flowgap::parsers::iptables {

using analysis::AddressSet;
using analysis::Box;
using analysis::PortSet;
using analysis::ProtocolSet;

namespace {

// The protocol a protocol module matches (the kernel refuses the module without that -p).
uint32_t module_protocol(std::string_view module) {
    if (module == "tcp") return analysis::protocol::tcp;
    if (module == "udp") return analysis::protocol::udp;
    if (module == "udplite") return 136;
    if (module == "sctp") return analysis::protocol::sctp;
    if (module == "dccp") return 33;
    if (module == "icmp") return analysis::protocol::icmp;
    if (module == "icmp6") return analysis::protocol::icmpv6;
    return 0;
}

// `-p tcp` loads the tcp module implicitly, so `-p tcp --dport 22` needs no `-m tcp`.
std::string_view implicit_module(uint32_t proto) {
    switch (proto) {
        case analysis::protocol::tcp: return "tcp";
        case analysis::protocol::udp: return "udp";
        case 136: return "udplite";
        case analysis::protocol::sctp: return "sctp";
        case 33: return "dccp";
        case analysis::protocol::icmp: return "icmp";
        case analysis::protocol::icmpv6: return "icmp6";
        default: return {};
    }
}

bool all_digits(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A port written in digits (all_digits, not empty).
std::optional<uint32_t> port_number(std::string_view digits) {
    uint32_t v = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (ec != std::errc() || end != digits.data() + digits.size() || v > PortSet::kMax) return std::nullopt;
    return v;
}

std::optional<uint32_t> tcp_flag(std::string_view name) {
    constexpr std::pair<std::string_view, uint32_t> kFlags[] = {
        {"FIN", 0x01}, {"SYN", 0x02}, {"RST", 0x04}, {"PSH", 0x08}, {"ACK", 0x10},
        {"URG", 0x20}, {"ECE", 0x40}, {"CWR", 0x80}, {"ALL", 0xff}, {"NONE", 0x00},
    };
    for (const auto& [n, bit] : kFlags) {
        if (n == name) return bit;
    }
    return std::nullopt;
}

}  // namespace

void RuleBuilder::open_module() {
    close_module();
    size_t option = pos_ - 1;
    bool negated = false;
    const Token& arg = argument(option, negated);
    if (negated) fail(arg, "'!' cannot negate a match module");
    module_ = arg.text;
    module_start_ = option;
    module_end_ = pos_;
    ModuleInfo info = module_info(module_);
    module_kind_ = info.kind;
    module_why_ = info.kind == ModuleKind::conditional || info.kind == ModuleKind::unknown ? info.why : "";
    if (info.kind == ModuleKind::unknown) {
        warn(arg, fmt::format("unknown match module '{}': the rule is treated as conditional", module_));
    }
    if (uint32_t proto = module_protocol(module_)) restrict_protocol(proto);
    if (module_ == "multiport") {
        static const ProtocolSet kPorted = [] {
            ProtocolSet s;
            for (uint32_t p : {6u, 17u, 33u, 132u, 136u})
                s = s | ProtocolSet::single(p);
            return s;
        }();
        restrict(&Box::proto, kPorted);
    }
}

void RuleBuilder::close_module() {
    if (!module_.empty() && !module_why_.empty()) {
        out_.rule.conditions.push_back(
            fmt::format("{} ({})", span_text(module_start_, module_end_), module_why_));
        opaque_ = true;
    }
    module_ = {};
    module_why_ = {};
}

void RuleBuilder::make_conditional(std::string_view why, size_t option) {
    if (!module_.empty()) {
        module_why_ = why;
        return;
    }
    out_.rule.conditions.push_back(fmt::format("{} ({})", span_text(option, pos_), why));
    opaque_ = true;
}

void RuleBuilder::module_option(std::string_view opt, bool negated, size_t option) {
    std::string_view implicit = implicit_module(implicit_proto_);
    bool in_exact =
        !module_.empty() && module_kind_ != ModuleKind::conditional && module_kind_ != ModuleKind::unknown;
    if (in_exact && exact_option(module_, opt, negated, option)) {
        module_end_ = pos_;
        return;
    }
    // Options of the implicit protocol module may follow any other module's options.
    if (!implicit.empty() && exact_option(implicit, opt, negated, option)) {
        if (!module_.empty()) module_end_ = pos_;
        return;
    }
    skip_arguments();
    if (!module_.empty()) module_end_ = pos_;
    if (in_exact || module_.empty()) {
        const Token& tok = line_.args[option];
        warn(tok, module_.empty()
                      ? fmt::format("unknown option '{}': the rule is treated as conditional", opt)
                      : fmt::format("unknown option '{}' of match '{}': the rule is treated as conditional",
                                    opt, module_));
        make_conditional("option not modelled", option);
    }
}

bool RuleBuilder::exact_option(std::string_view module, std::string_view opt, bool negated, size_t option) {
    if (module == "tcp") return port_option(opt, negated, option) || tcp_option(opt, negated, option);
    if (module == "udp" || module == "udplite" || module == "sctp" || module == "dccp") {
        if (port_option(opt, negated, option)) return true;
        if (opt != "--chunk-types" && opt != "--dccp-types" && opt != "--dccp-option") return false;
        skip_arguments();
        make_conditional("chunk or packet types not modelled", option);
        return true;
    }
    if (module == "icmp" || module == "icmp6") return icmp_option(module, opt, negated, option);
    if (module == "multiport") return multiport_option(opt, negated, option);
    if (module == "state" || module == "conntrack") return conntrack_option(module, opt, negated, option);
    if (module == "iprange") return iprange_option(opt, negated, option);
    if (module == "recent") return recent_option(opt, option);
    if (module == "pkttype") return pkttype_option(opt, negated, option);
    if (module == "comment" && opt == "--comment") {
        const Token& arg = argument(option, negated);
        std::string& name = out_.rule.name;
        // Room for the "CHAIN#n" that Reader::resolve puts in front, so that it needs no
        // second allocation.
        if (name.empty()) name.reserve(line_.name_prefix + arg.text.size() + 3);
        name.append(" (").append(arg.text).append(")");
        return true;
    }
    return false;
}

void RuleBuilder::restrict_protocol(uint32_t proto) {
    restrict(&Box::proto, ProtocolSet::single(proto));
}

std::optional<PortSet> RuleBuilder::ports(const Token& arg) {
    std::vector<PortItem>& items = ctx_.port_items;
    if (!parse_port_list(arg.text, items)) fail(arg, fmt::format("bad port list '{}'", arg.text));
    bool numeric = std::all_of(items.begin(), items.end(),
                               [](const PortItem& i) { return all_digits(i.lo) && all_digits(i.hi); });
    auto& ranges = ctx_.port_ranges;
    ranges.clear();
    for (const auto& item : items) {
        // An open end is 0 or 65535. In a list of numbers only, a number out of range is an
        // error, as iptables has it; among service names it is taken for an unknown name.
        auto resolve = [&](std::string_view p, uint32_t open) -> std::optional<uint32_t> {
            if (p.empty()) return open;
            return all_digits(p) ? port_number(p) : service_port(p);
        };
        auto lo = resolve(item.lo, 0), hi = resolve(item.hi, PortSet::kMax);
        if (numeric && (!lo || !hi)) fail(arg, fmt::format("bad port range '{}'", arg.text));
        if (!lo || !hi) {
            warn(arg,
                 fmt::format("unknown service name in '{}': the rule is treated as conditional", arg.text));
            return std::nullopt;
        }
        if (*lo > *hi) {
            // Old iptables saved such a range as the kernel held it; the kernel matches no port
            // with it (lo <= port <= hi never holds), so the item adds nothing.
            warn(arg, items.size() == 1 ? fmt::format("inverted port range '{}:{}' matches no port", *lo, *hi)
                                        : fmt::format("inverted port range '{}:{}' in '{}' matches no port",
                                                      *lo, *hi, arg.text));
            continue;
        }
        ranges.push_back({*lo, *hi});
    }
    // Added in increasing order, each item extends the set in place: a multiport list in the
    // order it was written would cost a union (and an allocation) per out-of-order item.
    std::sort(ranges.begin(), ranges.end(), [](const auto& a, const auto& b) { return a.lo < b.lo; });
    PortSet::Set out;
    for (const auto& r : ranges)
        out.add(r.lo, r.hi);
    return PortSet(out);
}

bool RuleBuilder::port_option(std::string_view opt, bool negated, size_t option) {
    bool src = opt == "--sport" || opt == "--source-port";
    bool dst = opt == "--dport" || opt == "--destination-port";
    if (!src && !dst) return false;
    const Token& arg = argument(option, negated);
    auto set = ports(arg);
    if (!set) {
        make_conditional("unknown service name", option);
        return true;
    }
    restrict(src ? &Box::sport : &Box::dport, negated ? PortSet::all() - *set : *set);
    return true;
}

// A new connection starts with a SYN and no other flag, so flag tests are decided exactly.
bool RuleBuilder::tcp_option(std::string_view opt, bool negated, size_t option) {
    constexpr uint32_t kSyn = 0x02;
    uint32_t mask = 0, comp = 0;
    if (opt == "--syn") {
        mask = 0x17;  // FIN,SYN,RST,ACK
        comp = kSyn;
    } else if (opt == "--tcp-flags") {
        const Token& mask_arg = argument(option, negated);
        bool ignored = false;
        const Token& comp_arg = argument(option, ignored);
        for (auto [arg, bits] : {std::pair{&mask_arg, &mask}, std::pair{&comp_arg, &comp}}) {
            std::vector<std::string_view>& names = ctx_.names;
            if (!parse_name_list(arg->text, names))
                fail(*arg, fmt::format("bad TCP flag list '{}'", arg->text));
            for (auto n : names) {
                auto bit = tcp_flag(n);
                if (!bit) fail(*arg, fmt::format("unknown TCP flag '{}'", n));
                *bits |= *bit;
            }
        }
    } else if (opt == "--tcp-option") {
        argument(option, negated);
        make_conditional("TCP options of the SYN unknown", option);
        return true;
    } else {
        return false;
    }
    bool matches = (kSyn & mask) == comp;
    if (matches == negated) never_ = true;
    return true;
}

bool RuleBuilder::icmp_option(std::string_view module, std::string_view opt, bool negated, size_t option) {
    bool v6 = module == "icmp6";
    if (opt != (v6 ? "--icmpv6-type" : "--icmp-type")) return false;
    const Token& arg = argument(option, negated);
    PortSet set = PortSet::all();
    if (arg.text != "any") {
        if (auto spec = parse_icmp_numeric(arg.text)) {
            set = spec->code ? PortSet::icmp_type_code(spec->type, *spec->code)
                             : PortSet::icmp_type(spec->type);
        } else if (auto named = v6 ? icmpv6_name(arg.text) : icmp_name(arg.text)) {
            set = named->code < 0 ? PortSet::icmp_type(named->type)
                                  : PortSet::icmp_type_code(named->type, static_cast<uint32_t>(named->code));
        } else {
            fail(arg, fmt::format("unknown ICMP{} type '{}'", v6 ? "v6" : "", arg.text));
        }
    }
    restrict(&Box::dport, negated ? PortSet::all() - set : set);
    return true;
}

bool RuleBuilder::multiport_option(std::string_view opt, bool negated, size_t option) {
    bool src = opt == "--sports" || opt == "--source-ports";
    bool dst = opt == "--dports" || opt == "--destination-ports";
    bool either = opt == "--ports";
    if (!src && !dst && !either) return false;
    const Token& arg = argument(option, negated);
    auto set = ports(arg);
    if (!set) {
        make_conditional("unknown service name", option);
        return true;
    }
    if (either && !negated) {
        either_ports_ = either_ports_ ? *either_ports_ & *set : *set;
        return true;
    }
    PortSet allowed = negated ? PortSet::all() - *set : *set;
    // `! --ports P`: neither port is in P.
    if (src || either) restrict(&Box::sport, allowed);
    if (dst || either) restrict(&Box::dport, allowed);
    return true;
}

// The first packet is NEW. It may also be DNAT/SNAT (the nat table ran before), which the
// dump alone cannot tell; every other state excludes it.
void RuleBuilder::conntrack_states(const Token& arg, bool negated, bool ctstate) {
    std::vector<std::string_view>& names = ctx_.names;
    if (!parse_name_list(arg.text, names)) fail(arg, fmt::format("bad state list '{}'", arg.text));
    out_.tests_state = true;
    bool is_new = false, nat = false, snat = false;
    for (auto n : names) {
        if (n == "NEW") {
            is_new = true;
        } else if (ctstate && (n == "DNAT" || n == "SNAT")) {
            nat = true;
            snat = snat || n == "SNAT";
        } else if (n != "INVALID" && n != "ESTABLISHED" && n != "RELATED" && n != "UNTRACKED") {
            fail(arg, fmt::format("unknown conntrack state '{}'", n));
        }
    }
    if (is_new) {
        if (negated) state_never_ = true;
    } else if (nat) {
        make_conditional(kNatStateUnknown, module_start_);
        if (!snat) out_.dnat_test = negated ? -1 : 1;
    } else if (!negated) {
        state_never_ = true;
    }
}

bool RuleBuilder::conntrack_option(std::string_view module, std::string_view opt, bool negated,
                                   size_t option) {
    if (module == "state") {
        if (opt != "--state") return false;
        conntrack_states(argument(option, negated), negated, false);
        return true;
    }
    if (opt == "--ctstate") {
        conntrack_states(argument(option, negated), negated, true);
    } else if (opt == "--ctproto") {
        const Token& arg = argument(option, negated);
        auto proto = analysis::protocol::parse(arg.text);
        if (!proto) fail(arg, fmt::format("unknown protocol '{}'", arg.text));
        auto one = ProtocolSet::single(*proto);
        restrict(&Box::proto, negated ? ProtocolSet::all() - one : one);
    } else if (opt == "--ctdir") {
        const Token& arg = argument(option, negated);
        if (arg.text != "ORIGINAL" && arg.text != "REPLY")
            fail(arg, fmt::format("bad direction '{}'", arg.text));
        if ((arg.text == "ORIGINAL") == negated) never_ = true;  // the first packet is ORIGINAL
    } else if (opt.starts_with("--ct")) {
        // Original/reply tuples, status and expiry: NAT may have rewritten the packet, so the
        // tuples are not its addresses.
        argument(option, negated);
        make_conditional("conntrack tuple or status unknown", option);
    } else {
        return false;
    }
    return true;
}

bool RuleBuilder::iprange_option(std::string_view opt, bool negated, size_t option) {
    bool src = opt == "--src-range";
    if (!src && opt != "--dst-range") return false;
    const Token& arg = argument(option, negated);
    std::string_view text = arg.text;
    size_t dash = std::min(text.find('-'), text.size());
    auto lo = analysis::Address::parse(text.substr(0, dash));
    auto hi = dash < text.size() ? analysis::Address::parse(text.substr(dash + 1)) : lo;
    if (!lo || !hi || lo->family() != hi->family()) fail(arg, fmt::format("bad address range '{}'", text));
    AddressSet range;
    if (hi->value < lo->value) {
        // The kernel keeps such a range and matches no address with it (lo <= a <= hi never holds).
        warn(arg, fmt::format("inverted address range '{}' matches no address", text));
    } else {
        range = AddressSet::range(*lo, *hi);
    }
    restrict(src ? &Box::src : &Box::dst, negated ? ctx_.universe - range : range & ctx_.universe);
    return true;
}

// Every Tanium flow is unicast: its packets reach netfilter as PACKET_HOST (addressed to this
// host's or this router's link address), and locally sent ones are PACKET_HOST too, which
// `--pkt-type unicast` names; broadcast and multicast never carry one. The other types
// (otherhost, outgoing, loopback, a number) stay conditional.
bool RuleBuilder::pkttype_option(std::string_view opt, bool negated, size_t option) {
    if (opt != "--pkt-type") return false;
    const Token& arg = argument(option, negated);
    bool unicast = arg.text == "unicast";
    if (unicast || arg.text == "broadcast" || arg.text == "multicast") {
        if (unicast == negated) never_ = true;
        return true;
    }
    warn(arg, fmt::format("packet type '{}' is not modelled: the rule is treated as conditional", arg.text));
    make_conditional("packet type not modelled", option);
    return true;
}

// `--set` only records the source and always matches; the checks depend on earlier packets.
bool RuleBuilder::recent_option(std::string_view opt, size_t option) {
    if (opt == "--set" || opt == "--rsource" || opt == "--rdest" || opt == "--rttl" || opt == "--reap")
        return true;
    bool negated = false;
    if (opt == "--name" || opt == "--seconds" || opt == "--hitcount" || opt == "--mask") {
        argument(option, negated);
        return true;
    }
    if (opt == "--rcheck" || opt == "--update" || opt == "--remove") {
        make_conditional("recent list contents unknown", option);
        return true;
    }
    return false;
}

}  // namespace flowgap::parsers::iptables
