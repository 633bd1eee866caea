// netsh listings: blocks of a header line, a dashed line and fields, ended by `Ok.`.
//
// Records are found structurally (a header followed by a dashed line) and fields by their
// label in any known language (vocabulary.cpp), never by column, since padding differs by
// language. Lines that start with blanks continue the previous field (the ICMP type/code rows).
#include <fmt/format.h>

#include "parsers/netsh/readers.hpp"
#include "parsers/netsh/text.hpp"

namespace flowgap::parsers::netsh {

namespace {

constexpr size_t kMaxGarbageWarnings = 20;

bool is_dashes(std::string_view line) {
    line = trim(line);
    return line.size() >= 10 && line.find_first_not_of('-') == std::string_view::npos;
}

class ListingReader {
  public:
    ListingReader(std::string_view text, Collected& out) : lines_(split_lines(text)), out_(out) {}

    void run() {
        for (size_t i = 0; i < lines_.size(); ++i) {
            std::string_view line = lines_[i];
            if (!line.empty() && !is_blank(line[0]) && i + 1 < lines_.size() && is_dashes(lines_[i + 1])) {
                header(i);
                ++i;  // the dashed line
            } else if (trim(line).empty()) {
                continue;
            } else if (is_ok_line(line)) {
                close(i);
                rules_since_ok_ = false;
            } else if (is_no_rules_line(line)) {
                close(i);
                block_ = Block::none;
            } else {
                body(i);
            }
        }
        close(lines_.size());
        finish();
    }

  private:
    enum class Block { none, rule, profile, unknown };

    uint32_t number(size_t i) const { return static_cast<uint32_t>(i + 1); }

    void header(size_t i) {
        close(i);
        std::string_view line = trim(lines_[i]);
        size_t colon = line.find(':');
        if (colon != std::string_view::npos && field_of(line.substr(0, colon)) == Field::rule_name) {
            block_ = Block::rule;
            rule_ = RawRule{};
            rule_.name = std::string(trim(line.substr(colon + 1)));
            rule_.line = number(i);
            start_ = last_ = i;
            rules_since_ok_ = true;
            field_.reset();
            has_action_ = false;
            verbose_ = false;
            return;
        }
        if (unsigned bit = profile_header(line)) {
            block_ = Block::profile;
            profile_ = bit == kDomain ? 0 : bit == kPrivate ? 1 : 2;
            out_.profiles[profile_] = ProfileSettings{};
            out_.profiles[profile_].seen = true;
            out_.profiles[profile_].line = number(i);
            return;
        }
        block_ = Block::unknown;
        out_.warn(number(i), fmt::format("'{}' heads a block that is neither a rule (Rule Name:) nor a "
                                         "profile's settings; the block is skipped (a language flowgap "
                                         "does not know? its words go in parsers/netsh/vocabulary.cpp)",
                                         line));
    }

    void body(size_t i) {
        switch (block_) {
            case Block::rule: rule_line(i); break;
            case Block::profile: profile_line(i); break;
            case Block::unknown: break;
            case Block::none: garbage(i, "a line outside any rule or profile block"); break;
        }
    }

    void garbage(size_t i, std::string_view why) {
        if (++garbage_ <= kMaxGarbageWarnings)
            out_.warn(number(i), fmt::format("{}, ignored: '{}'", why, trim(lines_[i]).substr(0, 80)));
    }

    void rule_line(size_t i) {
        std::string_view line = lines_[i];
        last_ = i;
        if (is_blank(line[0])) return continuation(i);
        size_t colon = line.find(':');
        if (colon == std::string_view::npos)
            return garbage(i, fmt::format("rule '{}': a line without a label", rule_.name));
        std::string_view label = trim(line.substr(0, colon)), value = trim(line.substr(colon + 1));
        field_ = field_of(label);
        if (!field_) {
            out_.warn(number(i), fmt::format("rule '{}': unknown field '{}'", rule_.name, label));
            if (!value.empty() && !value_of(ValueKind::any, value))
                rule_.conditions.push_back(
                    fmt::format("{}: {} (a field flowgap does not know)", label, value));
            return;
        }
        if (*field_ == Field::action) has_action_ = true;
        if (verbose_only(*field_)) verbose_ = true;
        set_rule_field(rule_, *field_, value, number(i), out_);
    }

    // Rows under `Protocol: ICMPv4`: a `Type Code` heading, then `8  Any` per type.
    void continuation(size_t i) {
        std::vector<std::string_view> words;
        for (auto w : split(trim(lines_[i]), ' ')) {
            if (!w.empty()) words.push_back(w);
        }
        if (field_ == Field::protocol && words.size() == 2) {
            bool any_type = value_of(ValueKind::any, words[0]).has_value();
            if (any_type || (words[0][0] >= '0' && words[0][0] <= '9')) {
                std::string code = value_of(ValueKind::any, words[1]) ? "any" : std::string(words[1]);
                rule_.icmp.push_back(fmt::format("{}:{}", any_type ? "any" : words[0], code));
            }
            return;  // the heading
        }
        if (field_ == Field::description || field_ == Field::grouping) return;
        garbage(i, fmt::format("rule '{}': a continuation line not understood", rule_.name));
    }

