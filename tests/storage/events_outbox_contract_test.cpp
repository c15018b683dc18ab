// The event and outbox repositories' contracts, the same on every backend.
#include <catch2/catch.hpp>

#include <chrono>
#include <future>

#include "tests/storage/backend.hpp"
#include "tests/support/set_on_exit.hpp"

using namespace authd;
using namespace authd::test;
using namespace std::chrono_literals;

namespace {
const time_point t0{std::chrono::sys_days{std::chrono::year{2026} / 11 / 22} + std::chrono::hours{9}};

event sample(std::string name, time_point date, event_status status = event_status::upcoming) {
    event e;
    e.name = std::move(name);
    e.event_date = date;
    e.venue_name = "Blue Hall";
    e.total_seats = 100;
    e.available_seats = 60;
    e.status = status;
    e.sale_start_time = t0;
    e.created_at = t0;
    e.updated_at = t0 + 1s;
    return e;
}

/// Three outbox rows, for three events, in one transaction.
void add_three_rows(unit_of_work& uow) {
    uow.write([&](repositories& r) {
        for (int i = 1; i <= 3; ++i) {
            auto e = sample("Jazz", t0 + std::chrono::days{30});
            e.id = i;
            r.outbox.add_event_change("EVENT_CREATED", e, t0);
        }
    });
}
}  // namespace

TEST_CASE("an event gets an id from the database and round-trips every field", "[contract][events]") {
    backend_under_test b;
    std::int64_t first = 0, second = 0;
    b.uow->write([&](repositories& r) {
        first = r.events.insert(sample("Jazz", t0 + std::chrono::days{30}, event_status::on_sale));
        second = r.events.insert(sample("Rock", t0 + std::chrono::days{31}));
    });
    CHECK(first > 0);
    CHECK(second > first);
    b.uow->write([&](repositories& r) {
        for (const auto& e : {r.events.find(first), r.events.lock(first)}) {
            REQUIRE(e);
            CHECK(e->id == first);
            CHECK(e->name == "Jazz");
            CHECK(e->event_date == t0 + std::chrono::days{30});
            CHECK(e->venue_name == "Blue Hall");
            CHECK(e->total_seats == 100);
            CHECK(e->available_seats == 60);
            CHECK(e->status == event_status::on_sale);
            CHECK(e->sale_start_time == t0);
            CHECK(e->created_at == t0);
            CHECK(e->updated_at == t0 + 1s);
        }
        CHECK_FALSE(r.events.find(second + 1000));
    });
}

TEST_CASE("update writes every mutable field, remove deletes once", "[contract][events]") {
    backend_under_test b;
    std::int64_t id = 0;
    b.uow->write([&](repositories& r) { id = r.events.insert(sample("Jazz", t0 + std::chrono::days{30})); });
    b.uow->write([&](repositories& r) {
        auto e = *r.events.lock(id);
        e.name = "Jazz II";
        e.status = event_status::cancelled;
        e.available_seats = 0;
        e.updated_at = t0 + 1h;
        r.events.update(e);
    });
    b.uow->read([&](repositories& r) {
        auto e = r.events.find(id);
        CHECK(e->name == "Jazz II");
        CHECK(e->status == event_status::cancelled);
        CHECK(e->available_seats == 0);
        CHECK(e->updated_at == t0 + 1h);
    });
    b.uow->write([&](repositories& r) {
        CHECK(r.events.remove(id));
        CHECK_FALSE(r.events.remove(id));
        CHECK_FALSE(r.events.find(id));
    });
}

