// Work a request leaves for after its answer: it waits until run, runs in order, survives a job that throws, and is
// never dropped when the queue is full.
#include <catch2/catch.hpp>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "app/deferred_work.hpp"

using authd::app::deferred_work;

namespace {
constexpr std::chrono::milliseconds no_thread{0};  // run_all() runs the jobs, on this thread
}

TEST_CASE("posted work waits for its run, then runs in the order it came", "[app][deferred]") {
    deferred_work work(8, no_thread);
    std::vector<int> ran;
    work.post([&] { ran.push_back(1); });
    work.post([&] { ran.push_back(2); });
    CHECK(ran.empty());  // the caller went on without it
    work.run_all();
    CHECK(ran == std::vector<int>{1, 2});
    work.run_all();
    CHECK(ran.size() == 2);  // each job once
}

TEST_CASE("a job that throws does not stop the jobs after it", "[app][deferred]") {
    deferred_work work(8, no_thread);
    std::vector<std::string> ran;
    work.post([] { throw std::runtime_error("the database went away"); });
    work.post([&] { ran.emplace_back("after"); });
    CHECK_NOTHROW(work.run_all());
    CHECK(ran == std::vector<std::string>{"after"});
}

TEST_CASE("past its capacity a job runs in the caller's thread rather than being dropped", "[app][deferred]") {
    deferred_work work(2, no_thread);
    std::vector<int> ran;
    work.post([&] { ran.push_back(1); });
    work.post([&] { ran.push_back(2); });
    work.post([&] { ran.push_back(3); });  // full: runs now
    CHECK(ran == std::vector<int>{3});
    work.run_all();
    CHECK(ran == std::vector<int>{3, 1, 2});
}

TEST_CASE("a started thread runs a job as soon as it is posted, not at its interval", "[app][deferred]") {
    std::atomic<bool> ran{false};
    deferred_work work(8, std::chrono::hours{1});  // unwoken, the thread would not look for an hour
    work.start();
    work.post([&] { ran = true; });
    // Bounded: a thread that waited for its interval would fail here, long before the hour.
    for (int i = 0; i < 2000 && !ran; ++i) std::this_thread::sleep_for(std::chrono::milliseconds{5});
    CHECK(ran);
    work.stop();
}
