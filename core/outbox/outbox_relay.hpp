#pragma once
#include "core/ports/clock.hpp"
#include "core/ports/outbox_repository.hpp"
#include "core/ports/unit_of_work.hpp"

namespace authd {

struct relay_result {
    int published = 0;
    bool publisher_failed = false;
};

/// Publishes unprocessed outbox rows in order and marks them processed: at least once, never lost. A relay claims a
/// batch under a lease in one short transaction, publishes it with no transaction open (a publisher that waits on a
/// network holds no lock that the service's writers need: on SQLite, every write), then marks what it published and
/// frees the rest in a second one. A relay that dies before marking leaves its batch claimed until the lease ends
/// (meanwhile no relay publishes: the oldest rows are held); the next relay then publishes those rows again.
class outbox_relay {
public:
    /// How long a claim holds. A relay starts no publish after half of it and leaves the rest to its next round, so
    /// that no other relay takes rows it is still publishing, as long as one publish ends within the other half (a
    /// Redis command times out after 2 s; a new connection may take four of them) and the instances' clocks agree to a
    /// few seconds.
    static constexpr seconds lease{30};

    outbox_relay(unit_of_work& uow, outbox_publisher& publisher, const clock& clk);
    /// One batch. Rows published before a publisher failure are still marked.
    relay_result relay_once(int batch = 100);

private:
    unit_of_work& uow_;
    outbox_publisher& publisher_;
    const clock& clock_;
};

}  // namespace authd