TEST_CASE("list sorts by date then id, pages, and filters by status and date bounds, count agrees",
          "[contract][events]") {
    backend_under_test b;
    b.uow->write([&](repositories& r) {
        for (int day = 6; day >= 1; --day)
            r.events.insert(sample("d" + std::to_string(day), t0 + std::chrono::days{day},
                                   day % 2 ? event_status::on_sale : event_status::upcoming));
    });
    b.uow->read([&](repositories& r) {
        event_query all;
        all.size = 4;
        const auto page0 = r.events.list(all);
        REQUIRE(page0.size() == 4);
        CHECK(page0.front().name == "d1");
        CHECK(page0.back().name == "d4");
        all.page = 1;
        const auto page1 = r.events.list(all);
        REQUIRE(page1.size() == 2);
        CHECK(page1.front().name == "d5");
        CHECK(r.events.count(all) == 6);
        all.page = 5;
        CHECK(r.events.list(all).empty());

        event_query on_sale;
        on_sale.status = event_status::on_sale;
        CHECK(r.events.count(on_sale) == 3);
        for (const auto& e : r.events.list(on_sale)) CHECK(e.status == event_status::on_sale);

        event_query window;
        window.from = t0 + std::chrono::days{2};
        window.to = t0 + std::chrono::days{4};  // both bounds included
        CHECK(r.events.count(window) == 3);
        window.status = event_status::upcoming;
        CHECK(r.events.count(window) == 2);
    });
}

TEST_CASE("outbox rows come back oldest first with their JSON payload, until marked processed", "[contract][outbox]") {
    backend_under_test b;
    b.uow->write([&](repositories& r) {
        auto e = sample("Jazz", t0 + std::chrono::days{30});
        e.id = 7;
        r.outbox.add_event_change("EVENT_CREATED", e, t0);
        e.status = event_status::on_sale;
        r.outbox.add_event_change("EVENT_STATUS_CHANGED", e, t0 + 1s);
    });
    std::vector<outbox_message> rows;
    b.uow->write([&](repositories& r) { rows = r.outbox.next_unprocessed(10); });
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].id < rows[1].id);
    CHECK(rows[0].aggregate_type == "EVENT");
    CHECK(rows[0].aggregate_id == "7");
    CHECK(rows[0].event_type == "EVENT_CREATED");
    CHECK(rows[1].event_type == "EVENT_STATUS_CHANGED");
    CHECK(rows[0].created_at == t0);
    if (b.soci) {  // SQL backends keep the event's JSON (PostgreSQL's jsonb may reorder keys)
        const auto& payload = rows[1].payload;
        CHECK((payload.find("\"status\":\"ON_SALE\"") != std::string::npos ||
               payload.find("\"status\": \"ON_SALE\"") != std::string::npos));
        CHECK(rows[0].payload.find("\"eventId\"") != std::string::npos);
        CHECK((rows[0].payload.find("\"schema_version\":1") != std::string::npos ||
               rows[0].payload.find("\"schema_version\": 1") != std::string::npos));
    }
    b.uow->write([&](repositories& r) {
        CHECK(r.outbox.next_unprocessed(1).size() == 1);
        r.outbox.mark_processed(rows[0].id, t0 + 2s);
    });
    b.uow->write([&](repositories& r) {
        auto left = r.outbox.next_unprocessed(10);
        REQUIRE(left.size() == 1);
        CHECK(left[0].id == rows[1].id);
    });
}

TEST_CASE(
    "an outbox claim takes the oldest rows until a time: none while the oldest is held, freed by release or "
    "when its lease ends",
    "[contract][outbox]") {
    backend_under_test b;
    add_three_rows(*b.uow);
    const auto lease = t0 + 30s;
    std::vector<outbox_message> first, next;
    b.uow->write([&](repositories& r) { first = r.outbox.claim_next(2, t0, lease); });
    REQUIRE(first.size() == 2);
    CHECK(first[0].id < first[1].id);
    CHECK(first[0].lease_until == lease);
    b.uow->write([&](repositories& r) {
        r.outbox.release(first[0].id, first[1].id, lease + 1s);      // another claim's lease: not these rows
        r.outbox.release(first[1].id + 1, first[1].id + 10, lease);  // past the claim's rows
    });
    b.uow->write([&](repositories& r) { next = r.outbox.claim_next(10, t0 + 1s, t0 + 31s); });
    CHECK(next.empty());  // the oldest is held: the third row waits too, so that rows go out in order
    b.uow->write([&](repositories& r) {
        r.outbox.mark_processed(first[0].id, t0 + 2s);
        r.outbox.release(first[0].id, first[1].id, lease);
    });
    b.uow->write([&](repositories& r) { next = r.outbox.claim_next(10, t0 + 3s, t0 + 33s); });
    REQUIRE(next.size() == 2);  // the one freed and the one never claimed
    CHECK(next[0].id == first[1].id);
    CHECK(next[1].id > first[1].id);
    std::vector<outbox_message> after;
    b.uow->write([&](repositories& r) { after = r.outbox.claim_next(10, t0 + 32s, t0 + 62s); });
    CHECK(after.empty());  // not released: held until its lease ends
    b.uow->write([&](repositories& r) { after = r.outbox.claim_next(10, t0 + 33s, t0 + 63s); });
    CHECK(after.size() == 2);
    b.uow->write([&](repositories& r) { CHECK(r.outbox.next_unprocessed(10).size() == 2); });  // claimed or not
}

