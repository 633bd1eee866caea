// The audits `flowgap serve` runs: a limit on how many run at once, and the jobs the page starts
// and then polls for progress.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <semaphore>
#include <string>

#include <nlohmann/json.hpp>

#include "src/serve/uploads.hpp"

namespace flowgap::serve {

// 32 random hex digits: a job's id (all that guards its reports when the server runs without a
// token) and the script nonce of a page or report.
std::string random_hex();

// At most N audits at once; the others wait their turn, up to a timeout (then the server
// answers 503). Parsing a 100 MB export takes a core and a few times its size in memory, so
// running more than the cores at once only makes every user wait longer.
class AuditSlots {
  public:
    AuditSlots(size_t slots, std::chrono::seconds wait)
        : free_(static_cast<std::ptrdiff_t>(slots)), wait_(wait) {}
    // Holds one slot while it lives.
    class Lease {
      public:
        explicit Lease(AuditSlots* owner) : owner_(owner) {}
        Lease(Lease&& o) noexcept : owner_(std::exchange(o.owner_, nullptr)) {}
        Lease& operator=(Lease&&) = delete;
        ~Lease() {
            if (owner_) owner_->free_.release();
        }

      private:
        AuditSlots* owner_;
    };
    std::optional<Lease> acquire() {
        if (!free_.try_acquire_for(wait_)) return std::nullopt;
        return Lease(this);
    }

  private:
    std::counting_semaphore<> free_;
    std::chrono::seconds wait_;
};

// One audit or diff the page started. Everything but the id is behind the mutex: the worker
// writes, the page's polls read.
struct JobState {
    std::string state = "queued";  // queued | running | done | failed
    std::string stage = "waiting for a free audit slot";
    size_t step = 0, steps = 0;
    Outcome outcome;
    nlohmann::json error;  // failed: {"message", "location", ...}
};

struct JobEntry {
    Job kind = Job::audit;
    std::chrono::steady_clock::time_point created;
    mutable std::mutex mutex;
    JobState s;
};

// Finished jobs are kept for an hour for their reports; at most `capacity` jobs exist at once.
class JobStore {
  public:
    explicit JobStore(size_t capacity) : capacity_(capacity) {}
    // A new job, or null when the store is full of jobs still running.
    std::shared_ptr<JobEntry> create(Job kind, std::string& id);
    std::shared_ptr<JobEntry> find(const std::string& id);

  private:
    void expire(std::chrono::steady_clock::time_point now);
    std::mutex mutex_;
    size_t capacity_;
    std::map<std::string, std::shared_ptr<JobEntry>> jobs_;
};

}  // namespace flowgap::serve
