#include "analysis/draft.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include <fmt/format.h>

namespace flowgap::analysis {

namespace {

constexpr int kPortWeight = 3;  // a rule that opens a Tanium port to an address
constexpr int kNameWeight = 1;  // a rule whose name mentions the role
// Sets larger than a /8 are "everything" as far as guessing goes: a rule without a source says
// nothing about where the endpoints are.
constexpr uint64_t kNarrow = uint64_t{1} << 24;

bool narrow(const AddressSet& a) {
    return !a.empty() && a.size() <= kNarrow;
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

bool mentions(const std::string& lowered, std::initializer_list<const char*> words) {
    return std::any_of(words.begin(), words.end(),
                       [&](const char* w) { return lowered.find(w) != std::string::npos; });
}

FlowSpace tcp_to(const PortSet& ports) {
    return FlowSpace::of(AddressSet::all(), AddressSet::all(), ProtocolSet::single(6), ports);
}

// Candidates keyed by what they name, so evidence for one address set accumulates.
class Tally {
  public:
    void add(const std::string& role, const AddressSet& a, const Rule& r, int weight, std::string why) {
        if (!narrow(a)) return;
        add_candidate(role, Candidate{a, "", 0, {}}, r, weight, std::move(why));
    }
    void add_host_of(const std::string& role, const std::string& firewall, const Rule& r, int weight,
                     std::string why) {
        add_candidate(role, Candidate{AddressSet(), firewall, 0, {}}, r, weight, std::move(why));
    }
    // Best first: score, then the more specific set, then the text.
    std::vector<Candidate> ranked(const std::string& role) const {
        std::vector<Candidate> out;
        auto it = by_role_.find(role);
        if (it == by_role_.end()) return out;
        for (const auto& [key, c] : it->second)
            out.push_back(c);
        std::stable_sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
            if (a.score != b.score) return a.score > b.score;
            if (a.addresses.size() != b.addresses.size()) return a.addresses.size() < b.addresses.size();
            return a.key() < b.key();
        });
        return out;
    }
    std::vector<std::string> roles() const {
        std::vector<std::string> out;
        for (const auto& [role, _] : by_role_)
            out.push_back(role);
        return out;
    }

