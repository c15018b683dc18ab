// The work pool's bounds: jobs and queued bytes, and that stop() runs what was queued.
#include <catch2/catch.hpp>

#include <atomic>
#include <future>

#include <sys/resource.h>
#include <unistd.h>

#include "adapters/http/work_pool.hpp"

using authd::http::work_pool;

TEST_CASE("the queue refuses jobs past its count and its bytes, and takes more once they start", "[work_pool]") {
    work_pool pool("test", 1, 3, 1000);
    std::promise<void> release;
    auto gate = release.get_future().share();
    std::promise<void> started;
    REQUIRE(pool.try_post([&] {
        started.set_value();
        gate.wait();
    }));
    started.get_future().wait();  // the one thread is busy: what follows stays queued
    std::atomic<int> ran{0};
    CHECK(pool.try_post([&] { ++ran; }, 600));
    CHECK_FALSE(pool.try_post([&] { ++ran; }, 401));  // 600 + 401 bytes > 1000
    CHECK(pool.try_post([&] { ++ran; }, 400));        // exactly 1000
    CHECK(pool.try_post([&] { ++ran; }, 0));          // the third job: no bytes left, none needed
    CHECK_FALSE(pool.try_post([&] { ++ran; }, 0));    // a fourth is over the count
    CHECK(pool.queued() == 3);
    release.set_value();
    pool.stop();  // finishes what was queued
    CHECK(ran == 3);
    CHECK_FALSE(pool.try_post([] {}));  // stopped
}

TEST_CASE("a pool's threads run at the niceness it was given, and the rest of the process keeps its own",
          "[work_pool]") {
    const int own = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
    work_pool pool("test", 1, 4, 1000, 10);
    std::promise<int> seen;
    REQUIRE(pool.try_post([&] { seen.set_value(getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()))); }));
    CHECK(seen.get_future().get() == std::min(own + 10, 19));
    CHECK(getpriority(PRIO_PROCESS, static_cast<id_t>(gettid())) == own);
}
