#include "core/outbox/outbox_relay.hpp"

namespace authd {

outbox_relay::outbox_relay(unit_of_work& uow, outbox_publisher& publisher, const clock& clk)
    : uow_(uow), publisher_(publisher), clock_(clk) {}

relay_result outbox_relay::relay_once(int batch) {
    relay_result out;
    uow_.write([&](repositories& r) {
        out = {};  // the unit of work may run this again after a deadlock
        for (const auto& m : r.outbox.next_unprocessed(batch)) {
            try {
                publisher_.publish(m);
            } catch (const std::exception&) {
                out.publisher_failed = true;  // keep what was published; the rest waits for the next round
                break;
            }
            r.outbox.mark_processed(m.id, clock_.now());
            ++out.published;
        }
    });
    return out;
}

}  // namespace authd
