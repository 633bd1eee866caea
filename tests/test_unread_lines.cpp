// Issue #13: a line flowgap cannot read never lets a required flow through unnoticed.
//
// Every file of the public corpus (../shared/corpus, audited alone as tests/report-snapshot.sh
// audits it: iptables and netsh as the host firewall of the Tanium server, PAN-OS as a network
// firewall) and every config a fixtures/**/*.yaml deployment names is parsed once (and audited
// only where a count of allowed flows is needed: the audit of large PAN-OS exports is slow).
//
// 1. The number of warnings each file gives is pinned (kPins), so a construct that starts or stops
//    being skipped shows up as a changed pin. docs/testing.md says how to update the table.
// 2. Every warning about something the parser did not read (a skipped or unknown construct) must
//    have left a conditional trace where it is: a rule at that line whose match is only possible
//    (may_match) or whose outcome is unknown, or, for an object, a condition naming it in the rules
//    that use it. A warning that cannot change a verdict matches kInformative, with the reason. Any
//    other warning is a failure naming file:line, unless kKnownGaps lists it with its FIXME.
// 3. A firewall that yields no policy lets no required flow be `allowed` (parsers/parse.cpp makes
//    such a config an error, pinned as "rejected").
//
// iptables' raw, mangle and security tables are evaluated in the kernel's order (tables.cpp),
// so their DROPs decide without a warning; the kernel oracle (tests/kernel-oracle.sh) checks them.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "analysis/audit.hpp"
#include "analysis/deployment.hpp"
#include "analysis/evaluate.hpp"
#include "parsers/parse.hpp"
#include "tests/support/e2e.hpp"

using namespace flowgap::analysis;
namespace fs = std::filesystem;

