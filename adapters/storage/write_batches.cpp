#include "adapters/storage/write_batches.hpp"

#include <algorithm>
#include <array>

namespace authd::storage {

void write_batches::join(ticket& t, const runner& run) {
    std::array<ticket*, largest> batch{};  // on the stack: nothing may throw, or allocate, once the ticket is queued
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
    const auto taken = queue_.begin() + static_cast<std::ptrdiff_t>(count);
    std::copy(queue_.begin(), taken, batch.begin());
    queue_.erase(queue_.begin(), taken);
    held.unlock();
    const std::span<ticket* const> gathered(batch.data(), count);
    // A runner that threw would leave its followers waiting for good: it records each outcome instead (noexcept).
    [&]() noexcept { run(gathered); }();
    held.lock();
    for (ticket* done : gathered) done->done = true;
    ++counted_.batches;
    counted_.writes += count;
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

write_batches::totals write_batches::counted() {
    const std::lock_guard held(lock_);
    return counted_;
}

}  // namespace authd::storage
