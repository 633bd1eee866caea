// One configuration file as the parsers receive it: the name locations use, and its bytes.
#pragma once

#include <memory>
#include <string>

namespace flowgap::parsers {

struct Input {
    std::shared_ptr<const std::string> path;
    std::shared_ptr<const std::string> content;
};

}  // namespace flowgap::parsers
