#include "analysis/deployment.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "analysis/yaml_reader.hpp"
#include "analysis/zones.hpp"

namespace flowgap::analysis {

namespace {

namespace fs = std::filesystem;

// Turns yaml-cpp nodes into located values and located errors.
class Reader : public YamlReader {
  public:
    using YamlReader::YamlReader;

    std::string text(const YAML::Node& n, const std::string& what) const {
        if (!n.IsScalar()) fail(n, what + " must be a single value");
        return n.Scalar();
    }
    bool flag(const YAML::Node& n, const std::string& what) const {
        std::string v = text(n, what);
        if (v == "true" || v == "yes") return true;
        if (v == "false" || v == "no") return false;
        fail(n, fmt::format("{} must be true or false, not '{}'", what, v));
    }
    uint32_t port(const YAML::Node& n, const std::string& what) const {
        std::string v = text(n, what);
        uint32_t p = 0;
        auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), p);
        if (ec != std::errc() || end != v.data() + v.size() || p == 0 || p > 65535) {
            fail(n, fmt::format("{} must be a port number 1-65535, not '{}'", what, v));
        }
        return p;
    }
    std::string choice(const YAML::Node& n, const std::string& what,
                       std::initializer_list<const char*> allowed) const {
        std::string v = text(n, what);
        for (const char* a : allowed) {
            if (v == a) return v;
        }
        fail(n, fmt::format("{} must be one of {}, not '{}'", what, fmt::join(allowed, ", "), v));
    }
    // A scalar or a list of addresses, CIDRs, ranges or `any`; each item located on error.
    std::vector<AddressSet> addresses(const YAML::Node& n, const std::string& what) const {
        std::vector<AddressSet> out;
        auto one = [&](const YAML::Node& item) {
            std::string v = text(item, what);
            auto a = AddressSet::parse(v);
            if (!a) fail(item, fmt::format("{}: '{}' is not an address, CIDR, range or `any`", what, v));
            out.push_back(*a);
        };
        if (n.IsSequence()) {
            for (const auto& item : n)
                one(item);
        } else if (n.IsScalar()) {
            one(n);
        } else {
            fail(n, what + " must be an address or a list of addresses");
        }
        return out;
    }
    void expect_map(const YAML::Node& n, const std::string& what) const {
        if (!n.IsMap()) fail(n, what + " must be a mapping of keys to values");
    }
    void only_keys(const YAML::Node& map, std::initializer_list<const char*> keys,
                   const std::string& where) const {
        for (const auto& kv : map) {
            std::string k = kv.first.Scalar();
            bool known = false;
            for (const char* key : keys)
                known = known || k == key;
            if (!known) {
                fail(kv.first,
                     fmt::format("unknown key '{}' in {} (known: {})", k, where, fmt::join(keys, ", ")));
            }
        }
    }
    // name -> prefixes, in file order, for zones and interfaces.
    std::map<std::string, AddressSet> areas(const YAML::Node& n, const std::string& what) const {
        expect_map(n, what);
        std::vector<std::pair<std::string, std::vector<AddressSet>>> declared;
        for (const auto& kv : n) {
            declared.emplace_back(kv.first.Scalar(),
                                  addresses(kv.second, what + " '" + kv.first.Scalar() + "'"));
        }
        return resolve_longest_prefix(declared);
    }
};

AddressSet union_of(const std::vector<AddressSet>& sets) {
    AddressSet out;
    for (const auto& s : sets)
        out |= s;
    return out;
}

Ports read_ports(const Reader& r, const YAML::Node& n) {
    r.expect_map(n, "ports");
    r.only_keys(n, {"server", "module", "console", "database", "zone_server", "zone_hub"}, "ports");
    Ports p;
    if (n["server"]) p.server = r.port(n["server"], "ports.server");
    if (n["module"]) p.module = r.port(n["module"], "ports.module");
    if (n["database"]) p.database = r.port(n["database"], "ports.database");
    if (n["zone_server"]) p.zone_server = r.port(n["zone_server"], "ports.zone_server");
    if (n["zone_hub"]) p.zone_hub = r.port(n["zone_hub"], "ports.zone_hub");
    if (const auto& c = n["console"]) {
        if (c.IsSequence()) {
            for (const auto& item : c)
                p.console.push_back(r.port(item, "ports.console"));
        } else {
            p.console.push_back(r.port(c, "ports.console"));
        }
    }
    return p;
}

