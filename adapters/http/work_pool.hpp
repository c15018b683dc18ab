#pragma once
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace authd::http {

/// A fixed set of threads with a bounded queue. try_post() refuses work when
/// the queue is full, so that overload becomes a quick 503, not an unbounded wait.
/// The queue is bounded in jobs and in the bytes the jobs hold (request bodies),
/// so that a few large bodies cannot pin memory that many small ones would not.
class work_pool {
public:
    /// `niceness`: added to the process's nice value for these threads, as nice(1) does (0: the process's own; more
    /// yields the CPU to the other threads when they compete for it; the kernel caps the sum at 19).
    work_pool(std::string name, std::size_t threads, std::size_t max_queued,
              std::size_t max_queued_bytes = static_cast<std::size_t>(-1), int niceness = 0);
    ~work_pool();
    work_pool(const work_pool&) = delete;
    work_pool& operator=(const work_pool&) = delete;

    /// `bytes`: what the job holds while it waits, counted until it starts.
    bool try_post(std::function<void()> job, std::size_t bytes = 0);
    /// Finishes queued jobs, then joins the threads.
    void stop();
    std::size_t threads() const { return threads_.size(); }
    std::size_t queued() const;

private:
    void run(int niceness);

    std::string name_;
    std::size_t max_queued_;
    std::size_t max_queued_bytes_;
    mutable std::mutex mutex_;
    std::condition_variable ready_;
    struct queued_job {
        std::function<void()> run;
        std::size_t bytes;
    };
    std::deque<queued_job> jobs_;
    std::size_t queued_bytes_ = 0;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace authd::http