namespace {

const std::string kSource = FLOWGAP_SOURCE_DIR;
const std::string kCorpus = kSource + "/../shared/corpus";

// Warnings per file, or "rejected: " and the first words of the error for a file the parsers
// refuse (exit 2). Keys: "corpus/<vendor>/<file>" or the path under the source folder. After a
// parser change, the failure message prints the table as it now is, to paste here.
const std::map<std::string, std::string> kPins = {
    {"corpus/iptables/batfish_host1_small_handmade.rules", "0"},
    {"corpus/iptables/batfish_z1-firewall_mangle-only_handmade.rules", "1"},
    {"corpus/iptables/docker_topos_2016.rules", "0"},
    {"corpus/iptables/eduroam_server_2015.rules", "0"},
    {"corpus/iptables/fedora27_firewalld_ip6tables-save.rules", "0"},
    {"corpus/iptables/fedora27_firewalld_iptables-save.rules", "0"},
    {"corpus/iptables/gopherproxy_blocklist_2015.rules", "0"},
    {"corpus/iptables/home_user_router_2015.rules", "0"},
    {"corpus/iptables/legacy_iptables-1.2.4_2003_filter.rules", "0"},
    {"corpus/iptables/medium_company_stateful_2016.rules", "0"},
    {"corpus/iptables/openwrt_router_2014.rules", "0"},
    {"corpus/iptables/parser_test_mixed_syntax.rules", "1"},
    {"corpus/iptables/shorewall_generated_2014.rules", "0"},
    {"corpus/iptables/synology_nas_ip6tables-save_2016.rules", "0"},
    {"corpus/iptables/tum_net_university_fw_2015-09-03_5k-rules.rules", "0"},
    {"corpus/iptables/ubuntu_ufw_server_2015.rules", "0"},
    {"corpus/iptables/ugent_nat_gateway_2015.rules", "0"},
    {"corpus/iptables/wireless_hotspot_custom_chains_2017.rules", "0"},
    {"corpus/netsh/netsh_advfirewall_show_allprofiles_state_all-off.txt", "0"},
    {"corpus/netsh/win11_netsh_show_rule_name-all_504rules.txt", "2"},
    {"corpus/netsh/win_powershell_Get-NetFirewallRule_utf16le.txt", "2"},
    {"corpus/paloalto/awsgwlb_overlay_vmseries_10.2.3_bootstrap.xml", "0"},
    {"corpus/paloalto/azure_eastwest_vmseries_8.1_bootstrap.xml", "0"},
    {"corpus/paloalto/batfish_nested_destination-nat-panorama.txt", "0"},
    {"corpus/paloalto/batfish_nested_nat-match-noop-rules.txt", "0"},
    {"corpus/paloalto/batfish_set_device-group-shared-inheritance.txt", "0"},
    {"corpus/paloalto/batfish_set_move-rulebase-security.txt", "3"},
    {"corpus/paloalto/batfish_set_panorama-rulebase-copy.txt", "0"},
    {"corpus/paloalto/batfish_set_security-rules.txt", "0"},
    {"corpus/paloalto/camcuoi_pa_9.0_running-config_cis_lab.xml", "0"},
    {"corpus/paloalto/cybexp_pa_9.0_running-config.xml", "0"},
    {"corpus/paloalto/devdaygwlb_vmseries_10.0_bootstrap.xml", "1"},
    {"corpus/paloalto/firewiseai_pa_11.1.6_running-config.xml", "1"},
    {"corpus/paloalto/gabrielmontiel_pa_10.1.7_running-config.xml", "2"},
    {"corpus/paloalto/gcp_autoscale_vmseries_8.1_bootstrap.xml", "0"},
    {"corpus/paloalto/ironskillet_v10.1_panorama_full_mgmt-static.xml", "2"},
    {"corpus/paloalto/ironskillet_v10.1_panorama_full_set-commands.txt", "2"},
    {"corpus/paloalto/ironskillet_v10.1_panos_full_mgmt-static.xml", "1"},
    {"corpus/paloalto/ironskillet_v10.1_panos_full_set-commands.txt", "2"},
    {"corpus/paloalto/ironskillet_v8.0_panos_full_mgmt-static.xml", "1"},
    {"corpus/paloalto/l100lab_vmseries_10.1.3_bootstrap.xml", "1"},
    {"corpus/paloalto/panosphp_panorama-6.0-example.xml", "1"},
    {"corpus/paloalto/panosphp_panorama-8.1.xml", "2"},
    {"corpus/paloalto/panosphp_panos-5.0-example-2.xml", "0"},
    {"corpus/paloalto/panosphp_panos-6.1-policy-best-practices.xml", "0"},
    {"corpus/paloalto/panosphp_panos-8.0_appid-toolbox-stage00.xml", "0"},
    {"corpus/paloalto/panosphp_prisma-fawkes-10.0-baseconfig.xml",
     "rejected: no vsys, device group or shared rulebase"},
    {"corpus/paloalto/saute_panorama_10.2.3_api-response.xml", "2"},
    {"fixtures/changes/netsh/endpoint-52.cmd", "0"},
    {"fixtures/demo/branch-linux-37.rules", "0"},
    {"fixtures/demo/core-router.rules", "0"},
    {"fixtures/gate/router.rules", "0"},
    {"fixtures/internet/gateway.rules", "0"},
    {"fixtures/iptables/inverted-port-range.rules", "3"},
    {"fixtures/iptables/listing-any-any.rules", "1"},
    {"fixtures/iptables/listing-input.rules", "2"},
    {"fixtures/iptables/listing-ipv6.rules", "1"},
    {"fixtures/iptables/listing.rules", "1"},
    {"fixtures/iptables/mapped-addresses.rules", "0"},
    {"fixtures/iptables/pkttype.rules", "0"},
    {"fixtures/netsh/block-inbound-always.txt", "0"},
    {"fixtures/netsh/endpoint.json", "0"},
    {"fixtures/netsh/module-server.cmd", "0"},
    {"fixtures/netsh/plain-listing.txt", "2"},
    {"fixtures/netsh/powershell-script.ps1", "0"},
    {"fixtures/netsh/profile-notconfigured.txt", "3"},
    {"fixtures/netsh/script-delete-rule.cmd", "1"},
    {"fixtures/netsh/script-import.cmd", "2"},
    {"fixtures/netsh/script-prefixes.cmd", "1"},
    {"fixtures/netsh/script-reset.cmd", "0"},
    {"fixtures/netsh/script-set-rule.cmd", "1"},
    {"fixtures/netsh/script-spellings.cmd", "1"},
    {"fixtures/netsh/script-state-off.cmd", "0"},
    {"fixtures/netsh/script-unreadable.cmd", "3"},
    {"fixtures/netsh/split-tanium-server-allprofiles.txt", "0"},
    {"fixtures/netsh/split-tanium-server-rules.txt", "0"},
    {"fixtures/netsh/sql-server-de.txt", "0"},
    {"fixtures/netsh/tanium-server.txt", "0"},
    {"fixtures/nftables/firewalld-public.nft", "0"},
    {"fixtures/nftables/host.nft", "0"},
    {"fixtures/nftables/legacy/host.nft", "0"},
    {"fixtures/nftables/legacy/legacy.rules", "0"},
    {"fixtures/paloalto/brace-uuid/fw.txt", "0"},
    {"fixtures/paloalto/dc-fw.xml", "0"},
    {"fixtures/paloalto/default-rule-pushed/fw.xml", "0"},
    {"fixtures/paloalto/nat-publish/private-rule.xml", "0"},
    {"fixtures/paloalto/nat-publish/public-rule.xml", "0"},
};

// Warnings that change no verdict, by a part of their text: why the line they point at cannot
// block a packet the audit lets through.
struct Informative {
    std::string_view text;
    std::string_view reason;
};
const std::vector<Informative> kInformative = {
    {"netsh refuses this command, so it changes nothing", "netsh refuses the command: the host is unchanged"},
    {"PowerShell does not run this command, so it changes nothing",
     "the cmdlet never runs: the host is unchanged"},
    {"no `netsh advfirewall show allprofiles` output: assuming Windows' defaults",
     "no line is skipped: the profile settings are absent from the input and Windows' defaults assumed"},
    {"the deployment names none with `", "every vsys or device group of the export is read and audited"},
    {"is written twice; its two entries are merged", "both entries are read, merged as PAN-OS merges them"},
    {"matches no port", "read exactly: the kernel's inverted range matches no packet either"},
    {"matches no address", "read exactly: the kernel's inverted range matches no packet either"},
    {"ignored: cannot apply 'delete mgt-config ", "administrator accounts, not packet filtering"},
    {"no zone has addresses",
     "no line is skipped: with no zone addresses, every zone is a condition (may_match)"},
    {"NotConfigured: the effective value comes from Group Policy",
     "the profile's default is conditional (test_netsh_constructs: NotConfigured profile values)"},
};

// Warnings about constructs the parser drops without a conditional trace: real gaps, kept visible
// here until the parser is fixed. Each must still occur (a fixed gap is removed from the list).
struct KnownGap {
    std::string_view file;  // a key of kPins
    uint32_t line;
    std::string_view text;  // a part of the warning
    std::string_view fixme;
};
const std::vector<KnownGap> kKnownGaps = {};

std::string key_of(const std::string& path) {
    std::string p = fs::path(path).lexically_normal().string();
    std::string corpus = fs::path(kCorpus).lexically_normal().string();
    if (p.starts_with(corpus)) return "corpus" + p.substr(corpus.size());
    std::string source = fs::path(kSource).lexically_normal().string() + "/";
    return p.starts_with(source) ? p.substr(source.size()) : p;
}

// One firewall of one deployment: parsed (or refused) and audited.
struct Checked {
    std::string origin;  // "fixtures/demo/deployment.yaml core-router"
    std::vector<std::string> keys;
    std::optional<Firewall> fw;
    std::string error;
    std::vector<Diagnostic> untraced;  // warnings neither informative nor traced (see below)
    size_t allowed_required = 0;  // required flows `allowed` here; audited only when untraced or no policy
};

bool untraced(const Firewall& fw, const Diagnostic& w);

size_t allowed_required(const Audit& audit, size_t fi) {
    size_t n = 0;
    for (const auto& r : audit.results) {
        if (r.firewall == fi && r.verdict == Verdict::allowed &&
            audit.flows[r.flow].entry->level == Level::required)
            ++n;
    }
    return n;
}

// One firewall parsed into `firewalls`, or the error that refused it.
Checked parse_one(const FirewallSpec& spec, const std::string& label, std::vector<Firewall>& firewalls) {
    Checked c;
    c.origin = label + " " + spec.name;
    for (const auto& p : spec.config_paths)
        c.keys.push_back(key_of(p));
    try {
        firewalls.push_back(flowgap::parsers::parse_firewall(spec));
    } catch (const InputError& e) {
        c.error = e.message();
        return c;
    }
    for (const auto& w : firewalls.back().warnings) {
        if (untraced(firewalls.back(), w)) c.untraced.push_back(w);
    }
    return c;
}

// Parses each firewall of the deployment at `path` and audits those that parse together.
std::vector<Checked> check_deployment(const std::string& path, const std::string& label) {
    Deployment d = load_deployment(path);
    std::vector<Checked> out;
    Deployment parsed = d;
    parsed.firewalls.clear();
    std::vector<Firewall> firewalls;
    bool audit = false;  // only when a count is needed: see the top of the file
    for (const auto& spec : d.firewalls) {
        out.push_back(parse_one(spec, label, firewalls));
        if (!out.back().error.empty()) continue;
        parsed.firewalls.push_back(spec);
        audit = audit || !out.back().untraced.empty() || firewalls.back().policies.empty();
    }
    std::optional<Audit> a;
    if (audit) a = run_audit(parsed, firewalls);
    size_t fi = 0;
    for (auto& c : out) {
        if (!c.error.empty()) continue;
        if (a) c.allowed_required = allowed_required(*a, fi);
        c.fw = std::move(firewalls[fi++]);
    }
    return out;
}

std::string corpus_deployment(const fs::path& file, const std::string& vendor) {
    std::string host = vendor == "paloalto" ? "" : "    host: 10.10.1.10\n";
    return "platform: windows\n"
           "roles:\n"
           "  server: [10.10.1.10]\n"
           "  module_server: [10.10.1.20]\n"
           "  database: [10.10.1.30]\n"
           "  console: [10.99.0.0/24]\n"
           "  endpoints: [10.20.0.0/16, 192.168.0.0/16, 172.16.0.0/12]\n"
           "firewalls:\n"
           "  - name: fw\n"
           "    config: " +
           file.string() + "\n" + host;
}

std::vector<Checked> check_corpus() {
    std::vector<Checked> out;
    if (!fs::is_directory(kCorpus)) {
        WARN("corpus absent: " << kCorpus << " (its files are not checked)");
        return out;
    }
    flowgap::testing::TempDir tmp;
    for (const char* vendor : {"iptables", "netsh", "paloalto"}) {
        std::vector<fs::path> files;
        for (const auto& e : fs::directory_iterator(kCorpus + "/" + vendor))
            files.push_back(e.path());
        std::sort(files.begin(), files.end());
        for (const auto& f : files) {
            std::string dep = tmp.write("deployment.yaml", corpus_deployment(f, vendor));
            for (auto& c : check_deployment(dep, key_of(f.string())))
                out.push_back(std::move(c));
        }
    }
    return out;
}

// A fixture YAML that declares firewalls (not a waivers file).
bool declares_firewalls(const std::string& path) {
    std::string text = flowgap::testing::read_file(path);
    return text.starts_with("firewalls:") || text.find("\nfirewalls:") != std::string::npos;
}

std::vector<Checked> check_fixtures() {
    std::vector<std::string> deployments;
    for (const auto& e : fs::recursive_directory_iterator(kSource + "/fixtures")) {
        std::string p = e.path().string();
        if (e.path().extension() == ".yaml" && declares_firewalls(p)) deployments.push_back(p);
    }
    std::sort(deployments.begin(), deployments.end());
    std::vector<Checked> out;
    for (const auto& d : deployments) {
        for (auto& c : check_deployment(d, key_of(d)))
            out.push_back(std::move(c));
    }
    return out;
}

bool same_file(const SourceLocation& a, const SourceLocation& b) {
    return a.file && b.file && *a.file == *b.file;
}

// The warning's file as a key of kPins (a warning located in no file of the firewall counts for
// its first).
std::string key_of(const Checked& c, const Diagnostic& w) {
    if (w.location.file) {
        std::string k = key_of(*w.location.file);
        if (std::find(c.keys.begin(), c.keys.end(), k) != c.keys.end()) return k;
    }
    return c.keys.front();
}

bool conditional(const Rule& r) {
    return !r.may_match.empty() || r.action == Action::unknown;
}

// A conditional rule whose text spans the warning's line: the parser kept what it could not read.
const Rule* conditional_rule_at(const Firewall& fw, const Diagnostic& w) {
    auto spans = [&](const Rule& r) {
        uint32_t last =
            r.location.line + static_cast<uint32_t>(std::count(r.text.begin(), r.text.end(), '\n'));
        return w.location.line > 0 && same_file(r.location, w.location) &&
               r.location.line <= w.location.line && w.location.line <= last;
    };
    for (const auto& p : fw.policies) {
        for (const auto& r : p.rules) {
            if (conditional(r) && spans(r)) return &r;
        }
        if (conditional(p.default_rule) && spans(p.default_rule)) return &p.default_rule;
    }
    return nullptr;
}

// The first 'quoted' name of a warning ("undefined service 'x'"), or "".
std::string quoted(const std::string& message) {
    auto a = message.find('\'');
    auto b = a == std::string::npos ? a : message.find('\'', a + 1);
    return b == std::string::npos ? "" : message.substr(a, b - a + 1);
}

// For a warning about an object (an address, group or service), located where the object is
// defined: every rule that names it carries a condition naming it, and some rule does, or no rule
// names it at all (an unused object decides nothing).
bool object_traced(const Firewall& fw, const Diagnostic& w) {
    std::string name = quoted(w.message);
    if (name.size() < 3) return false;
    for (const auto& p : fw.policies) {
        for (const auto& r : p.rules) {
            bool in_conditions = std::any_of(r.conditions.begin(), r.conditions.end(),
                                             [&](const std::string& c) { return c.find(name) != c.npos; });
            bool in_text = r.text.find(name.substr(1, name.size() - 2)) != std::string_view::npos;
            if (in_text && !in_conditions) return false;
        }
    }
    return true;
}

bool about_object(const Diagnostic& w) {
    for (std::string_view what : {"address object '", "address group '", "service '"}) {
        if (w.message.find(what) != std::string::npos) return true;
    }
    return false;
}

const Informative* informative(const Diagnostic& w) {
    for (const auto& i : kInformative) {
        if (w.message.find(i.text) != std::string::npos) return &i;
    }
    return nullptr;
}

bool untraced(const Firewall& fw, const Diagnostic& w) {
    return !informative(w) && !conditional_rule_at(fw, w) && !(about_object(w) && object_traced(fw, w));
}

const KnownGap* known_gap(const std::string& key, const Diagnostic& w) {
    for (const auto& g : kKnownGaps) {
        if (g.file == key && g.line == w.location.line && w.message.find(g.text) != std::string::npos)
            return &g;
    }
    return nullptr;
}

}  // namespace

