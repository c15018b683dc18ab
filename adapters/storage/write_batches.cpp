#include "adapters/storage/write_batches.hpp"

#include <algorithm>
#include <vector>

namespace authd::storage {

void write_batches::join(ticket& t, const runner& run) {
    std::vector<ticket*> batch;
    batch.reserve(most_);  // before the ticket is queued: nothing may throw between queueing and leading
    std::unique_lock held(lock_);
    queue_.push_back(&t);
    if (!leading_) {
        leading_ = true;
        t.leads = true;
    }
    batch_ended_.wait(held, [&] { return t.leads || t.done; });
    if (t.done) return;

    // This thread leads: its ticket is at the head of the queue (a leader is only ever chosen from there).
    const auto count = std::min(queue_.size(), most_);
    batch.assign(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(count));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(count));
    held.unlock();
    // A runner that threw would leave its followers waiting for good: it records each outcome instead (noexcept).
    [&]() noexcept { run(batch); }();
    held.lock();
    for (ticket* done : batch) done->done = true;
    if (queue_.empty()) leading_ = false;
    else queue_.front()->leads = true;
    held.unlock();
    // Wakes the batch's writers and the next leader at once; the others waiting find nothing for them and wait on.
    batch_ended_.notify_all();
}

std::size_t write_batches::queued() {
    const std::lock_guard held(lock_);
    return queue_.size();
}

}  // namespace authd::storage
