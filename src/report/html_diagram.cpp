// The HTML report's deployment diagram: each Tanium role a node, each required flow an arrow in
// its end-to-end verdict's color with one badge per firewall it crosses, in that firewall's
// verdict color. Inline SVG with a fixed layout, so the same audit draws the same bytes.
#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "src/report/html.hpp"
#include "src/report/items.hpp"

namespace flowgap::report {

using namespace flowgap::analysis;

namespace {

constexpr double kWidth = 1000, kBoxW = 180, kBoxH = 54, kRowGap = 230, kTop = 120;

struct Node {
    std::string role;
    double x = 0, y = 0;  // center
};

// Columns by where a role sits in a Tanium deployment: who connects in, the Tanium hosts, and
// what they connect out to. Unknown roles go right.
int column_of(std::string_view role) {
    for (auto r : {"endpoints", "internet_endpoints", "console", "admin", "snmp"}) {
        if (role == r) return 0;
    }
    for (auto r : {"server", "appliances", "zone_hub", "module_server", "zone_server"}) {
        if (role == r) return 1;
    }
    return 2;
}

std::string display_name(std::string_view role) {
    static const std::map<std::string_view, std::string_view> names = {
        {"server", "Tanium Server"},
        {"module_server", "Module Server"},
        {"database", "Database"},
        {"console", "Console users"},
        {"endpoints", "Endpoints"},
        {"internet", "Internet"},
        {"zone_server", "Zone Server"},
        {"zone_hub", "Zone Server Hub"},
        {"appliances", "Tanium Appliances"},
        {"admin", "Administrators"},
        {"internet_endpoints", "Internet endpoints"},
        {"dns", "DNS"},
        {"ntp", "NTP"},
        {"ldap", "LDAP"},
        {"syslog", "Syslog"},
        {"snmp", "SNMP manager"},
        {"idrac", "iDRAC"}};
    auto it = names.find(role);
    return std::string(it == names.end() ? role : it->second);
}

std::string addresses_of(const Deployment& d, std::string_view role) {
    AddressSet a =
        role == "appliances" ? d.role("server") | d.role("module_server") : d.role(std::string(role));
    bool internet = role == "internet" || role == "internet_endpoints";
    if (internet && !d.declares(std::string(role))) return "public internet";
    auto cidrs = a.cidrs();
    if (cidrs.empty()) return "";
    if (cidrs.size() == 1) return cidrs[0];
    return fmt::format("{} +{}", cidrs[0], cidrs.size() - 1);
}

std::vector<const Flow*> drawn_flows(const Report& r) {
    std::vector<const Flow*> out;
    for (const auto& f : r.audit.flows) {
        if (f.entry->level == Level::required) out.push_back(&f);
    }
    return out;
}

std::vector<Node> layout(const std::vector<const Flow*>& flows, double& height) {
    std::vector<Node> nodes;
    auto add = [&](std::string_view role) {
        for (const auto& n : nodes) {
            if (n.role == role) return;
        }
        nodes.push_back(Node{std::string(role), 0, 0});
    };
    for (const Flow* f : flows) {
        add(f->entry->from);
        add(f->entry->to);
    }
    std::array<std::vector<Node*>, 3> columns;
    for (auto& n : nodes)
        columns[static_cast<size_t>(column_of(n.role))].push_back(&n);
    size_t rows = 1;
    for (const auto& c : columns)
        rows = std::max(rows, c.size());
    height = kTop + static_cast<double>(rows - 1) * kRowGap + kBoxH / 2 + 50;
    for (size_t c = 0; c < 3; ++c) {
        double offset = static_cast<double>(rows - columns[c].size()) * kRowGap / 2;
        for (size_t i = 0; i < columns[c].size(); ++i) {
            columns[c][i]->x = 130 + static_cast<double>(c) * 370;
            columns[c][i]->y = kTop + offset + static_cast<double>(i) * kRowGap;
        }
    }
    return nodes;
}

const Node& node(const std::vector<Node>& nodes, std::string_view role) {
    for (const auto& n : nodes) {
        if (n.role == role) return n;
    }
    return nodes.front();
}

struct Point {
    double x, y;
};

// Where a line from a box's center toward `toward` leaves the box, plus a gap for the arrowhead.
Point clip(const Node& n, Point toward, double gap) {
    double dx = toward.x - n.x, dy = toward.y - n.y;
    double len = std::hypot(dx, dy);
    if (len < 1e-9) return {n.x, n.y};
    double t =
        std::min(dx == 0 ? 1e9 : (kBoxW / 2) / std::abs(dx), dy == 0 ? 1e9 : (kBoxH / 2) / std::abs(dy));
    return {n.x + dx * t + dx / len * gap, n.y + dy * t + dy / len * gap};
}

std::string verdict_at(const Report& r, const Flow& f, size_t fi) {
    for (const auto& res : r.audit.results) {
        if (&r.audit.flows[res.flow] == &f && res.firewall == fi) return std::string(to_string(res.verdict));
    }
    return "not-applicable";
}

const EndToEnd& end_to_end_of(const Report& r, const Flow& f) {
    for (const auto& e : r.audit.end_to_end) {
        if (&r.audit.flows[e.flow] == &f) return e;
    }
    return r.audit.end_to_end.front();
}

using Badges = std::vector<std::pair<std::string, std::string>>;  // firewall, its verdict

Badges badges_of(const Report& r, const Flow& f) {
    Badges out;
    for (size_t fi : end_to_end_of(r, f).firewalls)
        out.emplace_back(firewall_name(r, fi), verdict_at(r, f, fi));
    if (out.empty()) out.emplace_back("no audited firewall", "not-applicable");
    return out;
}

double badges_width(const Badges& badges) {
    double width = -4;
    for (const auto& [name, verdict] : badges)
        width += 12 + 5.6 * static_cast<double>(name.size()) + 4;
    return width;
}

// A label's footprint around its anchor: the id above, the badges below.
struct Box {
    double left, top, right, bottom;
    bool overlaps(const Box& o) const {
        return left < o.right && o.left < right && top < o.bottom && o.top < bottom;
    }
};

Box label_box(const Report& r, const Flow& f, Point at) {
    double w = std::max(7.0 * static_cast<double>(f.entry->id.size()), badges_width(badges_of(r, f))) + 8;
    return {at.x - w / 2, at.y - 22, at.x + w / 2, at.y + 24};
}

// The flow's label at `at`: its id, then a badge per firewall it crosses.
void write_label(std::ostream& out, const Report& r, const Flow& f, Point at) {
    fmt::print(out, "<text class=\"flow-label\" x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n", at.x, at.y - 6,
               escape_markup(f.entry->id));
    Badges badges = badges_of(r, f);
    double x = at.x - badges_width(badges) / 2;
    for (const auto& [name, verdict] : badges) {
        double w = 12 + 5.6 * static_cast<double>(name.size());
        fmt::print(
            out,
            "<g class=\"badge fw-scoped\" data-firewall=\"{0}\"><title>{0}: {1}</title>"
            "<rect class=\"v-{1}\" x=\"{2:.1f}\" y=\"{3:.1f}\" width=\"{4:.1f}\" height=\"15\" rx=\"7.5\"/>"
            "<text x=\"{5:.1f}\" y=\"{6:.1f}\">{0}</text></g>\n",
            escape_markup(name), escape_markup(verdict), x, at.y + 5, w, x + w / 2, at.y + 16);
        x += w + 4;
    }
}

double overlap(const Box& a, const Box& b) {
    double w = std::min(a.right, b.right) - std::max(a.left, b.left);
    double h = std::min(a.bottom, b.bottom) - std::max(a.top, b.top);
    return w > 0 && h > 0 ? w * h : 0;
}

// Along the curve, the spot nearest the middle where the label covers no other label and no
// node, else the one covering least; deterministic, so the same audit draws the same picture.
Point place_label(const Report& r, const Flow& f, Point p, Point c, Point q, const std::vector<Node>& nodes,
                  std::vector<Box>& placed) {
    auto at = [&](double t) {
        double u = 1 - t;
        return Point{u * u * p.x + 2 * u * t * c.x + t * t * q.x,
                     u * u * p.y + 2 * u * t * c.y + t * t * q.y};
    };
    std::vector<Box> obstacles = placed;
    for (const auto& n : nodes)
        obstacles.push_back({n.x - kBoxW / 2, n.y - kBoxH / 2, n.x + kBoxW / 2, n.y + kBoxH / 2});
    double best_t = 0.5, best = -1;
    for (double t : {0.5, 0.44, 0.56, 0.38, 0.62, 0.32, 0.68, 0.26, 0.74, 0.2, 0.8}) {
        Box box = label_box(r, f, at(t));
        double covered = 0;
        for (const auto& o : obstacles)
            covered += overlap(box, o);
        if (best < 0 || covered < best) {
            best = covered;
            best_t = t;
        }
        if (covered == 0) break;
    }
    placed.push_back(label_box(r, f, at(best_t)));
    return at(best_t);
}

void write_arrow(std::ostream& out, const Report& r, const Flow& f, const std::vector<Node>& nodes,
                 double bend, std::vector<Box>& placed) {
    const EndToEnd& e = end_to_end_of(r, f);
    std::string verdict(to_string(e.verdict));
    std::string markers =
        fmt::format(" marker-end=\"url(#head-{0})\"{1}", verdict,
                    f.entry->both_ways ? fmt::format(" marker-start=\"url(#head-{})\"", verdict) : "");
    const Node& a = node(nodes, f.entry->from);
    const Node& b = node(nodes, f.entry->to);
    if (&a == &b) {  // peers within one role: a loop over the node
        double top = a.y - kBoxH / 2;
        fmt::print(
            out,
            "<path class=\"flow e-{}\" d=\"M{:.1f},{:.1f} C{:.1f},{:.1f} {:.1f},{:.1f} {:.1f},{:.1f}\"{}/>\n",
            verdict, a.x - 40, top - 4, a.x - 80, top - 70, a.x + 80, top - 70, a.x + 40, top - 4, markers);
        placed.push_back(label_box(r, f, {a.x, top - 72}));
        write_label(out, r, f, {a.x, top - 72});
        return;
    }
    Point mid{(a.x + b.x) / 2, (a.y + b.y) / 2};
    double dx = b.x - a.x, dy = b.y - a.y, len = std::hypot(dx, dy);
    Point control{mid.x - dy / len * bend, mid.y + dx / len * bend};
    Point p = clip(a, control, 4), q = clip(b, control, 6);
    fmt::print(out, "<path class=\"flow e-{}\" d=\"M{:.1f},{:.1f} Q{:.1f},{:.1f} {:.1f},{:.1f}\"{}/>\n",
               verdict, p.x, p.y, control.x, control.y, q.x, q.y, markers);
    write_label(out, r, f, place_label(r, f, p, control, q, nodes, placed));
}

void write_node(std::ostream& out, const Deployment& d, const Node& n) {
    fmt::print(out,
               "<g class=\"node\"><rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{}\" height=\"{}\" rx=\"8\"/>"
               "<text class=\"node-name\" x=\"{:.1f}\" y=\"{:.1f}\">{}</text>"
               "<text class=\"node-addr\" x=\"{:.1f}\" y=\"{:.1f}\">{}</text></g>\n",
               n.x - kBoxW / 2, n.y - kBoxH / 2, kBoxW, kBoxH, n.x, n.y - 4,
               escape_markup(display_name(n.role)), n.x, n.y + 14, escape_markup(addresses_of(d, n.role)));
}

}  // namespace

void write_html_diagram(std::ostream& out, const Report& r) {
    std::vector<const Flow*> flows = drawn_flows(r);
    double height = 0;
    std::vector<Node> nodes = layout(flows, height);
    if (nodes.empty()) return;
    fmt::print(out,
               "<svg class=\"diagram\" viewBox=\"0 0 {} {:.0f}\" role=\"img\" "
               "aria-label=\"Tanium roles and the required flows between them\">\n<defs>",
               kWidth, height);
    for (auto v : {"allowed", "blocked", "partial", "conditional", "not-applicable"}) {
        fmt::print(out,
                   "<marker id=\"head-{0}\" viewBox=\"0 0 10 10\" refX=\"8\" refY=\"5\" markerWidth=\"7\" "
                   "markerHeight=\"7\" orient=\"auto-start-reverse\"><path class=\"v-{0}\" d=\"M0,0 L10,5 "
                   "L0,10 z\"/>"
                   "</marker>",
                   v);
    }
    fmt::print(out, "</defs>\n");
    // Flows between the same two roles bend apart so that neither hides the other.
    std::map<std::pair<std::string, std::string>, int> seen;
    std::vector<Box> placed;
    for (const Flow* f : flows) {
        std::string a(f->entry->from), b(f->entry->to);
        // A reverse flow's perpendicular flips by itself, so it bends to the other side.
        int& k = seen[{std::min(a, b), std::max(a, b)}];
        double bend = (column_of(a) == column_of(b) ? 110.0 : 28.0) + 40.0 * k;  // stacked roles: go around
        ++k;
        write_arrow(out, r, *f, nodes, bend, placed);
    }
    for (const auto& n : nodes)
        write_node(out, r.deployment, n);
    fmt::print(out, "</svg>\n");
}

}  // namespace flowgap::report