  private:
    void add_candidate(const std::string& role, Candidate c, const Rule& r, int weight, std::string why) {
        auto [it, _] = by_role_[role].emplace(c.key(), std::move(c));
        it->second.score += weight;
        it->second.evidence.push_back(Evidence{r.location, r.name, std::move(why)});
    }
    std::map<std::string, std::map<std::string, Candidate>> by_role_;
};

struct Scan {
    const DraftInput& input;
    bool host_firewall;
    Tally& roles;
};

// What an allowed rule of one policy says on the Tanium ports. On a host firewall, an inbound
// rule without a destination means the host itself.
void read_ports(const Scan& s, const Policy& p, const Rule& r, const FlowSpace& space) {
    const std::string name = lower(r.name);
    const bool host_side = s.host_firewall && p.direction == Direction::inbound;
    FlowSpace server = space & tcp_to(PortSet::single(17472));
    if (!server.empty()) {
        AddressSet dst = server.destinations();
        // "Tanium Server - Clients" is the server's own rule; peering rules say so.
        bool peers = mentions(name, {"peer"});
        if (narrow(dst)) {
            s.roles.add(peers && host_side ? "endpoints" : "server", dst, r, kPortWeight,
                        "destination of an allowed tcp/17472");
        } else if (host_side) {
            if (peers) {
                s.roles.add_host_of("endpoints", s.input.name, r, kNameWeight,
                                    "this host accepts tcp/17472 from its peers");
            } else {
                s.roles.add_host_of("server", s.input.name, r, kPortWeight - 1,
                                    "this host accepts tcp/17472 (clients connect to the server)");
            }
        }
        s.roles.add("endpoints", server.sources(), r, kPortWeight, "source of an allowed tcp/17472");
    }
    FlowSpace module = space & tcp_to(PortSet::single(17477));
    if (!module.empty()) {
        s.roles.add("module_server", module.destinations(), r, kPortWeight,
                    "destination of an allowed tcp/17477");
        if (!narrow(module.destinations()) && host_side)
            s.roles.add_host_of("module_server", s.input.name, r, kPortWeight - 1,
                                "this host accepts tcp/17477");
        s.roles.add("server", module.sources(), r, kNameWeight, "source of an allowed tcp/17477");
    }
    FlowSpace zone = space & tcp_to(PortSet::range(17486, 17487));
    if (!zone.empty()) {
        s.roles.add("zone_server", zone.destinations(), r, kPortWeight,
                    "destination of an allowed tcp/17486-17487");
    }
}

// Rules whose names say which Tanium role they serve: the narrow side of the rule is it.
void read_name(const Scan& s, const Rule& r, const FlowSpace& space) {
    const std::string name = lower(r.name);
    if (!mentions(name, {"tanium", "module server", "zone server"})) return;
    AddressSet src = space.sources();
    AddressSet dst = space.destinations();
    const AddressSet& side = narrow(src) && !narrow(dst) ? src : dst;
    std::string why = narrow(src) && !narrow(dst) ? "source of a rule whose name mentions it"
                                                  : "destination of a rule whose name mentions it";
    if (mentions(name, {"module"})) {
        s.roles.add("module_server", side, r, kNameWeight, why);
    } else if (mentions(name, {"zone"})) {
        s.roles.add("zone_server", side, r, kNameWeight, why);
    } else if (mentions(name, {"console"})) {
        s.roles.add("console", src, r, kNameWeight, "source of a rule whose name mentions the console");
    } else if (mentions(name, {"client", "endpoint", "peer"})) {
        s.roles.add("endpoints", src, r, kNameWeight, "source of a rule whose name mentions Tanium clients");
    } else {
        s.roles.add("server", side, r, kNameWeight, why);
    }
}

// Second pass, once the server is known: console ports to it, database ports from it.
void read_server_flows(const Rule& r, const FlowSpace& space, const AddressSet& server, Tally& roles,
                       Draft& draft, bool& windows) {
    const PortSet console_ports = *PortSet::parse("443,8443");
    FlowSpace console =
        space & FlowSpace::of(AddressSet::all(), server, ProtocolSet::single(6), console_ports);
    // Only a rule aimed at the server: a rule to anywhere on 443 (downloads) names no console.
    if (!console.empty() && narrow((space & tcp_to(console_ports)).destinations())) {
        AddressSet src = console.sources() - server;
        roles.add("console", src, r, kPortWeight, "source of an allowed tcp/443 to the server");
    }
    FlowSpace appliance = console & tcp_to(PortSet::single(8443));
    if (!appliance.empty() && narrow((space & tcp_to(PortSet::single(8443))).destinations()))
        draft.platform_evidence.push_back(
            Evidence{r.location, r.name, "tcp/8443 (the appliance console) to the server"});
    for (uint32_t port : {1433u, 5432u}) {
        FlowSpace db =
            space & FlowSpace::of(server, AddressSet::all(), ProtocolSet::single(6), PortSet::single(port));
        if (db.empty()) continue;
        AddressSet dst = db.destinations() - server;
        roles.add("database", dst, r, kPortWeight,
                  fmt::format("destination of an allowed tcp/{} from the server", port));
        if (port == 1433 && narrow(dst)) windows = true;
        if (port == 5432 && narrow(dst)) {
            draft.database_engine = "postgresql";
            draft.database_engine_evidence.push_back(
                Evidence{r.location, r.name, "tcp/5432 from the server"});
        }
    }
}

bool transit_allows(const Firewall& fw) {
    for (const auto& p : fw.policies) {
        if (p.direction != Direction::transit) continue;
        if (p.default_rule.action == Action::allow) return true;
        for (const auto& r : p.rules) {
            if (r.action == Action::allow) return true;
        }
    }
    return false;
}

// The host a host firewall protects: the one address its inbound rules accept for, or its
// outbound rules send from; or an IPv4 address in the export's file name.
std::vector<Candidate> host_candidates(const DraftInput& in) {
    Tally t;
    for (const auto& p : in.firewall->policies) {
        if (p.direction == Direction::transit) continue;
        for (const auto& r : p.rules) {
            if (r.action != Action::allow) continue;
            FlowSpace space = r.match | r.may_match;
            AddressSet own = p.direction == Direction::inbound ? space.destinations() : space.sources();
            if (own.size() == 1) {
                t.add("host", own, r, kPortWeight,
                      p.direction == Direction::inbound ? "the destination of an inbound rule"
                                                        : "the source of an outbound rule");
            }
        }
    }
    for (const auto& config : in.configs) {
        std::string stem = std::filesystem::path(config).stem().string();
        for (size_t i = 0; i < stem.size(); ++i) {
            if (!std::isdigit(static_cast<unsigned char>(stem[i])) ||
                (i > 0 && std::isdigit(static_cast<unsigned char>(stem[i - 1]))))
                continue;
            size_t end = stem.find_first_not_of("0123456789.", i);
            std::string text = stem.substr(i, end == std::string::npos ? std::string::npos : end - i);
            while (!text.empty() && text.back() == '.')
                text.pop_back();
            if (std::count(text.begin(), text.end(), '.') != 3) continue;
            if (auto a = Address::parse(text)) {
                Rule named;
                named.name = "(the file name)";
                named.location.file = std::make_shared<const std::string>(config);
                t.add("host", AddressSet::host(*a), named, kNameWeight, "an address in the file name");
            }
        }
    }
    return t.ranked("host");
}

// Interface names the rules leave conditional ("arrives on interface eth1"), with the narrow
// addresses the same rules name on that side.
void read_interfaces(const Rule& r, const FlowSpace& space, FirewallDraft& fw) {
    for (const auto& c : r.conditions) {
        std::string_view text = c;
        bool in = text.rfind("arrives on interface ", 0) == 0;
        bool out = text.rfind("leaves on interface ", 0) == 0;
        if (!in && !out) continue;
        // "arrives on interface eth1", or several names and why: "... interface a,b (iifname)".
        std::string_view names = text.substr(text.find("interface ") + 10);
        names = names.substr(0, names.find(' '));
        AddressSet side = in ? space.sources() : space.destinations();
        size_t start = 0;
        while (start < names.size()) {
            size_t comma = std::min(names.find(',', start), names.size());
            Candidate& cand = fw.interfaces[std::string(names.substr(start, comma - start))];
            start = comma + 1;
            if (!narrow(side)) continue;
            cand.addresses |= side;
            cand.score += 1;
            cand.evidence.push_back(Evidence{r.location, r.name,
                                             in ? "sources of a rule for packets arriving on it"
                                                : "destinations of a rule for packets leaving on it"});
        }
    }
}

template <typename F>
void each_allow(const Firewall& fw, F&& f) {
    for (const auto& p : fw.policies) {
        for (const auto& r : p.rules) {
            if (r.action != Action::allow) continue;
            f(p, r, r.match | r.may_match);
        }
    }
}

}  // namespace