namespace {

const std::vector<Checked>& checked() {
    static const std::vector<Checked> all = [] {
        std::vector<Checked> out = check_corpus();
        for (auto& c : check_fixtures())
            out.push_back(std::move(c));
        return out;
    }();
    return all;
}

// "rejected: " and the error's first words (up to the first ':' or 8 words).
std::string rejected(const std::string& error) {
    std::istringstream in(error.substr(0, error.find(':')));
    std::string out = "rejected:";
    std::string word;
    for (int n = 0; n < 8 && in >> word; ++n)
        out += " " + word;
    return out;
}

std::map<std::string, std::string> actual_pins() {
    std::map<std::string, std::string> out;
    auto put = [&](const std::string& key, const std::string& value) {
        auto [it, fresh] = out.emplace(key, value);
        if (!fresh && it->second != value) it->second += " / " + value;  // two deployments disagree
    };
    for (const auto& c : checked()) {
        if (!c.fw) {
            for (const auto& k : c.keys)
                put(k, rejected(c.error));
            continue;
        }
        std::map<std::string, size_t> counts;
        for (const auto& k : c.keys)
            counts[k] = 0;
        for (const auto& w : c.fw->warnings)
            ++counts[key_of(c, w)];
        for (const auto& [k, n] : counts)
            put(k, std::to_string(n));
    }
    return out;
}

std::string table(const std::map<std::string, std::string>& pins) {
    std::string out;
    for (const auto& [k, v] : pins)
        out += "    {\"" + k + "\", \"" + v + "\"},\n";
    return out;
}

}  // namespace

