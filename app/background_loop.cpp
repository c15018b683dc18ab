#include "app/background_loop.hpp"

#include "adapters/http/log.hpp"

namespace authd::app {

background_loop::background_loop(const char* name, std::function<bool()> round, std::chrono::milliseconds interval)
    : name_(name), round_(std::move(round)), interval_(interval) {}

background_loop::~background_loop() { stop(); }

void background_loop::start() {
    if (interval_.count() <= 0 || thread_.joinable()) return;
    thread_ = std::thread([this] { run(); });
}

void background_loop::stop() {
    ask_to_stop();
    if (thread_.joinable()) thread_.join();
}

void background_loop::ask_to_stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
}

void background_loop::wake() {
    {
        std::lock_guard lock(mutex_);
        woken_ = true;
    }
    wake_.notify_all();
}

bool background_loop::run_round() {
    try {
        return round_();
    } catch (const std::exception& e) {
        // The database may be down: the work stays where it is and waits for the next round.
        http::log_event("warn", std::string(name_) + " round failed", {{"error", e.what()}});
        return false;
    }
}

void background_loop::run() {
    for (;;) {
        const bool more = run_round();
        std::unique_lock lock(mutex_);
        if (stopping_) return;
        if (more) continue;
        wake_.wait_for(lock, interval_, [&] { return stopping_ || woken_; });
        woken_ = false;
        if (stopping_) {
            lock.unlock();
            (void)run_round();
            return;
        }
    }
}

}  // namespace authd::app
