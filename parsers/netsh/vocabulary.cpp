// The per-language tables. Sources: the English and German captures and fixtures listed in
// shared/reference/formats.md section 3.6; rows marked there as inferred are included because a
// wrong row only fails to match, it never mistranslates another language's word.
#include "parsers/netsh/vocabulary.hpp"

#include <unordered_map>
#include <vector>

#include "parsers/netsh/raw.hpp"

namespace flowgap::parsers::netsh {

namespace {

struct LabelRow {
    std::string_view label;
    Field field;
};

// English, German, French. Spelling varies between Windows builds ("Lokales IP", "LokaleIP").
constexpr LabelRow kLabels[] = {
    {"Rule Name", Field::rule_name},
    {"Regelname", Field::rule_name},
    {"Nom de la règle", Field::rule_name},
    {"Description", Field::description},
    {"Beschreibung", Field::description},
    {"Enabled", Field::enabled},
    {"Aktiviert", Field::enabled},
    {"Activé", Field::enabled},
    {"Direction", Field::direction},
    {"Richtung", Field::direction},
    {"Sens", Field::direction},
    {"Profiles", Field::profiles},
    {"Profile", Field::profiles},
    {"Profils", Field::profiles},
    {"Grouping", Field::grouping},
    {"Gruppierung", Field::grouping},
    {"Groupement", Field::grouping},
    {"LocalIP", Field::local_ip},
    {"Lokales IP", Field::local_ip},
    {"Lokale IP", Field::local_ip},
    {"IP locale", Field::local_ip},
    {"RemoteIP", Field::remote_ip},
    {"Remote-IP", Field::remote_ip},
    {"IP distante", Field::remote_ip},
    {"Protocol", Field::protocol},
    {"Protokoll", Field::protocol},
    {"Protocole", Field::protocol},
    {"LocalPort", Field::local_port},
    {"Lokaler Port", Field::local_port},
    {"Port local", Field::local_port},
    {"RemotePort", Field::remote_port},
    {"Remoteport", Field::remote_port},
    {"Port distant", Field::remote_port},
    {"Edge traversal", Field::edge},
    {"Edgeausnahme", Field::edge},
    {"Traversée de périmètre", Field::edge},
    {"Program", Field::program},
    {"Programm", Field::program},
    {"Programme", Field::program},
    {"Service", Field::service},
    {"Dienst", Field::service},
    {"InterfaceTypes", Field::interface_types},
    {"Schnittstellentypen", Field::interface_types},
    {"Types d'interface", Field::interface_types},
    {"Security", Field::security},
    {"Sicherheit", Field::security},
    {"Sécurité", Field::security},
    {"Rule source", Field::rule_source},
    {"Regelquelle", Field::rule_source},
    {"Source de la règle", Field::rule_source},
    {"Action", Field::action},
    {"Aktion", Field::action},
    {"RemoteComputerGroup", Field::remote_computers},
    {"RemoteUserGroup", Field::remote_users},
    {"LocalUserGroup", Field::local_users},
};

struct ValueRow {
    ValueKind kind;
    std::string_view word;
    std::string_view canonical;
};

constexpr ValueRow kValues[] = {
    {ValueKind::boolean, "yes", "yes"},
    {ValueKind::boolean, "ja", "yes"},
    {ValueKind::boolean, "oui", "yes"},
    {ValueKind::boolean, "true", "yes"},
    {ValueKind::boolean, "no", "no"},
    {ValueKind::boolean, "nein", "no"},
    {ValueKind::boolean, "non", "no"},
    {ValueKind::boolean, "false", "no"},
    {ValueKind::direction, "in", "in"},
    {ValueKind::direction, "inbound", "in"},
    {ValueKind::direction, "eingehend", "in"},
    {ValueKind::direction, "ein", "in"},
    {ValueKind::direction, "entrée", "in"},
    {ValueKind::direction, "out", "out"},
    {ValueKind::direction, "outbound", "out"},
    {ValueKind::direction, "ausgehend", "out"},
    {ValueKind::direction, "aus", "out"},
    {ValueKind::direction, "sortie", "out"},
    {ValueKind::action, "allow", "allow"},
    {ValueKind::action, "zulassen", "allow"},
    {ValueKind::action, "autoriser", "allow"},
    {ValueKind::action, "block", "block"},
    {ValueKind::action, "blockieren", "block"},
    {ValueKind::action, "bloquer", "block"},
    {ValueKind::action, "bypass", "bypass"},
    {ValueKind::action, "allowbypass", "bypass"},
    {ValueKind::action, "umgehen", "bypass"},
    {ValueKind::any, "any", "any"},
    {ValueKind::any, "*", "any"},
    {ValueKind::any, "beliebig", "any"},
    {ValueKind::any, "tout", "any"},
    {ValueKind::profile, "domain", "domain"},
    {ValueKind::profile, "domäne", "domain"},
    {ValueKind::profile, "domaine", "domain"},
    {ValueKind::profile, "private", "private"},
    {ValueKind::profile, "privat", "private"},
    {ValueKind::profile, "privé", "private"},
    {ValueKind::profile, "public", "public"},
    {ValueKind::profile, "öffentlich", "public"},
    {ValueKind::profile, "any", "any"},
    {ValueKind::profile, "beliebig", "any"},
    {ValueKind::profile, "tout", "any"},
    {ValueKind::edge, "no", "no"},
    {ValueKind::edge, "nein", "no"},
    {ValueKind::edge, "non", "no"},
    {ValueKind::edge, "block", "no"},
    {ValueKind::edge, "yes", "yes"},
    {ValueKind::edge, "ja", "yes"},
    {ValueKind::edge, "oui", "yes"},
    {ValueKind::edge, "allow", "yes"},
    {ValueKind::edge, "defer to application", "deferapp"},
    {ValueKind::edge, "deferapp", "deferapp"},
    {ValueKind::edge, "defertoapp", "deferapp"},
    {ValueKind::edge, "anwendung zurückstellen", "deferapp"},
    {ValueKind::edge, "defer to user", "deferuser"},
    {ValueKind::edge, "deferuser", "deferuser"},
    {ValueKind::edge, "defertouser", "deferuser"},
    {ValueKind::edge, "benutzer zurückstellen", "deferuser"},
    {ValueKind::state, "on", "on"},
    {ValueKind::state, "ein", "on"},
    {ValueKind::state, "activé", "on"},
    {ValueKind::state, "off", "off"},
    {ValueKind::state, "aus", "off"},
    {ValueKind::state, "désactivé", "off"},
};

// Profile settings headers: a settings word and a profile word, in any order.
constexpr std::string_view kSettingsWords[] = {"profile settings", "einstellungen", "paramètres"};
struct ProfileWord {
    std::string_view word;
    unsigned bit;
};
constexpr ProfileWord kProfileWords[] = {
    {"domain", kDomain}, {"domän", kDomain},  {"private", kPrivate},   {"privat", kPrivate},
    {"privé", kPrivate}, {"public", kPublic}, {"öffentlich", kPublic}, {"domaine", kDomain},
};

constexpr std::string_view kStateKeys[] = {"State", "Status", "État"};
constexpr std::string_view kPolicyKeys[] = {"Firewall Policy", "Firewallrichtlinie", "Stratégie de pare-feu"};
constexpr std::string_view kNoRules[] = {"No rules match the specified criteria.",
                                         "Keine Regeln entsprechen den angegebenen Kriterien."};

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

bool contains(std::string_view hay, std::string_view needle) {
    return hay.find(needle) != std::string_view::npos;
}

}  // namespace

std::string normalize(std::string_view text, bool is_label) {
    text = trim(text);
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (is_label) {
            if (c == ' ' || c == '-') continue;
            if (c == '\xC2' && i + 1 < text.size() && text[i + 1] == '\xA0') {  // French: a no-break space
                ++i;
                continue;
            }
        }
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        out.push_back(c);
        // Latin-1 capitals (U+00C0-U+00DE but U+00D7) are C3 80-9E in UTF-8; lowercase adds 0x20.
        if (c == '\xC3' && i + 1 < text.size()) {
            unsigned char n = static_cast<unsigned char>(text[i + 1]);
            if (n >= 0x80 && n <= 0x9E && n != 0x97) n = static_cast<unsigned char>(n + 0x20);
            out.push_back(static_cast<char>(n));
            ++i;
        }
    }
    return out;
}