// `public:` entries: single addresses, since a destination NAT that flowgap follows maps one
// public address to one real one.
std::vector<AddressSet> public_list(const Reader& r, const YAML::Node& n, const std::string& what) {
    std::vector<AddressSet> out;
    auto one = [&](const YAML::Node& item) {
        std::string v = r.text(item, what);
        auto a = Address::parse(v);
        if (!a) r.fail(item, fmt::format("{}: '{}' is not a single address", what, v));
        out.push_back(AddressSet::host(*a));
    };
    if (n.IsSequence()) {
        for (const auto& item : n)
            one(item);
    } else {
        one(n);
    }
    return out;
}

// A role is its addresses (a value or a list), or a mapping `{addresses: [...], public: [...]}`
// that also names the public addresses it is reached on (into `published`).
std::vector<AddressSet> read_role(const Reader& r, const YAML::Node& n, const std::string& what,
                                  std::vector<AddressSet>& published) {
    if (!n.IsMap()) return r.addresses(n, what);
    r.only_keys(n, {"addresses", "public"}, what);
    if (!n["addresses"]) r.fail(n, what + " needs `addresses` (where the role lives)");
    if (n["public"]) published = public_list(r, n["public"], what + ".public");
    return r.addresses(n["addresses"], what + ".addresses");
}

void read_roles(const Reader& r, const YAML::Node& n, Deployment& d) {
    r.expect_map(n, "roles");
    for (const auto& kv : n) {
        std::string name = kv.first.Scalar();
        if (name == "lan") {
            d.lans = r.addresses(kv.second, "roles.lan");
            d.role_locations[name] = r.at(kv.first);
            continue;
        }
        const auto& known = known_roles();
        if (std::find(known.begin(), known.end(), name) == known.end()) {
            r.fail(kv.first, fmt::format("unknown role '{}' (known: {}, lan)", name, fmt::join(known, ", ")));
        }
        d.roles[name] = union_of(read_role(r, kv.second, "roles." + name, d.public_addresses[name]));
        if (d.public_addresses[name].empty()) d.public_addresses.erase(name);
        d.role_locations[name] = r.at(kv.first);
    }
}

// `config:` is one path or a list of them; each must name an existing file, and none twice.
// An uploaded deployment (no directory) keeps the names as written and never looks at the disk.
void read_configs(const Reader& r, const YAML::Node& n, const Deployment& d, FirewallSpec& f) {
    auto one = [&](const YAML::Node& item) {
        std::string written = r.text(item, "config");
        if (d.directory.empty()) {
            f.configs.push_back(written);
            return;
        }
        fs::path p(written);
        std::string path =
            p.is_absolute() ? p.string() : (fs::path(d.directory) / p).lexically_normal().string();
        std::error_code ec;
        fs::file_status st = fs::status(path, ec);
        if (st.type() == fs::file_type::directory)
            r.fail(item, fmt::format("config file '{}' is a directory, not a file ({})", written, path));
        if (fs::exists(st) && st.type() != fs::file_type::regular)
            r.fail(item, fmt::format("config file '{}' is not a regular file ({})", written, path));
        if (st.type() != fs::file_type::regular)
            r.fail(item, fmt::format("config file '{}' not found (looked for {})", written, path));
        if (std::find(f.config_paths.begin(), f.config_paths.end(), path) != f.config_paths.end())
            r.fail(item, fmt::format("config file '{}' is listed twice", written));
        f.configs.push_back(written);
        f.config_paths.push_back(path);
    };
    if (n.IsSequence()) {
        for (const auto& item : n)
            one(item);
        if (f.configs.empty()) r.fail(n, "config must name at least one file");
    } else if (n.IsScalar()) {
        one(n);
    } else {
        r.fail(n, "config must be a path or a list of paths");
    }
}

