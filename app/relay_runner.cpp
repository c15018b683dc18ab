#include "app/relay_runner.hpp"

#include "adapters/http/log.hpp"

namespace authd::app {

relay_runner::relay_runner(outbox_relay& relay, std::chrono::milliseconds interval)
    : relay_(relay), interval_(interval) {}

relay_runner::~relay_runner() { stop(); }

void relay_runner::start() {
    if (interval_.count() <= 0 || thread_.joinable()) return;
    thread_ = std::thread([this] { run(); });
}

void relay_runner::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void relay_runner::run() {
    constexpr int batch = 100;
    bool warned = false;
    for (;;) {
        relay_result r;
        try {
            r = relay_.relay_once(batch);
        } catch (const std::exception& e) {
            // The database may be down: the rows stay in the outbox and wait for the next round.
            http::log_event("warn", "outbox relay failed", {{"error", e.what()}});
            r.publisher_failed = true;
        }
        if (r.publisher_failed && !warned) http::log_event("warn", "outbox publisher unavailable; will retry", {});
        warned = r.publisher_failed;
        std::unique_lock lock(mutex_);
        if (stopping_) return;
        if (r.published == batch && !r.publisher_failed) continue;  // more are waiting
        wake_.wait_for(lock, interval_, [&] { return stopping_; });
        if (stopping_) {
            lock.unlock();
            try {
                (void)relay_.relay_once(batch);  // what the last requests wrote
            } catch (const std::exception&) {
            }
            return;
        }
    }
}

}  // namespace authd::app