TEST_CASE("unread lines: the warnings of every corpus file and fixture are pinned", "[unread]") {
    auto actual = actual_pins();
    auto pinned = kPins;
    if (!fs::is_directory(kCorpus))
        std::erase_if(pinned, [](const auto& pin) { return pin.first.starts_with("corpus/"); });
    INFO("the table as it is now (kPins in tests/test_unread_lines.cpp):\n" << table(actual));
    CHECK(actual == pinned);
}

TEST_CASE("unread lines: every construct skipped leaves a conditional rule where it is", "[unread]") {
    std::set<const KnownGap*> seen;
    for (const auto& c : checked()) {
        if (!c.fw) continue;
        for (const auto& w : c.untraced) {
            std::string key = key_of(c, w);
            if (const KnownGap* g = known_gap(key, w)) {
                seen.insert(g);
                continue;
            }
            FAIL_CHECK(key << ":" << w.location.line << " (" << c.origin << ", " << c.allowed_required
                           << " required flows allowed there): no conditional rule at the line of: "
                           << w.message);
        }
    }
    for (const auto& g : kKnownGaps) {
        INFO("known gap no longer seen, remove it from kKnownGaps: " << g.file << ":" << g.line << " "
                                                                     << g.text);
        CHECK(seen.count(&g));
    }
}

