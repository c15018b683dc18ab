#include "core/outbox/outbox_relay.hpp"

#include <catch2/catch.hpp>

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
    void publish(const outbox_message& m) override {
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

TEST_CASE("a crash between publishing and marking only publishes again: nothing is lost", "[core][outbox]") {
    fixture f;
    f.make_events(3);
    f.publisher.fail_from = 2;
    f.publisher.crash = true;
    CHECK_THROWS(f.relay.relay_once());  // the unit of work rolls back: no row was marked
    CHECK(f.unprocessed() == 3);
    f.publisher.fail_from = -1;
    CHECK(f.relay.relay_once().published == 3);
    CHECK(f.unprocessed() == 0);
    CHECK(f.publisher.published == std::vector<std::int64_t>{1, 2, 1, 2, 3});  // 1 and 2 twice, none lost
}
