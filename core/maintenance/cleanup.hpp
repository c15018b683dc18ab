#pragma once
// Deleting what has ended: expired codes and tokens, ended sessions, finished messages, relayed outbox rows. Kept for
// `keep` after they end (for an operator's questions), then deleted in small batches, each its own short
// transaction, so that the clean-up never holds a lock long; one process at a time runs it (a lease in the database).
#include <chrono>
#include <utility>
#include <vector>

#include "core/ports/clock.hpp"
#include "core/ports/retention_repository.hpp"
#include "core/ports/unit_of_work.hpp"

namespace authd {

struct retention_policy {
    std::chrono::days keep{30};                ///< RETENTION_DAYS
    std::chrono::days keep_audit{365};         ///< AUDIT_RETENTION_DAYS: audit events, counted from when they happened
    int batch = 500;                           ///< rows per transaction
    int max_batches = 200;                     ///< per kind of rows and run: a run ends even while rows keep coming
    seconds lease = std::chrono::minutes{10};  ///< no other process starts a run before this has passed
};

struct cleanup_report {
    bool ran = false;                                 ///< false: another process holds the lease
    std::vector<std::pair<ended_rows, int>> deleted;  ///< per kind, every kind listed
    int total() const;
};

class cleanup_task {
public:
    cleanup_task(unit_of_work& uow, const clock& clk, retention_policy policy);
    /// One run, unless another process is running one. The lease is given back at the end: runs never overlap, and
    /// one may follow another at once.
    cleanup_report run();

private:
    unit_of_work& uow_;
    const clock& clock_;
    retention_policy policy_;
};

}  // namespace authd
