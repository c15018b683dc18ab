#include "core/delivery/message_admin.hpp"

namespace authd {

message_admin::message_admin(unit_of_work& uow, const clock& clk) : uow_(uow), clock_(clk) {}

std::vector<queued_message> message_admin::dead() {
    return read_tx(uow_, [&](repositories& r) { return r.messages.list_dead(100); });
}

outcome message_admin::requeue(std::int64_t id) {
    const bool done = write_tx(uow_, [&](repositories& r) { return r.messages.requeue(id, clock_.now()); });
    if (!done) return fail(errc::not_found, "No dead message with a valid code has this id.");
    return success();
}

int message_admin::requeue_all() {
    return write_tx(uow_, [&](repositories& r) { return r.messages.requeue_all_dead(clock_.now()); });
}

}  // namespace authd
