#include "core/events/event_service.hpp"

#include <catch2/catch.hpp>

#include "tests/support/fakes.hpp"

using namespace authd;
using namespace std::chrono_literals;

namespace {
struct fixture {
    test::fake_clock clock;  // 2026-11-22T00:00:00Z
    test::memory_store store;
    event_service events{store, clock};

    event_fields draft(seconds sale_in = -1h) {
        event_fields f;
        f.name = "Jazz Night";
        f.event_date = clock.now() + std::chrono::days{30};
        f.venue_name = "Blue Hall";
        f.total_seats = 100;
        f.sale_start_time = clock.now() + sale_in;
        return f;
    }
    event created(seconds sale_in = -1h) {
        auto e = events.create(draft(sale_in));
        REQUIRE(e.ok());
        return e.value();
    }
    std::vector<outbox_message> outbox() { return store.snapshot().outbox; }
};

std::vector<std::string> fields_of(const failure& f) {
    std::vector<std::string> out;
    for (const auto& e : f.fields) out.push_back(e.field);
    return out;
}
}  // namespace

TEST_CASE("a new event is UPCOMING with every seat available, and writes EVENT_CREATED", "[core][events]") {
    fixture f;
    auto e = f.created();
    CHECK(e.id == 1);
    CHECK(e.status == event_status::upcoming);
    CHECK(e.available_seats == 100);
    REQUIRE(f.outbox().size() == 1);
    CHECK(f.outbox()[0].event_type == "EVENT_CREATED");
    CHECK(f.outbox()[0].aggregate_type == "EVENT");
    CHECK(f.outbox()[0].aggregate_id == "1");
    CHECK_FALSE(f.outbox()[0].processed_at);
}

