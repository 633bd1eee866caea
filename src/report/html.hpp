// Parts of the HTML report shared between its files.
#pragma once

#include <ostream>

#include "src/report/report.hpp"

namespace flowgap::report {

// The deployment diagram as inline SVG (nothing when no required flow applies).
void write_html_diagram(std::ostream& out, const Report& r);

}  // namespace flowgap::report
