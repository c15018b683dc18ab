#include "app/deferred_work.hpp"

#include <exception>
#include <string>
#include <utility>

#include "adapters/http/log.hpp"

namespace authd::app {

deferred_work::deferred_work(std::size_t capacity, std::chrono::milliseconds interval)
    : capacity_(capacity),
      loop_(
          "deferred work",
          [this] {
              run_all();
              return false;
          },
          interval) {}

void deferred_work::post(std::function<void()> job) {
    {
        std::lock_guard lock(mutex_);
        if (jobs_.size() < capacity_) {
            jobs_.push_back(std::move(job));
            job = nullptr;
        }
    }
    if (job) {
        job();  // the queue is full: the caller waits rather than the work being lost
        return;
    }
    loop_.wake();
}

void deferred_work::run_all() {
    for (;;) {
        std::function<void()> job;
        {
            std::lock_guard lock(mutex_);
            if (jobs_.empty()) return;
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        try {
            job();
        } catch (const std::exception& e) {
            http::log_event("warn", "deferred work failed", {{"error", e.what()}});
        }
    }
}

void deferred_work::start() { loop_.start(); }
void deferred_work::stop() { loop_.stop(); }

}  // namespace authd::app
