#include "analysis/rule.hpp"

namespace flowgap::analysis {

std::string_view to_string(Action a) {
    switch (a) {
        case Action::allow: return "allow";
        case Action::block: return "block";
        case Action::unknown: return "unknown";
    }
    return "unknown";
}

std::string_view to_string(Direction d) {
    switch (d) {
        case Direction::inbound: return "inbound";
        case Direction::outbound: return "outbound";
        case Direction::transit: return "transit";
    }
    return "transit";
}

}  // namespace flowgap::analysis
