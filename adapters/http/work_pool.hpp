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
class work_pool {
public:
    work_pool(std::string name, std::size_t threads, std::size_t max_queued);
    ~work_pool();
    work_pool(const work_pool&) = delete;
    work_pool& operator=(const work_pool&) = delete;

    bool try_post(std::function<void()> job);
    /// Finishes queued jobs, then joins the threads.
    void stop();
    std::size_t threads() const { return threads_.size(); }
    std::size_t queued() const;

private:
    void run();

    std::string name_;
    std::size_t max_queued_;
    mutable std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::function<void()>> jobs_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace authd::http
