#pragma once
#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>

#include "app/background_loop.hpp"

namespace authd::app {

/// Work a request asks for and does not wait for, run in order on a thread of its own. The password reset request
/// needs it: its answer must take as long for an address with an account as for one without, so the lookup and the
/// link are made after the answer. Bounded: when `capacity` jobs wait already, a new one runs in the caller's thread
/// instead (slower, never dropped).
class deferred_work {
public:
    /// An interval of 0 starts no thread: run_all() then runs the jobs (the tests do, before they look).
    deferred_work(std::size_t capacity, std::chrono::milliseconds interval);
    deferred_work(const deferred_work&) = delete;
    deferred_work& operator=(const deferred_work&) = delete;

    void post(std::function<void()> job);
    /// Runs every waiting job, oldest first. One that throws is logged (its error, nothing it was given) and the rest
    /// still run.
    void run_all();
    void start();
    /// Runs what still waits, then stops the thread.
    void stop();

private:
    std::mutex mutex_;
    std::deque<std::function<void()>> jobs_;
    std::size_t capacity_;
    background_loop loop_;  // last: stopped before the queue it works on goes
};

}  // namespace authd::app
