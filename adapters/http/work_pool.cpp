#include "adapters/http/work_pool.hpp"

#include <sys/resource.h>
#include <unistd.h>

namespace authd::http {

work_pool::work_pool(std::string name, std::size_t threads, std::size_t max_queued, std::size_t max_queued_bytes,
                     int niceness)
    : name_(std::move(name)), max_queued_(max_queued), max_queued_bytes_(max_queued_bytes) {
    for (std::size_t i = 0; i < std::max<std::size_t>(1, threads); ++i)
        threads_.emplace_back([this, niceness] { run(niceness); });
}

work_pool::~work_pool() { stop(); }

bool work_pool::try_post(std::function<void()> job, std::size_t bytes) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || jobs_.size() >= max_queued_ || bytes > max_queued_bytes_ - queued_bytes_) return false;
        jobs_.push_back({std::move(job), bytes});
        queued_bytes_ += bytes;
    }
    ready_.notify_one();
    return true;
}

std::size_t work_pool::queued() const {
    std::lock_guard lock(mutex_);
    return jobs_.size();
}

void work_pool::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ && threads_.empty()) return;
        stopping_ = true;
    }
    ready_.notify_all();
    for (auto& t : threads_)
        if (t.joinable()) t.join();
    threads_.clear();
}

void work_pool::run(int niceness) {
    // On Linux a thread is a task of its own: this sets this thread's priority only. Raising it needs no privilege;
    // if it fails anyway, the thread runs at the process's priority, which is what it would have without it.
    if (niceness != 0) {
        const auto self = static_cast<id_t>(gettid());
        (void)setpriority(PRIO_PROCESS, self, getpriority(PRIO_PROCESS, self) + niceness);
    }
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock lock(mutex_);
            ready_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
            if (jobs_.empty()) return;  // stopping, and the queue is drained
            job = std::move(jobs_.front().run);
            queued_bytes_ -= jobs_.front().bytes;
            jobs_.pop_front();
        }
        job();  // jobs catch their own exceptions: a throw here would end the process
    }
}

}  // namespace authd::http