FirewallSpec read_firewall(const Reader& r, const YAML::Node& n, const Deployment& d) {
    r.expect_map(n, "a firewall entry");
    r.only_keys(n,
                {"name", "config", "format", "host", "zones", "interfaces", "device_group", "vsys", "profile",
                 "address_keywords"},
                "a firewall entry");
    FirewallSpec f;
    f.location = r.at(n);
    if (!n["name"]) r.fail(n, "a firewall entry needs a `name`");
    if (!n["config"]) r.fail(n, "a firewall entry needs a `config` (the path of its configuration export)");
    f.name = r.text(n["name"], "name");
    read_configs(r, n["config"], d, f);
    if (n["format"]) {  // which formats exist is the parsers' table: parsers::parse_firewall checks
        f.format = r.text(n["format"], "format");
        f.format_location = r.at(n["format"]);
    }
    if (n["host"]) f.host = union_of(r.addresses(n["host"], "host"));
    if (n["zones"]) f.zones = r.areas(n["zones"], "zones");
    if (n["interfaces"]) f.interfaces = r.areas(n["interfaces"], "interfaces");
    if (n["device_group"]) f.device_group = r.text(n["device_group"], "device_group");
    if (n["vsys"]) f.vsys = r.text(n["vsys"], "vsys");
    if (n["profile"]) f.profile = r.choice(n["profile"], "profile", {"domain", "private", "public"});
    if (const auto& k = n["address_keywords"]) {  // overlapping sets are fine: no longest prefix here
        r.expect_map(k, "address_keywords");
        for (const auto& kv : k) {
            std::string key = kv.first.Scalar();
            std::transform(key.begin(), key.end(), key.begin(),
                           [](unsigned char c) { return std::tolower(c); });
            f.address_keywords[key] =
                union_of(r.addresses(kv.second, "address_keywords '" + kv.first.Scalar() + "'"));
        }
    }
    return f;
}

void read_top(const Reader& r, const YAML::Node& root, Deployment& d) {
    r.only_keys(root,
                {"platform", "active_active", "database_engine", "airgapped", "direct_connect", "ports",
                 "roles", "firewalls"},
                "the deployment file");
    if (root["platform"]) {
        d.platform = r.choice(root["platform"], "platform", {"appliance", "windows"}) == "appliance"
                         ? Platform::appliance
                         : Platform::windows;
    }
    if (root["active_active"]) d.active_active = r.flag(root["active_active"], "active_active");
    if (root["airgapped"]) d.airgapped = r.flag(root["airgapped"], "airgapped");
    if (root["direct_connect"]) d.direct_connect = r.flag(root["direct_connect"], "direct_connect");
    if (root["database_engine"]) {
        d.database_engine = r.choice(root["database_engine"], "database_engine", {"sqlserver", "postgresql"});
    }
    if (root["ports"]) d.ports = read_ports(r, root["ports"]);
    if (d.ports.console.empty()) {
        d.ports.console =
            d.platform == Platform::appliance ? std::vector<uint32_t>{443, 8443} : std::vector<uint32_t>{443};
    }
    if (!root["roles"]) r.fail(root, "the deployment file needs `roles:` (where each Tanium role lives)");
    read_roles(r, root["roles"], d);
}

}  // namespace

const std::vector<std::string>& known_roles() {
    static const std::vector<std::string> roles = {"server",      "module_server", "database",
                                                   "zone_server", "zone_hub",      "console",
                                                   "admin",       "endpoints",     "internet_endpoints",
                                                   "internet",    "dns",           "ntp",
                                                   "ldap",        "syslog",        "snmp",
                                                   "idrac"};
    return roles;
}

AddressSet Deployment::role(const std::string& name) const {
    if (auto it = roles.find(name); it != roles.end()) return it->second;
    if (name == "zone_hub") return role("server");
    if (name == "admin") return role("console");
    if (name == "internet" || name == "internet_endpoints") return AddressSet::public_internet() - placed();
    return {};
}

