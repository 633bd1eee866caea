// PowerShell's default rendering of Get-NetFirewallRule (and Get-NetFirewallProfile) objects:
//
//   DisplayName : Wi-Fi Direct Spooler Use (Out)
//   Direction   : Outbound
//   Action      : Allow
//   Enabled     : True
//   Profile     : Public
//
// one record per object, records separated by blank lines, values wider than the console
// continued on lines indented to the value column. Property names and enum values are not
// localized. Each record becomes the same property object the JSON export gives, so one reader
// (json.cpp) interprets both. Get-NetFirewallRule shows no address, port or program filter:
// a rule read here is marked filters_unknown and its packets become conditional.
#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include "parsers/netsh/readers.hpp"
#include "parsers/netsh/text.hpp"

namespace flowgap::parsers::netsh {

namespace {

using nlohmann::json;

constexpr size_t kMaxGarbageWarnings = 20;

// `Name   : value`: the property name is one word of letters and digits.
bool split_property(std::string_view line, std::string_view& name, std::string_view& value) {
    size_t colon = line.find(" :");
    if (colon == std::string_view::npos || colon == 0) return false;
    name = trim(line.substr(0, colon));
    for (char c : name) {
        bool word = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        if (!word) return false;
    }
    value = trim(line.substr(colon + 2));
    return !name.empty();
}

class FormatListReader {
  public:
    FormatListReader(std::string_view text, Collected& out) : lines_(split_lines(text)), out_(out) {}

    void run() {
        for (size_t i = 0; i < lines_.size(); ++i) {
            std::string_view line = lines_[i];
            if (trim(line).empty()) {
                close();
                continue;
            }
            if (is_blank(line[0]) && last_) {  // a wrapped value goes on where the line broke
                record_[*last_] = record_[*last_].get<std::string>() + std::string(trim(line));
                end_ = i;
                continue;
            }
            std::string_view name, value;
            if (!split_property(line, name, value)) {
                garbage(i);
                continue;
            }
            if (record_.empty()) start_ = i;
            end_ = i;
            last_ = std::string(name);
            record_[*last_] = std::string(value);
        }
        close();
        if (garbage_ > kMaxGarbageWarnings)
            out_.warn(0, fmt::format("{} more lines not understood", garbage_ - kMaxGarbageWarnings));
        if (odd_ > kMaxGarbageWarnings)
            out_.warn(0, fmt::format("{} more records skipped", odd_ - kMaxGarbageWarnings));
    }

  private:
    uint32_t number(size_t i) const { return static_cast<uint32_t>(i + 1); }

    void garbage(size_t i) {
        close();
        if (++garbage_ <= kMaxGarbageWarnings)
            out_.warn(number(i), fmt::format("not a `Property : value` line, ignored: '{}'",
                                             trim(lines_[i]).substr(0, 80)));
    }

    // Records flowgap cannot use: the first few warned about where they are, then a count.
    void odd(size_t i, std::string_view why) {
        if (++odd_ <= kMaxGarbageWarnings) out_.warn(number(i), std::string(why));
    }

    void close() {
        if (record_.empty()) return;
        const char* first = lines_[start_].data();
        std::string_view text(first, static_cast<size_t>(lines_[end_].data() + lines_[end_].size() - first));
        if (record_.contains("DefaultInboundAction")) {
            read_json_profile(record_, number(start_), out_);
        } else if (!record_.contains("DisplayName") && !record_.contains("Direction")) {
            odd(start_,
                "a record that is neither a firewall rule (DisplayName, Direction, Action) nor a profile "
                "(DefaultInboundAction); ignored");
        } else if (!record_.contains("Direction") || !record_.contains("Action")) {
            ++out_.skipped;  // a selection such as `Format-List DisplayName,Enabled`: one warning per record
            odd(start_,
                "a rule record without Direction or Action (left out of the Format-List selection?); "
                "skipped");
        } else {
            size_t before = out_.rules.size();
            read_json_rule(record_, number(start_), text, out_);
            if (out_.rules.size() > before) mark(out_.rules.back());
            if (!out_.format_list_line) out_.format_list_line = number(start_);
        }
        record_ = json::object();
        last_.reset();
    }

    static void mark(RawRule& r) {
        r.filters_unknown = true;
        r.conditions.push_back(
            "its address, port, protocol and program filters (which Get-NetFirewallRule does not list) match "
            "the packets");
    }

    std::vector<std::string_view> lines_;
    Collected& out_;
    json record_ = json::object();
    std::optional<std::string> last_;
    size_t start_ = 0, end_ = 0;
    size_t garbage_ = 0;
    size_t odd_ = 0;
};

}  // namespace

void read_format_list(std::string_view text, Collected& out) {
    FormatListReader(text, out).run();
}

}  // namespace flowgap::parsers::netsh
