#pragma once
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/outbox/outbox_relay.hpp"

namespace authd::app {

/// Runs the outbox relay in the background: a batch every `interval`, at once
/// again while batches come back full, and a last batch when stopped.
class relay_runner {
public:
    relay_runner(outbox_relay& relay, std::chrono::milliseconds interval);
    ~relay_runner();
    void start();
    void stop();

private:
    void run();

    outbox_relay& relay_;
    std::chrono::milliseconds interval_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace authd::app
