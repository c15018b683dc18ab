#pragma once
#include <cstdint>
#include <vector>

#include "core/common/result.hpp"
#include "core/ports/clock.hpp"
#include "core/ports/unit_of_work.hpp"

namespace authd {

/// What an operator does with messages that could not be delivered: look at them, and send one again once the cause
/// is fixed. The admin role is checked by the route table.
class message_admin {
public:
    message_admin(unit_of_work& uow, const clock& clk);
    /// The dead messages, newest first (at most 100); their secrets stay sealed.
    std::vector<queued_message> dead();
    /// Makes a dead message pending again, due now; not_found when no dead message with a still valid secret has
    /// this id (an expired code is worth nothing to its recipient).
    outcome requeue(std::int64_t id);
    /// Requeues every dead message still valid: after a fault of configuration (a wrong password, a moved webhook)
    /// is fixed. Returns how many.
    int requeue_all();

private:
    unit_of_work& uow_;
    const clock& clock_;
};

}  // namespace authd