TEST_CASE("creation lists every missing or bad field", "[core][events]") {
    fixture f;
    auto none = f.events.create({});
    REQUIRE_FALSE(none.ok());
    CHECK(fields_of(none.error()) ==
          std::vector<std::string>{"eventName", "eventDate", "venueName", "totalSeats", "saleStartTime"});
    auto bad = f.draft();
    bad.name = std::string(256, 'x');
    bad.event_date = f.clock.now();  // not in the future
    bad.total_seats = 1'000'001;
    bad.status = "SOLD_OUT";
    auto r = f.events.create(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(fields_of(r.error()) == std::vector<std::string>{"eventName", "eventDate", "totalSeats", "status"});
    CHECK(f.outbox().empty());
}

TEST_CASE("the sale must start before the event", "[core][events]") {
    fixture f;
    auto d = f.draft();
    d.sale_start_time = *d.event_date;
    CHECK(fields_of(f.events.create(d).error()) == std::vector<std::string>{"saleStartTime"});
}

TEST_CASE("seat counts from 1 to 1,000,000 are accepted", "[core][events]") {
    fixture f;
    for (const std::int64_t n : {1, 1'000'000}) {
        auto d = f.draft();
        d.total_seats = n;
        CHECK(f.events.create(d).ok());
    }
    auto d = f.draft();
    d.total_seats = 0;
    CHECK_FALSE(f.events.create(d).ok());
}

TEST_CASE("ON_SALE is refused before saleStartTime and allowed from that second on", "[core][events]") {
    fixture f;
    const auto e = f.created(10min);
    f.clock.advance(10min - 1s);
    auto early = f.events.change_status(e.id, "ON_SALE");
    CHECK(early.error().code == errc::sale_not_started);
    f.clock.advance(1s);
    auto on_time = f.events.change_status(e.id, "ON_SALE");
    REQUIRE(on_time.ok());
    CHECK(on_time->status == event_status::on_sale);
}

TEST_CASE("an event created ON_SALE needs its sale to have started", "[core][events]") {
    fixture f;
    auto d = f.draft(1h);
    d.status = "ON_SALE";
    CHECK(f.events.create(d).error().code == errc::sale_not_started);
    d.sale_start_time = f.clock.now();
    CHECK(f.events.create(d)->status == event_status::on_sale);
}

TEST_CASE("an event on sale cannot have its sale start moved past now, and other events can", "[core][events]") {
    fixture f;
    const auto e = f.created();
    REQUIRE(f.events.change_status(e.id, "ON_SALE").ok());
    const auto rows = f.outbox().size();
    event_fields later;
    later.sale_start_time = f.clock.now() + 1h;
    CHECK(f.events.update(e.id, later).error().code == errc::sale_not_started);
    later.status = "ON_SALE";  // stating the status it has changes nothing
    CHECK(f.events.update(e.id, later).error().code == errc::sale_not_started);
    CHECK(f.outbox().size() == rows);  // refused: nothing written
    const auto kept = f.events.find(e.id);
    CHECK(kept->status == event_status::on_sale);
    CHECK(kept->sale_start_time == e.sale_start_time);

    event_fields now_or_earlier;  // up to this very second it still holds
    now_or_earlier.sale_start_time = f.clock.now();
    CHECK(f.events.update(e.id, now_or_earlier).ok());
    later.status = "CANCELLED";  // leaving the sale in the same request: allowed
    const auto cancelled = f.events.update(e.id, later);
    REQUIRE(cancelled.ok());
    CHECK(cancelled->status == event_status::cancelled);

    const auto upcoming = f.created();
    event_fields moved;
    moved.sale_start_time = f.clock.now() + 1h;
    CHECK(f.events.update(upcoming.id, moved).ok());  // not on sale: its sale start may move
}

TEST_CASE("every forbidden status change is 409 invalid_transition and writes nothing", "[core][events]") {
    fixture f;
    const auto e = f.created();
    REQUIRE(f.events.change_status(e.id, "CANCELLED").ok());
    const auto rows = f.outbox().size();
    for (const auto* to : {"UPCOMING", "ON_SALE", "SOLD_OUT"}) {
        auto r = f.events.change_status(e.id, to);
        CHECK(r.error().code == errc::invalid_transition);
    }
    CHECK(f.outbox().size() == rows);
    CHECK(f.events.find(e.id)->status == event_status::cancelled);
}

TEST_CASE("UPCOMING → ON_SALE → SOLD_OUT, each change one EVENT_STATUS_CHANGED row", "[core][events]") {
    fixture f;
    const auto e = f.created();
    REQUIRE(f.events.change_status(e.id, "ON_SALE").ok());
    REQUIRE(f.events.change_status(e.id, "SOLD_OUT").ok());
    const auto rows = f.outbox();
    REQUIRE(rows.size() == 3);
    CHECK(rows[1].event_type == "EVENT_STATUS_CHANGED");
    CHECK(rows[2].event_type == "EVENT_STATUS_CHANGED");
    CHECK(f.events.change_status(e.id, "SOLD_OUT")->status == event_status::sold_out);  // same status: no change
    CHECK(f.outbox().size() == 3);
}

TEST_CASE("reaching 0 seats while on sale makes the event SOLD_OUT", "[core][events]") {
    fixture f;
    const auto e = f.created();
    REQUIRE(f.events.change_status(e.id, "ON_SALE").ok());
    event_fields seats;
    seats.available_seats = 0;
    auto r = f.events.update(e.id, seats);
    REQUIRE(r.ok());
    CHECK(r->status == event_status::sold_out);
}

TEST_CASE("available seats stay within 0 and the total", "[core][events]") {
    fixture f;
    const auto e = f.created();
    event_fields over;
    over.available_seats = 101;
    CHECK(fields_of(f.events.update(e.id, over).error()) == std::vector<std::string>{"availableSeats"});
    event_fields negative;
    negative.available_seats = -1;
    CHECK(f.events.update(e.id, negative).error().code == errc::validation_failed);
    event_fields sold;
    sold.available_seats = 40;  // 60 sold
    REQUIRE(f.events.update(e.id, sold).ok());
    event_fields shrink;
    shrink.total_seats = 50;  // fewer seats than were sold
    CHECK(fields_of(f.events.update(e.id, shrink).error()) == std::vector<std::string>{"totalSeats"});
    shrink.total_seats = 80;  // 60 sold stay sold: 20 left
    CHECK(f.events.update(e.id, shrink)->available_seats == 20);
}

TEST_CASE("an update of unknown id is not_found and writes nothing", "[core][events]") {
    fixture f;
    event_fields name;
    name.name = "x";
    CHECK(f.events.update(42, name).error().code == errc::not_found);
    CHECK(f.events.change_status(42, "ON_SALE").error().code == errc::not_found);
    CHECK(f.events.remove(42).error().code == errc::not_found);
    CHECK(f.outbox().empty());
}

TEST_CASE("a partial update changes only what was sent and writes EVENT_UPDATED", "[core][events]") {
    fixture f;
    const auto e = f.created();
    f.clock.advance(1min);
    event_fields name;
    name.name = "Late Jazz";
    auto r = f.events.update(e.id, name);
    REQUIRE(r.ok());
    CHECK(r->name == "Late Jazz");
    CHECK(r->venue_name == "Blue Hall");
    CHECK(r->updated_at == e.created_at + 1min);
    CHECK(f.outbox().back().event_type == "EVENT_UPDATED");
}

TEST_CASE("delete removes the event and writes EVENT_DELETED with its last state", "[core][events]") {
    fixture f;
    const auto e = f.created();
    CHECK(f.events.remove(e.id).ok());
    CHECK(f.events.find(e.id).error().code == errc::not_found);
    CHECK(f.outbox().back().event_type == "EVENT_DELETED");
    CHECK(f.outbox().back().aggregate_id == std::to_string(e.id));
}

TEST_CASE("listing pages by event date and filters by status and dates", "[core][events]") {
    fixture f;
    for (int i = 0; i < 5; ++i) {
        auto d = f.draft();
        d.event_date = f.clock.now() + std::chrono::days{30 - i};  // created in reverse date order
        d.name = "e" + std::to_string(i);
        REQUIRE(f.events.create(d).ok());
    }
    auto first = f.events.list({std::nullopt, std::nullopt, std::nullopt, 0, 2});
    REQUIRE(first.ok());
    CHECK(first->total_elements == 5);
    CHECK(first->total_pages == 3);
    REQUIRE(first->events.size() == 2);
    CHECK(first->events[0].name == "e4");
    CHECK(first->events[1].name == "e3");
    auto last = f.events.list({std::nullopt, std::nullopt, std::nullopt, 2, 2});
    CHECK(last->events.size() == 1);
    REQUIRE(f.events.change_status(1, "CANCELLED").ok());
    auto cancelled = f.events.list({event_status::cancelled, std::nullopt, std::nullopt, 0, 20});
    CHECK(cancelled->total_elements == 1);
    const auto from = f.clock.now() + std::chrono::days{27};
    auto window = f.events.list({std::nullopt, from, from + std::chrono::days{1}, 0, 20});
    CHECK(window->total_elements == 2);
    CHECK(f.events.list({std::nullopt, std::nullopt, std::nullopt, 0, 101}).error().code == errc::validation_failed);
    CHECK(f.events.list({std::nullopt, std::nullopt, std::nullopt, -1, 20}).error().code == errc::validation_failed);
}
