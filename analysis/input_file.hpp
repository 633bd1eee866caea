// The one way flowgap reads a file it was given (a config export, the deployment, waivers, a
// saved report): only a regular file, its size checked before a byte is read, opened so that a
// FIFO cannot block the open, and every refusal located at the file (exit 2). A directory, a
// device or a FIFO named as input is a mistake to report, not something to wait on or read
// without end.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace flowgap::analysis {

// The largest input file flowgap reads. Real exports reach tens of megabytes; past this a file
// is refused before it is read rather than held in memory whole.
inline constexpr std::uint64_t kMaxInputFileBytes = std::uint64_t{1} << 30;  // 1 GiB

// The whole content of the regular file `path`; `name` is what errors call it. `what` names it
// when it cannot be opened ("cannot open the deployment file"). Throws InputError.
std::string read_input_file(const std::string& path, const std::shared_ptr<const std::string>& name,
                            const std::string& what);

}  // namespace flowgap::analysis