std::optional<Field> field_of(std::string_view label) {
    static const auto table = [] {
        std::unordered_map<std::string, Field> m;
        for (const auto& row : kLabels)
            m.emplace(normalize(row.label, true), row.field);
        return m;
    }();
    if (auto it = table.find(normalize(label, true)); it != table.end()) return it->second;
    return std::nullopt;
}

std::optional<std::string_view> value_of(ValueKind kind, std::string_view word) {
    std::string n = normalize(word, false);
    for (const auto& row : kValues) {
        if (row.kind == kind && row.word == n) return row.canonical;
    }
    return std::nullopt;
}

unsigned profile_header(std::string_view line) {
    std::string n = normalize(line, false);
    if (n.empty() || n.back() != ':') return 0;
    bool settings = false;
    for (auto w : kSettingsWords)
        settings = settings || contains(n, w);
    if (!settings) return 0;
    for (const auto& p : kProfileWords) {
        if (contains(n, p.word)) return p.bit;
    }
    return 0;
}

ProfileKey profile_key(std::string_view key) {
    std::string n = normalize(key, true);
    for (auto k : kStateKeys) {
        if (n == normalize(k, true)) return ProfileKey::state;
    }
    for (auto k : kPolicyKeys) {
        if (n == normalize(k, true)) return ProfileKey::policy;
    }
    return ProfileKey::other;
}

bool is_ok_line(std::string_view line) {
    return normalize(line, false) == "ok.";
}

bool is_no_rules_line(std::string_view line) {
    std::string n = normalize(line, false);
    for (auto t : kNoRules) {
        if (n == normalize(t, false)) return true;
    }
    return false;
}

}  // namespace flowgap::parsers::netsh
