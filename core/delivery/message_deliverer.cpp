#include "core/delivery/message_deliverer.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <exception>

namespace authd {
namespace {
/// A uniform value in [0, n), n > 0.
std::int64_t uniform_below(random_source& rng, std::int64_t n) {
    std::array<std::uint8_t, 8> bytes{};
    rng.fill(bytes);
    std::uint64_t v = 0;
    for (const auto b : bytes) v = (v << 8) | b;
    return static_cast<std::int64_t>(v % static_cast<std::uint64_t>(n));
}

/// The reason of a failure as it may be stored and logged: one line, bounded.
std::string reason_of(const std::exception& e) {
    std::string r = e.what();
    r = r.substr(0, r.find('\n'));
    return r.substr(0, 300);
}
}  // namespace

message_deliverer::message_deliverer(unit_of_work& uow, message_sender& sender, secret_box& box, random_source& rng,
                                     const clock& clk, delivery_policy policy)
    : uow_(uow), sender_(sender), box_(box), rng_(rng), clock_(clk), policy_(policy) {}

seconds message_deliverer::backoff(const delivery_policy& p, int failures) {
    seconds pause = p.first_retry;
    for (int i = 1; i < failures && pause < p.max_retry; ++i) pause *= 2;
    return std::min(pause, p.max_retry);
}

delivery_round message_deliverer::deliver_once(channel c) {
    const auto now = clock_.now();
    std::vector<queued_message> claimed;
    delivery_round round;
    // Most rounds find nothing: they ask with a read, and only take the write transaction (on SQLite, the writers'
    // turn) when there is something to claim or expire.
    if (!read_tx(uow_, [&](repositories& r) { return r.messages.has_due(c, now); })) return round;
    uow_.write([&](repositories& r) {
        round.expired = r.messages.expire_overdue(c, now);
        claimed = r.messages.claim_due(c, now, now + policy_.lease, policy_.batch);
    });
    round.claimed = static_cast<int>(claimed.size());
    for (const auto& q : claimed) settle(q, round);
    return round;
}

void message_deliverer::settle(const queued_message& q, delivery_round& round) {
    std::string failure;
    bool permanent = false;
    try {
        auto m = q.message;
        const auto secret = box_.open(q.sealed_secret, q.message_id);
        if (!secret) throw delivery_failed("the message's secret does not open with this key", true);
        m.secret = *secret;
        sender_.send(q.message_id, m);
    } catch (const delivery_failed& e) {
        failure = reason_of(e);
        permanent = e.permanent();
    } catch (const std::exception& e) {
        failure = reason_of(e);
    }
    const auto now = clock_.now();
    const auto lease = q.lease_until.value_or(now);
    // Each outcome counts only if recorded: past its lease, the message belongs to whoever claimed it next.
    const auto record = [&](int& count, auto&& write) { ++(write_tx(uow_, write) ? count : round.lost); };
    if (failure.empty()) {
        record(round.sent, [&](repositories& r) { return r.messages.mark_sent(q.id, lease, now); });
        return;
    }
    const int attempts = q.attempts + 1;
    const bool dead = permanent || attempts >= policy_.max_attempts;
    round.failures.push_back(delivery_failure{q.message_id, q.message.kind, attempts, dead, failure});
    if (dead) {
        record(round.dead, [&](repositories& r) { return r.messages.mark_dead(q.id, lease, attempts, failure); });
        return;
    }
    // Full jitter over the upper half: deliverers that failed together do not all come back at once.
    const auto pause = backoff(policy_, attempts);
    const auto next = now + pause / 2 + seconds{uniform_below(rng_, pause.count() / 2 + 1)};
    record(round.retried,
           [&](repositories& r) { return r.messages.retry_later(q.id, lease, attempts, next, failure); });
}

}  // namespace authd