const std::vector<std::string>& drafted_roles() {
    static const std::vector<std::string> roles = {"server", "module_server", "database", "console",
                                                   "endpoints"};
    return roles;
}

Draft draft_deployment(const std::vector<DraftInput>& inputs) {
    Draft draft;
    Tally roles;
    for (const auto& in : inputs) {
        FirewallDraft fw;
        fw.name = in.name;
        fw.configs = in.configs;
        fw.host_firewall = !transit_allows(*in.firewall);
        if (fw.host_firewall) fw.host = host_candidates(in);
        Scan s{in, fw.host_firewall, roles};
        each_allow(*in.firewall, [&](const Policy& p, const Rule& r, const FlowSpace& space) {
            read_ports(s, p, r, space);
            read_name(s, r, space);
            if (!fw.host_firewall && p.direction == Direction::transit) read_interfaces(r, space, fw);
        });
        draft.firewalls.push_back(std::move(fw));
    }
    std::vector<Candidate> servers = roles.ranked("server");
    if (!servers.empty() && servers.front().host_of.empty()) {
        const AddressSet& server = servers.front().addresses;
        bool windows = false;  // a SQL Server port from the server: Windows
        for (const auto& in : inputs) {
            each_allow(*in.firewall, [&](const Policy&, const Rule& r, const FlowSpace& space) {
                read_server_flows(r, space, server, roles, draft, windows);
            });
        }
        if (windows) draft.platform_evidence.clear();
        if (!draft.platform_evidence.empty()) draft.platform = "appliance";
    }
    for (const auto& role : roles.roles())
        draft.roles[role] = roles.ranked(role);
    return draft;
}

}  // namespace flowgap::analysis
