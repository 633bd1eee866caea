#include "analysis/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include <fmt/format.h>

#include "analysis/diagnostic.hpp"

namespace flowgap::analysis {

namespace {

// Large exports fill tens of megabytes, which the kernel otherwise maps one 4 KB page fault at
// a time: on a 32 MB iptables dump those faults cost more than reading the file. Transparent
// huge pages (where the system offers them on request) need one fault per 2 MB. Only a hint.
void ask_for_huge_pages(char* data, size_t size) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr uintptr_t kHuge = uintptr_t{2} << 20;
    uintptr_t begin = (reinterpret_cast<uintptr_t>(data) + kHuge - 1) & ~(kHuge - 1);
    uintptr_t end = (reinterpret_cast<uintptr_t>(data) + size) & ~(kHuge - 1);
    if (begin < end) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
    (void)data;
    (void)size;
#endif
}

// Closes the descriptor however the read ends.
struct Descriptor {
    int fd;
    ~Descriptor() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace

std::string read_input_file(const std::string& path, const std::shared_ptr<const std::string>& name,
                            const std::string& what) {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer. The type is then
    // checked on the opened descriptor, so nothing can be swapped in between.
    Descriptor in{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)};
    if (in.fd < 0) throw InputError(SourceLocation{name}, "cannot open the " + what);
    struct stat st {};
    if (::fstat(in.fd, &st) != 0) throw InputError(SourceLocation{name}, "cannot read the " + what);
    if (S_ISDIR(st.st_mode)) throw InputError(SourceLocation{name}, "is a directory, not a file");
    if (!S_ISREG(st.st_mode)) throw InputError(SourceLocation{name}, "is not a regular file");
    auto size = static_cast<std::uint64_t>(st.st_size);
    if (size > kMaxInputFileBytes) {
        throw InputError(SourceLocation{name}, fmt::format("is {} bytes, more than the {} flowgap reads",
                                                           size, kMaxInputFileBytes));
    }
    // One string of the file's exact size: a 100 MB export costs 100 MB, not the two or three
    // copies a stringstream makes on the way.
    std::string content;
    content.reserve(static_cast<size_t>(size));
    ask_for_huge_pages(content.data(), content.capacity());
    content.resize(static_cast<size_t>(size));
    size_t done = 0;
    while (done < content.size()) {
        ssize_t n = ::read(in.fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw InputError(SourceLocation{name}, "cannot read the " + what);
        if (n == 0) break;  // the file shrank since fstat: what is there is what is read
        done += static_cast<size_t>(n);
    }
    content.resize(done);
    return content;
}

}  // namespace flowgap::analysis