TEST_CASE("a claim made while another is still open waits for it, and takes none of the rows it leased",
          "[contract][outbox]") {
    // Two relays at once: the first has claimed and not yet committed. On the server databases the second's locking
    // read waits for the first's row locks and then reads the lease it wrote; a read that did not lock would see no
    // lease and claim the same rows. SQLite and the memory store let one writer in at a time.
    backend_under_test b;
    add_three_rows(*b.uow);
    std::promise<void> claimed, commit;
    std::vector<outbox_message> first, second;
    auto open_claim = std::async(std::launch::async, [&] {
        b.uow->write([&](repositories& r) {
            first = r.outbox.claim_next(2, t0, t0 + 30s);
            claimed.set_value();
            commit.get_future().wait();  // the claim's transaction stays open, holding its row locks
        });
    });
    CHECK(claimed.get_future().wait_for(10s) == std::future_status::ready);  // CHECK: the commit below must still run
    auto racing_claim = std::async(std::launch::async, [&] {
        b.uow->write([&](repositories& r) { second = r.outbox.claim_next(10, t0 + 1s, t0 + 31s); });
    });
    const set_on_exit ends_first_claim(commit);
    // The race under test: the second claim's locking read waits for the rows the first still holds.
    if (b.soci && b.name() != "sqlite") CHECK(b.database->a_statement_waits());
    commit.set_value();
    open_claim.get();
    racing_claim.get();
    REQUIRE(first.size() == 2);
    CHECK(second.empty());  // the oldest row is the first claim's until its lease ends
    std::vector<outbox_message> later;
    b.uow->write([&](repositories& r) { later = r.outbox.claim_next(10, t0 + 30s, t0 + 60s); });
    CHECK(later.size() == 3);  // the first claim's lease has ended, and the second wrote none: every row is free
}

TEST_CASE("a unit of work that throws leaves neither the event nor its outbox row", "[contract][outbox]") {
    backend_under_test b;
    CHECK_THROWS(b.uow->write([&](repositories& r) {
        auto e = sample("Jazz", t0 + std::chrono::days{30});
        e.id = r.events.insert(e);
        r.outbox.add_event_change("EVENT_CREATED", e, t0);
        throw std::runtime_error("the request failed after writing");
    }));
    b.uow->write([&](repositories& r) {
        CHECK(r.events.count({}) == 0);
        CHECK(r.outbox.next_unprocessed(10).empty());
    });
}

TEST_CASE("a database error's text keeps no row data, so that logs never quote a row", "[contract][events][sql]") {
    backend_under_test b;
    REQUIRE(b.soci);
    auto bad = sample("Jazz", t0 + std::chrono::days{30});
    bad.available_seats = bad.total_seats + 1;  // breaks the table's CHECK constraint
    try {
        b.uow->write([&](repositories& r) { r.events.insert(bad); });
        FAIL("the CHECK constraint should have refused the row");
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        CHECK(what.rfind("database error: ", 0) == 0);
        CHECK(what.find('\n') == std::string::npos);
        CHECK(what.find("Failing row") == std::string::npos);
        CHECK(what.find("Blue Hall") == std::string::npos);
    }
}
