#include "core/outbox/outbox_relay.hpp"

namespace authd {

outbox_relay::outbox_relay(unit_of_work& uow, outbox_publisher& publisher, const clock& clk)
    : uow_(uow), publisher_(publisher), clock_(clk) {}

relay_result outbox_relay::relay_once(int batch) {
    const auto claimed_at = clock_.now();
    const auto lease_until = claimed_at + lease;
    std::vector<outbox_message> claimed;
    uow_.write([&](repositories& r) { claimed = r.outbox.claim_next(batch, claimed_at, lease_until); });
    relay_result out;
    if (claimed.empty()) return out;
    std::vector<std::int64_t> published;
    const auto settle = [&] {
        uow_.write([&](repositories& r) {
            const auto now = clock_.now();
            for (const auto id : published) r.outbox.mark_processed(id, now);
            r.outbox.release(claimed.front().id, claimed.back().id, lease_until);
        });
    };
    try {
        for (const auto& m : claimed) {
            if (clock_.now() >= claimed_at + lease / 2)
                break;  // the rest in the next round, long before the lease ends
            try {
                publisher_.publish(m);
            } catch (const std::exception&) {
                out.publisher_failed = true;  // keep what was published; the rest waits for the next round
                break;
            }
            published.push_back(m.id);
        }
    } catch (...) {
        // Not a publisher's failure: it goes on up. What was published is marked and the rest freed first, if the
        // database lets us, so that the other relays need not wait for the lease to end.
        try {
            settle();
        } catch (...) {
        }
        throw;
    }
    settle();
    out.published = static_cast<int>(published.size());
    return out;
}

}  // namespace authd
