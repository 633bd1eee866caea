#include "src/report/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <set>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "analysis/diagnostic.hpp"

namespace flowgap::report {

namespace {

namespace fs = std::filesystem;

[[noreturn]] void cannot_write(const std::string& path, const std::string& why) {
    analysis::InputError::raise_at(path, "cannot write the report: " + why);
}

std::string errno_text(int err) {
    return std::error_code(err, std::generic_category()).message();
}

// Writes all of `text` to `fd`; false (errno set) when the system refuses part of it (a full
// disk, a closed pipe).
bool write_all(int fd, const std::string& text) {
    size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<size_t>(n);
    }
    return true;
}

// How a target is written. A regular file, or a name where nothing is yet, is replaced whole
// (a temp file beside it, then a rename) so a reader never sees half a report. Anything else
// that exists (a character device such as /dev/null or /dev/full, a FIFO, a terminal) is written
// in place: renaming a file over it would replace the device itself.
enum class Kind { replace, in_place };

// Symbolic links are followed deliberately only to what cannot be replaced (so /dev/stdout, a
// link to the process's own descriptor, works). A link to a regular file, or a dangling one, is
// refused: replacing it would either swap the link for a file or write wherever a planted link
// points, and flowgap does neither silently.
Kind kind_of(const std::string& path) {
    struct stat own {};
    if (::lstat(path.c_str(), &own) != 0) {
        if (errno == ENOENT) return Kind::replace;
        cannot_write(path, errno_text(errno));
    }
    struct stat seen = own;
    if (S_ISLNK(own.st_mode) && ::stat(path.c_str(), &seen) != 0)
        cannot_write(path, "it is a symbolic link to nothing; give the path the report should have");
    if (S_ISDIR(seen.st_mode)) cannot_write(path, "it is a directory, not a file");
    if (!S_ISREG(seen.st_mode)) return Kind::in_place;
    if (S_ISLNK(own.st_mode))
        cannot_write(path,
                     "it is a symbolic link; flowgap replaces report files and will not do so "
                     "through a link, so give the path of the file itself");
    return Kind::replace;
}

// The permissions a new report gets: those of the file it replaces, or what the umask leaves
// of rw-rw-rw- (as the stream it replaced created them).
mode_t mode_for(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) return st.st_mode & 07777;
    mode_t mask = ::umask(0);
    ::umask(mask);
    return 0666 & ~mask;
}

// A temp file beside `path`, created exclusively (mkstemp opens with O_CREAT|O_EXCL, so nothing
// planted at its name, a symlink included, can receive the report), holding `text`.
std::string stage(const std::string& path, const std::string& text) {
    fs::path target(path);
    fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::string tmpl = (dir / ("." + target.filename().string() + ".flowgap-XXXXXX")).string();
    int fd = ::mkostemp(tmpl.data(), O_CLOEXEC);
    if (fd < 0) cannot_write(path, errno_text(errno));
    bool ok = ::fchmod(fd, mode_for(path)) == 0 && write_all(fd, text);
    int err = errno;
    if (::close(fd) != 0 && ok) {
        ok = false;
        err = errno;
    }
    if (!ok) {
        ::unlink(tmpl.c_str());
        cannot_write(path, errno_text(err));
    }
    return tmpl;
}

void write_in_place(const std::string& path, const std::string& text) {
    int fd = ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) cannot_write(path, errno_text(errno));
    bool ok = write_all(fd, text);
    int err = errno;
    if (::close(fd) != 0 && ok) {
        ok = false;
        err = errno;
    }
    if (!ok) cannot_write(path, errno_text(err));
}

}  // namespace

void add_format_options(CLI::App* cmd, std::vector<std::string>& formats, std::vector<std::string>& outputs,
                        const std::vector<std::string>& allowed) {
    cmd->add_option("--format", formats, "Output format, repeatable with one --output each")
        ->check(CLI::IsMember(allowed))
        ->take_all()
        ->allow_extra_args(false);
    cmd->add_option("-o,--output", outputs, "Write the report of the matching --format to this file")
        ->type_name("FILE")
        ->take_all()
        ->allow_extra_args(false);
}

std::vector<ReportTarget> report_targets(const std::vector<std::string>& formats_given,
                                         const std::vector<std::string>& outputs) {
    std::vector<std::string> formats =
        formats_given.empty() ? std::vector<std::string>{"text"} : formats_given;
    std::vector<ReportTarget> out;
    if (outputs.empty() && formats.size() == 1) return {ReportTarget{formats[0], "", ""}};
    if (outputs.size() != formats.size()) {
        analysis::InputError::raise_at(
            "command line", fmt::format("give each --format its own --output ({} formats, {} outputs); "
                                        "only a single format may go to standard output",
                                        formats.size(), outputs.size()));
    }
    std::set<std::string> seen;
    for (size_t i = 0; i < formats.size(); ++i) {
        if (!seen.insert(outputs[i]).second)
            analysis::InputError::raise_at("command line", "--output '" + outputs[i] + "' given twice");
        // "-" is standard output, so that one format can go to the terminal beside report files.
        out.push_back(ReportTarget{formats[i], outputs[i] == "-" ? "" : outputs[i], ""});
    }
    return out;
}

void write_report_targets(const std::vector<ReportTarget>& all) {
    std::vector<std::pair<std::string, std::string>> staged;  // temp file, target
    std::vector<const ReportTarget*> in_place;
    auto discard = [&] {
        for (const auto& st : staged)
            ::unlink(st.first.c_str());
    };
    try {
        for (const auto& t : all) {
            if (t.path.empty()) continue;
            if (kind_of(t.path) == Kind::in_place) {
                in_place.push_back(&t);
            } else {
                staged.emplace_back(stage(t.path, t.rendered), t.path);
            }
        }
        // Devices before renames: a device that refuses its report (/dev/full) leaves every
        // report file as it was.
        for (const ReportTarget* t : in_place)
            write_in_place(t->path, t->rendered);
    } catch (...) {
        discard();
        throw;
    }
    for (size_t i = 0; i < staged.size(); ++i) {
        if (::rename(staged[i].first.c_str(), staged[i].second.c_str()) != 0) {
            int err = errno;
            for (size_t j = i; j < staged.size(); ++j)
                ::unlink(staged[j].first.c_str());
            cannot_write(staged[i].second, errno_text(err));
        }
    }
    for (const auto& t : all) {
        if (!t.path.empty()) continue;
        std::cout << t.rendered << std::flush;
        if (!std::cout) analysis::InputError::raise_at("standard output", "cannot write the report");
    }
}

std::string utc_now() {
    std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    gmtime_r(&now, &utc);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return buf;
}

}  // namespace flowgap::report
