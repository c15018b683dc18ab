#include "core/outbox/outbox_relay.hpp"

#include <catch2/catch.hpp>

#include <functional>
#include <future>
#include <thread>

#include "core/events/event_service.hpp"
#include "tests/support/fakes.hpp"

using namespace authd;
using namespace std::chrono_literals;

namespace {
/// Records what it publishes; can be told to fail from the n-th message on.
class recording_publisher final : public outbox_publisher {
public:
    std::vector<std::int64_t> published;
    int fail_from = -1;
    bool crash = false;  ///< throw something that is not a publisher error: the process "dies"
    std::function<void(const outbox_message&)> also;  ///< runs inside each publish, before it succeeds
    void publish(const outbox_message& m) override {
        if (also) also(m);
        if (fail_from >= 0 && static_cast<int>(published.size()) >= fail_from) {
            if (crash) throw 42;
            throw std::runtime_error("redis is down");
        }
        published.push_back(m.id);
    }
};

struct fixture {
    test::fake_clock clock;
    test::memory_store store;
    event_service events{store, clock};
    recording_publisher publisher;
    outbox_relay relay{store, publisher, clock};

    void make_events(int n) {
        for (int i = 0; i < n; ++i) {
            event_fields f;
            f.name = "e";
            f.event_date = clock.now() + std::chrono::days{30};
            f.venue_name = "v";
            f.total_seats = 10;
            f.sale_start_time = clock.now();
            REQUIRE(events.create(f).ok());
        }
    }
    int unprocessed() {
        int n = 0;
        for (const auto& m : store.snapshot().outbox) n += m.processed_at ? 0 : 1;
        return n;
    }
};
}  // namespace

TEST_CASE("the relay publishes unprocessed rows in order and marks them processed", "[core][outbox]") {
    fixture f;
    f.make_events(3);
    auto r = f.relay.relay_once();
    CHECK(r.published == 3);
    CHECK_FALSE(r.publisher_failed);
    CHECK(f.publisher.published == std::vector<std::int64_t>{1, 2, 3});
    CHECK(f.unprocessed() == 0);
    CHECK(f.relay.relay_once().published == 0);  // nothing twice
    CHECK(f.publisher.published.size() == 3);
}

TEST_CASE("the relay takes at most one batch at a time", "[core][outbox]") {
    fixture f;
    f.make_events(5);
    CHECK(f.relay.relay_once(2).published == 2);
    CHECK(f.unprocessed() == 3);
}

TEST_CASE("when the publisher fails, what was published stays marked and the rest waits", "[core][outbox]") {
    fixture f;
    f.make_events(4);
    f.publisher.fail_from = 2;
    auto r = f.relay.relay_once();
    CHECK(r.published == 2);
    CHECK(r.publisher_failed);
    CHECK(f.unprocessed() == 2);
    f.publisher.fail_from = -1;
    CHECK(f.relay.relay_once().published == 2);
    CHECK(f.publisher.published == std::vector<std::int64_t>{1, 2, 3, 4});
}

TEST_CASE("a relay that died holding a batch leaves it claimed until the lease ends: then it is published again",
          "[core][outbox]") {
    fixture f;
    f.make_events(3);
    // What a relay leaves when its process dies between claiming and marking: a claim nobody releases.
    f.store.write([&](repositories& r) { r.outbox.claim_next(2, f.clock.now(), f.clock.now() + outbox_relay::lease); });
    CHECK(f.relay.relay_once().published == 0);  // the oldest rows are held: nothing goes out of order
    f.clock.advance(outbox_relay::lease);
    CHECK(f.relay.relay_once().published == 3);
    CHECK(f.unprocessed() == 0);
    CHECK(f.publisher.published == std::vector<std::int64_t>{1, 2, 3});
}

TEST_CASE("an error that is not the publisher's goes on up, after marking what was published and freeing the rest",
          "[core][outbox]") {
    fixture f;
    f.make_events(3);
    f.publisher.fail_from = 2;
    f.publisher.crash = true;
    CHECK_THROWS(f.relay.relay_once());
    CHECK(f.unprocessed() == 1);
    f.publisher.fail_from = -1;
    CHECK(f.relay.relay_once().published == 1);  // at once: not after the lease
    CHECK(f.publisher.published == std::vector<std::int64_t>{1, 2, 3});
}

TEST_CASE("a writer is not kept waiting while the relay publishes", "[core][outbox]") {
    fixture f;
    f.make_events(1);
    bool wrote_meanwhile = false;
    std::future<void> write;  // outlives the relay's call: a write kept waiting finishes once the relay lets go
    f.publisher.also = [&](const outbox_message&) {
        // Another thread writes while the publisher works: with the relay's transaction still open, the store's lock
        // would keep it waiting. Bounded: a write that has not finished in 10 s counts as kept waiting.
        write = std::async(std::launch::async, [&] { f.store.write([](repositories&) {}); });
        wrote_meanwhile = write.wait_for(std::chrono::seconds{10}) == std::future_status::ready;
    };
    CHECK(f.relay.relay_once().published == 1);
    CHECK(wrote_meanwhile);
}

TEST_CASE("a second relay takes nothing while the first publishes its batch, then takes what is left in order",
          "[core][outbox]") {
    fixture f;
    f.make_events(4);
    recording_publisher other_publisher;
    outbox_relay other{f.store, other_publisher, f.clock};
    int others_turn = -1;
    f.publisher.fail_from = 2;  // the first relay publishes 1 and 2, then its publisher fails
    f.publisher.also = [&](const outbox_message& m) {
        if (m.id == 1) others_turn = other.relay_once().published;
    };
    const auto first = f.relay.relay_once();
    CHECK(others_turn == 0);  // the oldest rows were claimed: the other relay waits its turn
    CHECK(first.published == 2);
    CHECK(first.publisher_failed);
    CHECK(other.relay_once().published == 2);  // the rest was freed at once, not at the end of the lease
    CHECK(other_publisher.published == std::vector<std::int64_t>{3, 4});
    CHECK(f.unprocessed() == 0);
}

TEST_CASE("a relay publishes for half its lease at most and leaves the rest to its next round", "[core][outbox]") {
    fixture f;
    f.make_events(5);
    f.publisher.also = [&](const outbox_message&) { f.clock.advance(seconds{10}); };  // each publish takes 10 s
    CHECK(f.relay.relay_once().published == 2);  // at 0 s and 10 s; at 20 s half the lease (15 s) has gone
    CHECK(f.unprocessed() == 3);
    CHECK(f.relay.relay_once().published == 2);  // the rest was freed: no wait for the lease to end
    CHECK(f.relay.relay_once().published == 1);
    CHECK(f.publisher.published == std::vector<std::int64_t>{1, 2, 3, 4, 5});
}
