#include <filesystem>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "analysis/input_file.hpp"
#include "parsers/parse.hpp"
#include "src/init/init.hpp"
#include "src/report/utf8.hpp"

namespace flowgap::init {

using namespace flowgap::analysis;

namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxEvidence = 3;   // rules cited per guess; the rest are counted
constexpr size_t kMaxCompeting = 4;  // other candidates listed per role

// What each drafted role is, for the comment above it and the TODO it leaves.
std::string role_meaning(const std::string& role) {
    if (role == "server") return "the Tanium Server(s)";
    if (role == "module_server") return "the Tanium Module Server";
    if (role == "database") return "the Tanium Server's SQL Server or PostgreSQL database";
    if (role == "console") return "where console users and API clients connect from";
    if (role == "endpoints") return "the subnets of the Tanium Clients";
    if (role == "zone_server") return "the Zone Servers";
    return role;
}

std::string evidence_line(const Evidence& e) {
    return comment_safe(fmt::format("{}, rule {}: {}", e.location.str(), e.rule, e.why));
}

std::string what_of(const Candidate& c) {
    return c.host_of.empty() ? c.addresses.str()
                             : "the host firewall " + comment_safe(c.host_of) + " protects";
}

// "from a.rules:3, rule x: why" lines, at most kMaxEvidence of them, then how many more.
std::vector<std::string> evidence_lines(const Candidate& c) {
    std::vector<std::string> out;
    for (size_t i = 0; i < c.evidence.size() && i < kMaxEvidence; ++i)
        out.push_back("  from " + evidence_line(c.evidence[i]));
    if (c.evidence.size() > kMaxEvidence)
        out.push_back(fmt::format("  and {} more rule(s)", c.evidence.size() - kMaxEvidence));
    return out;
}

void comment(YAML::Emitter& out, const std::vector<std::string>& lines) {
    if (lines.empty()) return;
    out << YAML::Comment(fmt::format("{}", fmt::join(lines, "\n")));
}

void addresses(YAML::Emitter& out, const AddressSet& a) {
    out << YAML::Flow << YAML::BeginSeq;
    for (const auto& cidr : a.cidrs())
        out << cidr;
    out << YAML::EndSeq;
}

// `key: [addresses]` or `key: TODO`, then its comment.
void entry(YAML::Emitter& out, const std::string& key, const Candidate* chosen,
           const std::vector<std::string>& lines) {
    out << YAML::Key << key << YAML::Value;
    if (chosen) {
        addresses(out, chosen->addresses);
    } else {
        out << "TODO";
    }
    comment(out, lines);
}

// The best candidate with an address (a host whose address is unknown cannot be written).
const Candidate* best(const std::vector<Candidate>& cands) {
    for (const auto& c : cands) {
        if (c.host_of.empty()) return &c;
    }
    return nullptr;
}

void write_role(YAML::Emitter& out, const std::string& role, const std::vector<Candidate>& cands) {
    const Candidate* chosen = best(cands);
    std::vector<std::string> lines = {fmt::format("{}: {}", role, role_meaning(role))};
    if (chosen) {
        lines.push_back(fmt::format("guess {} (score {}):", chosen->addresses.str(), chosen->score));
        for (auto& l : evidence_lines(*chosen))
            lines.push_back(std::move(l));
    } else {
        lines.push_back("TODO: no rule of the exports points to it; fill in its addresses");
    }
    size_t listed = 0;
    for (const auto& c : cands) {
        if (&c == chosen) continue;
        if (listed++ == kMaxCompeting) {
            lines.push_back(
                fmt::format("and {} more candidate(s)", cands.size() - kMaxCompeting - (chosen ? 1 : 0)));
            break;
        }
        lines.push_back(fmt::format("other candidate: {} (score {}):", what_of(c), c.score));
        for (auto& l : evidence_lines(c))
            lines.push_back(std::move(l));
    }
    entry(out, role, chosen, lines);
}

void write_roles(YAML::Emitter& out, const Draft& d) {
    out << YAML::Key << "roles" << YAML::Value << YAML::BeginMap;
    std::vector<std::string> order = drafted_roles();
    for (const auto& [role, cands] : d.roles) {
        if (std::find(order.begin(), order.end(), role) == order.end() && best(cands)) order.push_back(role);
    }
    for (const auto& role : order) {
        auto it = d.roles.find(role);
        // An appliance's database is local: no role to fill in.
        if (role == "database" && d.platform == "appliance" && it == d.roles.end()) continue;
        write_role(out, role, it == d.roles.end() ? std::vector<Candidate>{} : it->second);
    }
    out << YAML::EndMap;
}

void write_host(YAML::Emitter& out, const FirewallDraft& fw) {
    std::vector<std::string> lines = {"a host firewall: no rule lets traffic through it to other hosts"};
    const Candidate* chosen = best(fw.host);
    if (chosen) {
        lines.push_back(fmt::format("host {} (score {}):", chosen->addresses.str(), chosen->score));
        for (auto& l : evidence_lines(*chosen))
            lines.push_back(std::move(l));
        for (const auto& c : fw.host) {
            if (&c != chosen)
                lines.push_back(fmt::format("other candidate: {} (score {})", what_of(c), c.score));
        }
    } else {
        lines.push_back("TODO: the export does not show the host's address; fill it in");
    }
    entry(out, "host", chosen, lines);
}

void write_interfaces(YAML::Emitter& out, const FirewallDraft& fw) {
    if (fw.interfaces.empty()) return;
    out << YAML::Key << "interfaces" << YAML::Value;
    out << YAML::Comment(
        "the interfaces the rules name: the addresses behind each (a router's uplink: [any])");
    out << YAML::BeginMap;
    for (const auto& [name, c] : fw.interfaces) {
        std::vector<std::string> lines;
        if (c.addresses.empty()) {
            lines.push_back("TODO: no rule names addresses with " + comment_safe(name) + "; fill them in");
        } else {
            lines.push_back(comment_safe(name) + ": addresses the rules use with it (check the subnets):");
            for (auto& l : evidence_lines(c))
                lines.push_back(std::move(l));
        }
        out << YAML::Key << YAML::DoubleQuoted << report::valid_utf8(name) << YAML::Value;
        if (c.addresses.empty()) {
            out << "TODO";
        } else {
            addresses(out, c.addresses);
        }
        comment(out, lines);
    }
    out << YAML::EndMap;
}

void write_firewall(YAML::Emitter& out, const FirewallDraft& fw) {
    out << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << YAML::DoubleQuoted << report::valid_utf8(fw.name);
    out << YAML::Key << "config" << YAML::Value;
    if (fw.configs.size() == 1) {
        out << YAML::DoubleQuoted << report::valid_utf8(fw.configs.front());
    } else {
        out << YAML::Flow << YAML::BeginSeq;
        for (const auto& c : fw.configs)
            out << YAML::DoubleQuoted << report::valid_utf8(c);
        out << YAML::EndSeq;
    }
    if (fw.host_firewall) {
        write_host(out, fw);
    } else {
        write_interfaces(out, fw);
    }
    out << YAML::EndMap;
}

// Firewall names are unique in a deployment: a second export with the same stem gets "-2".
std::string draft_parsed(std::vector<DraftInput>& inputs, const std::vector<Firewall>& parsed) {
    std::set<std::string> names;
    for (size_t i = 0; i < inputs.size(); ++i) {
        inputs[i].firewall = &parsed[i];
        std::string name = inputs[i].name;
        for (int n = 2; !names.insert(name).second; ++n)
            name = fmt::format("{}-{}", inputs[i].name, n);
        inputs[i].name = name;
    }
    return write_draft(draft_deployment(inputs));
}

}  // namespace

