#pragma once
// Writers that commit together. SQLite has one writer at a time, and each commit costs the same whatever it holds:
// a write-ahead log frame per changed page (two system calls each), and the locks on the shared-memory index. Under
// load the writers of the process therefore queue here, and the one at the head of the queue, the leader, runs every
// write queued behind it in one transaction before it commits (group commit, as InnoDB and RocksDB do). A write that
// finds the queue idle leads a batch of one at once: nothing waits for company.
#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <span>

#include "adapters/storage/write_batch_totals.hpp"

namespace authd::storage {

class write_batches {
public:
    /// One write waiting for its batch. Derive from it to carry the write itself.
    struct ticket {
        ticket() = default;
        ticket(const ticket&) = delete;
        ticket& operator=(const ticket&) = delete;

    private:
        friend class write_batches;
        bool leads = false;
        bool done = false;
    };
    /// Runs a batch, the leader's ticket first; it must not throw (it records each write's outcome in its ticket).
    using runner = std::function<void(std::span<ticket* const>)>;

    /// The most writes any batch holds: a leader gathers its batch on its own stack.
    static constexpr std::size_t largest = 32;

    /// `most`: the most writes in one batch (1 to `largest`), which bounds how long the leader's own caller waits for
    /// the others.
    explicit write_batches(std::size_t most) : most_(std::clamp<std::size_t>(most, 1, largest)) {}

    /// Queues `t` and returns once a batch holding it has run, on this thread (it led) or another.
    void join(ticket& t, const runner& run);

    /// Writes waiting for a batch (not those of the batch running).
    std::size_t queued();

    using totals = write_batch_totals;
    totals counted();

private:
    std::mutex lock_;
    /// Signalled when a batch ends. The queue's own, not each ticket's: it is notified after the lock is let go (the
    /// woken then need not wait for the leader's lock), when a ticket may already be gone with its owner.
    std::condition_variable batch_ended_;
    std::deque<ticket*> queue_;
    bool leading_ = false;  ///< a batch is running: the head of the queue waits for it to end
    totals counted_;
    std::size_t most_;
};

}  // namespace authd::storage
