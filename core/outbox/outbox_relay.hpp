#pragma once
#include "core/ports/clock.hpp"
#include "core/ports/outbox_repository.hpp"
#include "core/ports/unit_of_work.hpp"

namespace authd {

struct relay_result {
    int published = 0;
    bool publisher_failed = false;
};

/// Publishes unprocessed outbox rows in order and marks them processed:
/// at least once, never lost. A crash between publishing and marking only
/// publishes the row again.
class outbox_relay {
public:
    outbox_relay(unit_of_work& uow, outbox_publisher& publisher, const clock& clk);
    /// One batch. Rows published before a publisher failure are still marked.
    relay_result relay_once(int batch = 100);

private:
    unit_of_work& uow_;
    outbox_publisher& publisher_;
    const clock& clock_;
};

}  // namespace authd