std::string comment_safe(std::string_view text) {
    std::string out;
    for (unsigned char c : report::valid_utf8(text)) {
        if (c < 0x20 || c == 0x7f || c == '\\') {
            out += c == '\\' ? std::string("\\\\") : fmt::format("\\x{:02x}", c);
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

std::string write_draft(const Draft& d) {
    YAML::Emitter out;
    out.SetIndent(2);
    out << YAML::Comment(
        "Drafted by `flowgap init` from the exports' rules: review every guess, fill in every TODO\n"
        "(flowgap audit refuses the file while one is left), then run `flowgap audit` on it.\n"
        "Keys and defaults: docs/deployment.md; `flowgap init --example` shows them all.");
    out << YAML::BeginMap;
    if (d.platform.empty()) {
        out << YAML::Key << "platform" << YAML::Value << "windows"
            << YAML::Comment("or appliance: the exports do not say which");
    } else {
        std::vector<std::string> lines = {"the rules point to Tanium Appliances:"};
        for (const auto& e : d.platform_evidence)
            lines.push_back("  from " + evidence_line(e));
        out << YAML::Key << "platform" << YAML::Value << d.platform;
        comment(out, lines);
    }
    if (!d.database_engine.empty()) {
        std::vector<std::string> lines = {"the database engine the server's rules point to:"};
        for (const auto& e : d.database_engine_evidence)
            lines.push_back("  from " + evidence_line(e));
        out << YAML::Key << "database_engine" << YAML::Value << d.database_engine;
        comment(out, lines);
    }
    write_roles(out, d);
    out << YAML::Key << "firewalls" << YAML::Value << YAML::BeginSeq;
    for (const auto& fw : d.firewalls)
        write_firewall(out, fw);
    out << YAML::EndSeq << YAML::EndMap;
    if (!out.good()) throw std::logic_error("flowgap init: the YAML emitter failed: " + out.GetLastError());
    return std::string(out.c_str()) + "\n";
}

std::string draft_files(const std::vector<std::vector<std::string>>& firewalls, const std::string& output) {
    fs::path parent = fs::path(output).parent_path();
    fs::path base = fs::absolute(parent.empty() ? fs::path(".") : parent).lexically_normal();
    std::vector<Firewall> parsed;
    std::vector<DraftInput> inputs;
    parsed.reserve(firewalls.size());
    for (const auto& files : firewalls) {
        DraftInput in;
        std::vector<parsers::Input> read;
        for (const auto& f : files) {
            std::string written = fs::absolute(f).lexically_normal().lexically_relative(base).string();
            auto name = std::make_shared<const std::string>(written);
            read.push_back({name, std::make_shared<const std::string>(read_input_file(f, name, "file"))});
            in.configs.push_back(written);
        }
        in.name = fs::path(files.front()).stem().string();
        parsed.push_back(parsers::parse_firewall(FirewallSpec{}, read));
        inputs.push_back(std::move(in));
    }
    return draft_parsed(inputs, parsed);
}

std::string draft_uploads(const std::vector<parsers::Input>& uploads) {
    std::vector<Firewall> parsed;
    std::vector<DraftInput> inputs;
    parsed.reserve(uploads.size());
    for (const auto& u : uploads) {
        parsed.push_back(parsers::parse_firewall(FirewallSpec{}, {u}));
        inputs.push_back(DraftInput{fs::path(*u.path).stem().string(), {*u.path}, nullptr});
    }
    return draft_parsed(inputs, parsed);
}

}  // namespace flowgap::init
