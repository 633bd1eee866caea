// The limits behind serve's 503 answers: audit slots and the job store.
#include <catch2/catch.hpp>

#include "src/serve/jobs.hpp"

using flowgap::serve::AuditSlots;
using flowgap::serve::Job;
using flowgap::serve::JobStore;

TEST_CASE("audit slots: a request waits for a free slot, and gives up after the wait", "[serve]") {
    AuditSlots slots(2, std::chrono::seconds(0));
    auto first = slots.acquire();
    auto second = slots.acquire();
    REQUIRE(first);
    REQUIRE(second);
    CHECK_FALSE(slots.acquire());  // serve answers 503 here
    second.reset();                // the lease ends with its audit
    auto third = slots.acquire();
    CHECK(third);
    CHECK_FALSE(slots.acquire());
}

TEST_CASE("job store: full of unfinished jobs it refuses, else it drops the oldest finished", "[serve]") {
    JobStore store(2);
    std::string a, b, c;
    auto job_a = store.create(Job::audit, a);
    auto job_b = store.create(Job::diff, b);
    REQUIRE(job_a);
    REQUIRE(job_b);
    CHECK(a.size() == 32);
    CHECK(a != b);
    CHECK_FALSE(store.create(Job::audit, c));  // serve answers 503 here
    {
        std::lock_guard lock(job_a->mutex);
        job_a->s.state = "done";
    }
    auto job_c = store.create(Job::audit, c);
    REQUIRE(job_c);
    CHECK_FALSE(store.find(a));  // the finished one made room
    CHECK(store.find(b) == job_b);
    CHECK(store.find(c) == job_c);
}