// The deployment's own public addresses (a published server, a DMZ zone server) are not "the
// internet": module-to-internet must not be checked as packets to the Tanium Server. A role
// declared as `any` places nothing in particular and takes nothing away.
AddressSet Deployment::placed() const {
    const AddressSet internet = AddressSet::public_internet();
    AddressSet out;
    for (const auto& [name, addresses] : roles) {
        if (name == "internet" || name == "internet_endpoints") continue;
        if ((internet - addresses).empty()) continue;
        out |= addresses;
    }
    for (const auto& [name, list] : public_addresses) {
        for (const auto& a : list)
            out |= a;
    }
    return out;
}

std::string FirewallSpec::config_text() const {
    return fmt::format("{}", fmt::join(config_paths, " + "));
}

uint32_t Deployment::database_port() const {
    if (ports.database) return *ports.database;
    return database_engine == "postgresql" ? 5432 : 1433;
}

namespace {

// What a TODO left at `path` ("roles.server", "firewalls[2].host") asks for.
std::string todo_meaning(const std::string& path) {
    static const std::vector<std::pair<std::string, std::string>> meanings = {
        {"roles.server", "the Tanium Server's address(es)"},
        {"roles.module_server", "the Module Server's address"},
        {"roles.database", "the database server's address"},
        {"roles.console", "where console users connect from"},
        {"roles.endpoints", "the Tanium Clients' subnets"},
        {".host", "the address of the host this firewall protects"},
        {".config", "the path of the firewall's export"},
        {".interfaces.", "the addresses behind this interface"},
        {".zones.", "the addresses in this zone"},
    };
    for (const auto& [key, meaning] : meanings) {
        if (path == key || (key.front() == '.' && path.find(key) != std::string::npos)) return meaning;
    }
    return "a value (or delete the key if it does not apply)";
}

// A draft from `flowgap init` marks what it could not find as TODO: refuse the file, located at
// the first one, until someone fills it in. Iterative: nesting is bounded by the reader anyway.
void reject_todos(const Reader& r, const YAML::Node& root) {
    std::vector<std::pair<YAML::Node, std::string>> todo = {{root, ""}};
    while (!todo.empty()) {
        auto [n, path] = todo.back();
        todo.pop_back();
        if (n.IsScalar() && n.Scalar() == "TODO") {
            r.fail(n, fmt::format("{} is still TODO: fill in {}", path.empty() ? "the file" : path,
                                  todo_meaning(path)));
        }
        std::vector<std::pair<YAML::Node, std::string>> children;
        if (n.IsMap()) {
            for (const auto& kv : n) {
                std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "?";
                children.emplace_back(kv.second, path.empty() ? key : path + "." + key);
            }
        } else if (n.IsSequence()) {
            size_t i = 0;
            for (const auto& item : n)
                children.emplace_back(item, fmt::format("{}[{}]", path, ++i));
        }
        // Reversed onto the stack: the first TODO in file order is the one reported.
        todo.insert(todo.end(), children.rbegin(), children.rend());
    }
}

// `d.directory` empty: the deployment was uploaded, and its `config` names are not looked up.
Deployment read_deployment(const Reader& r, Deployment d) {
    YAML::Node root = r.load("deployment file");
    d.location = SourceLocation{r.file(), 1, 1};
    if (!root.IsMap())
        r.fail(root, "the deployment file must be a YAML mapping (platform:, roles:, firewalls:)");
    reject_todos(r, root);
    read_top(r, root, d);
    if (const auto& list = root["firewalls"]) {
        if (!list.IsSequence()) r.fail(list, "firewalls must be a list");
        std::set<std::string> names;
        for (const auto& item : list) {
            FirewallSpec f = read_firewall(r, item, d);
            if (!names.insert(f.name).second)
                r.fail(item["name"], fmt::format("duplicate firewall name '{}'", f.name));
            d.firewalls.push_back(std::move(f));
        }
    }
    return d;
}

}  // namespace

Deployment load_deployment(const std::string& path) {
    Deployment d;
    d.path = path;
    d.directory = fs::path(path).parent_path().string();
    if (d.directory.empty()) d.directory = ".";
    return read_deployment(Reader(path), std::move(d));
}

Deployment parse_deployment(const std::string& name, const std::string& text) {
    Deployment d;
    d.path = name;
    return read_deployment(Reader(name, text), std::move(d));
}

}  // namespace flowgap::analysis
