#include "src/serve/jobs.hpp"

#include <random>

#include <fmt/format.h>

namespace flowgap::serve {

std::string random_hex() {
    std::random_device random;
    std::string id;
    for (int i = 0; i < 4; ++i)
        id += fmt::format("{:08x}", random());
    return id;
}

namespace {

constexpr std::chrono::hours keep_for{1};

bool finished(const JobEntry& j) {
    std::lock_guard lock(j.mutex);
    return j.s.state == "done" || j.s.state == "failed";
}

}  // namespace

void JobStore::expire(std::chrono::steady_clock::time_point now) {
    for (auto it = jobs_.begin(); it != jobs_.end();) {
        if (now - it->second->created > keep_for && finished(*it->second)) {
            it = jobs_.erase(it);
        } else {
            ++it;
        }
    }
}

std::shared_ptr<JobEntry> JobStore::create(Job kind, std::string& id) {
    auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex_);
    expire(now);
    if (jobs_.size() >= capacity_) {  // make room by dropping the oldest finished job
        auto oldest = jobs_.end();
        for (auto it = jobs_.begin(); it != jobs_.end(); ++it)
            if (finished(*it->second) &&
                (oldest == jobs_.end() || it->second->created < oldest->second->created))
                oldest = it;
        if (oldest == jobs_.end()) return nullptr;
        jobs_.erase(oldest);
    }
    auto job = std::make_shared<JobEntry>();
    job->kind = kind;
    job->created = now;
    id = random_hex();
    jobs_[id] = job;
    return job;
}

std::shared_ptr<JobEntry> JobStore::find(const std::string& id) {
    std::lock_guard lock(mutex_);
    auto it = jobs_.find(id);
    return it == jobs_.end() ? nullptr : it->second;
}

}  // namespace flowgap::serve