TEST_CASE("unread lines: a firewall without a policy never lets a required flow through", "[unread]") {
    for (const auto& c : checked()) {
        if (!c.fw || !c.fw->policies.empty()) continue;
        INFO(c.origin << ": no policy");
        CHECK(c.allowed_required == 0);
    }
}

TEST_CASE("unread lines: a dump without a filter table never reads as nothing filters", "[unread]") {
    // Its mangle PREROUTING drops almost everything; its filter table may be empty or just not
    // exported. The filter hooks are there, and let nothing through for certain.
    flowgap::testing::TempDir tmp;
    std::string path = tmp.write(
        "mangle.rules", "*mangle\n:PREROUTING DROP [0:0]\n-A PREROUTING -s 10.0.2.1 -j ACCEPT\nCOMMIT\n");
    auto fw = flowgap::parsers::parse_files({path}, "", {});
    REQUIRE_FALSE(fw.policies.empty());
    for (const auto& policy : fw.policies) {
        // mangle PREROUTING's ACCEPT only hands its packets on to the next table.
        if (policy.name != "INPUT" && policy.name != "FORWARD" && policy.name != "OUTPUT") continue;
        INFO(policy.name);
        CHECK(flowgap::analysis::evaluate(policy, flowgap::analysis::FlowSpace::all()).allowed.empty());
    }
    bool warned = std::any_of(fw.warnings.begin(), fw.warnings.end(), [](const auto& w) {
        return w.message.find("no filter table") != std::string::npos;
    });
    CHECK(warned);
}
