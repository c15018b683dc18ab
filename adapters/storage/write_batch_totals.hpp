#pragma once
// What SQLite's group commit did so far, on its own so that the store's header need not bring in the queue.
#include <cstdint>

namespace authd::storage {

/// Batches run so far, and the writes they held: what the group commit saves is their difference.
struct write_batch_totals {
    std::uint64_t batches = 0;
    std::uint64_t writes = 0;
    bool operator==(const write_batch_totals&) const = default;
};

}  // namespace authd::storage