    void profile_line(size_t i) {
        std::string_view line = trim(lines_[i]);
        size_t gap = line.find("  ");
        if (gap == std::string_view::npos) gap = line.find('\t');
        if (gap == std::string_view::npos) return;  // "Logging:" and other headings
        std::string_view key = line.substr(0, gap), value = trim(line.substr(gap));
        ProfileSettings& p = out_.profiles[profile_];
        switch (profile_key(key)) {
            case ProfileKey::state:
                if (auto v = value_of(ValueKind::state, value)) {
                    p.on = *v == "on";
                    p.state_seen = true;
                } else {
                    out_.warn(number(i),
                              fmt::format("profile state '{}' not understood; assuming ON", value));
                }
                break;
            case ProfileKey::policy: policy(i, value, p); break;
            case ProfileKey::other: break;
        }
    }

    // `BlockInbound,AllowOutbound`: these keywords stay English on localized systems.
    void policy(size_t i, std::string_view value, ProfileSettings& p) {
        auto parts = split(value, ',');
        std::string in = parts.size() == 2 ? lower(parts[0]) : "",
                    out = parts.size() == 2 ? lower(parts[1]) : "";
        bool in_ok = in == "blockinbound" || in == "blockinboundalways" || in == "allowinbound";
        bool out_ok = out == "allowoutbound" || out == "blockoutbound";
        if (in_ok) p.inbound = in;
        if (out_ok) p.outbound = out;
        p.policy_seen = in_ok && out_ok;
        if (!p.policy_seen)
            out_.warn(number(i), fmt::format("firewall policy '{}' not understood (NotConfigured?); assuming "
                                             "Windows' default for the part not understood",
                                             value));
    }

    void close(size_t end) {
        if (block_ != Block::rule) return;
        block_ = Block::none;
        const char* first = lines_[start_].data();
        rule_.text =
            std::string_view(first, static_cast<size_t>(lines_[last_].data() + lines_[last_].size() - first));
        if (!rule_.has_direction || !has_action_) {
            std::string where =
                end < lines_.size() ? fmt::format("line {}", number(end)) : "the end of the file";
            out_.warn(rule_.line,
                      fmt::format("rule '{}' is incomplete (no {} before {}); skipped", rule_.name,
                                  rule_.has_direction ? "Action" : "Direction", where));
            ++out_.skipped;
            return;
        }
        if (!verbose_) plain(rule_);
        out_.rules.push_back(std::move(rule_));
    }

    // Fields netsh prints only with `verbose`: a record without any of them is from a plain listing.
    static bool verbose_only(Field f) {
        return f == Field::program || f == Field::service || f == Field::interface_types ||
               f == Field::security || f == Field::rule_source;
    }

    // A plain listing hides the program, service and app package (Store apps, Widgets, games) a
    // rule is scoped to: such a rule reads `Any` and would pass Tanium's packets, although on the
    // host it only passes its own program's. So it matches them only possibly, allow or block.
    void plain(RawRule& r) {
        r.conditions.push_back(
            "the rule is not limited to another program, service or app package (a listing without "
            "`verbose` does not show them)");
        if (!plain_line_) plain_line_ = r.line;
        if (r.enabled) ++plain_enabled_;
    }

    void finish() {
        if (plain_enabled_)
            out_.warn(
                plain_line_,
                fmt::format("this listing (`show rule` without `verbose`) does not show the program, "
                            "service or app package a rule is scoped to: the packets its {} enabled rule{} "
                            "could match are conditional, never allowed. Export with `netsh advfirewall "
                            "firewall show rule name=all verbose`",
                            plain_enabled_, plain_enabled_ == 1 ? "" : "s"));
        if (garbage_ > kMaxGarbageWarnings)
            out_.warn(0, fmt::format("{} more lines not understood", garbage_ - kMaxGarbageWarnings));
        if (rules_since_ok_)
            out_.warn(static_cast<uint32_t>(lines_.size()),
                      "the listing does not end with 'Ok.': it may be truncated");
    }

    std::vector<std::string_view> lines_;
    Collected& out_;
    Block block_ = Block::none;
    RawRule rule_;
    size_t start_ = 0, last_ = 0;
    std::optional<Field> field_;
    bool has_action_ = false;
    bool verbose_ = false;  // the record shows a field only `verbose` prints
    uint32_t plain_line_ = 0;
    size_t plain_enabled_ = 0;
    size_t profile_ = 0;
    size_t garbage_ = 0;
    bool rules_since_ok_ = false;
};

}  // namespace

void read_listing(std::string_view text, Collected& out) {
    ListingReader(text, out).run();
}

}  // namespace flowgap::parsers::netsh
