#pragma once
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace authd::app {

/// A round of background work (the outbox relay, a deliverer) on a thread of its own: a round every `interval`, at
/// once again while a round says more is waiting, sooner when woken, and a last round when stopped (what the last
/// requests wrote goes out too). A round that throws is logged and tried again at the next interval.
class background_loop {
public:
    /// `round` returns true when more work is waiting right now. An interval of 0 never starts the thread.
    background_loop(const char* name, std::function<bool()> round, std::chrono::milliseconds interval);
    ~background_loop();
    background_loop(const background_loop&) = delete;
    background_loop& operator=(const background_loop&) = delete;
    void start();
    /// ask_to_stop(), then waits for the thread to end.
    void stop();
    /// Tells the loop to end after the round under way, or after one last round when it was waiting (work due is
    /// still done), without waiting for it: several loops told first, then stopped, take as long as the slowest.
    void ask_to_stop();
    /// Runs a round soon rather than at the end of the interval (new work was just committed).
    void wake();

private:
    void run();
    bool run_round();

    const char* name_;
    std::function<bool()> round_;
    std::chrono::milliseconds interval_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    bool woken_ = false;
    std::thread thread_;
};

}  // namespace authd::app
