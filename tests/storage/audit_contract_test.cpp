// The audit repository's contract, the same on every backend: add() writes in the caller's transaction and rolls back
// with it; every field round-trips (an empty text comes back empty); list() answers newest first (by id, the order
// the events were written in), filtered by principal, type, since (inclusive) and until (exclusive), one page at a
// time; count() counts what the filters keep, whatever the page. The clean-up deletes events recorded before its
// cutoff, a batch at a time. Times are whole seconds: what every dialect keeps.
#include <catch2/catch.hpp>

#include <algorithm>

#include "tests/storage/backend.hpp"

using namespace authd;
using namespace authd::test;
using namespace std::chrono_literals;

namespace {
const time_point t0{std::chrono::sys_days{std::chrono::year{2026} / 11 / 22} + std::chrono::hours{9}};
const std::string alice = "11111111-1111-4111-8111-111111111111";
const std::string bob = "22222222-2222-4222-8222-222222222222";
const std::string boss = "33333333-3333-4333-8333-333333333333";
const std::string nobody = "99999999-9999-4999-8999-999999999999";

/// An event about `principal`, who acted; `detail` names it for the checks.
audit_event event_of(audit_type type, const std::string& principal, time_point at, std::string detail,
                     audit_outcome outcome = audit_outcome::success) {
    audit_event e;
    e.at = at;
    e.type = type;
    e.outcome = outcome;
    e.principal_id = principal;
    e.actor_id = principal;
    e.detail = std::move(detail);
    return e;
}

void add(backend_under_test& b, const std::vector<audit_event>& events) {
    b.uow->write([&](repositories& r) {
        for (const auto& e : events) r.audit.add(e);
    });
}
std::vector<audit_event> listed(backend_under_test& b, const audit_query& q) {
    return read_tx(*b.uow, [&](repositories& r) { return r.audit.list(q); });
}
std::int64_t counted(backend_under_test& b, const audit_query& q) {
    return read_tx(*b.uow, [&](repositories& r) { return r.audit.count(q); });
}
/// Every event, newest first.
std::vector<audit_event> all_events(backend_under_test& b) { return listed(b, audit_query{.page = 0, .size = 100}); }
std::vector<std::string> details(const std::vector<audit_event>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.detail);
    return out;
}
using names = std::vector<std::string>;

int delete_ended(backend_under_test& b, time_point cutoff, int limit) {
    return write_tx(*b.uow,
                    [&](repositories& r) { return r.retention.delete_ended(ended_rows::audit_events, cutoff, limit); });
}

/// A user, for a change the rolled-back event would have recorded.
user account(std::string id, std::string email) {
    user u;
    u.id = std::move(id);
    u.email = std::move(email);
    u.name = "Cléo Martin";
    u.password_hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";
    u.roles = {"customer"};
    u.created_at = u.updated_at = t0;
    return u;
}

/// Six events of two users and an admin, an hour or more apart but for two at t0:
///   e1 alice sign_in        t0 - 1h
///   e2 bob   sign_in        t0
///   e3 alice logout         t0
///   e4 alice sign_in (fail) t0 + 1h
///   e5 bob   disabled by the admin, t0 + 2h
///   e6 alice sign_in        t0 + 2h
void add_six(backend_under_test& b) {
    auto disabled = event_of(audit_type::account_disabled, bob, t0 + 2h, "e5");
    disabled.actor_id = boss;
    add(b, {event_of(audit_type::sign_in, alice, t0 - 1h, "e1"), event_of(audit_type::sign_in, bob, t0, "e2"),
            event_of(audit_type::logout, alice, t0, "e3"),
            event_of(audit_type::sign_in, alice, t0 + 1h, "e4", audit_outcome::failure), disabled,
            event_of(audit_type::sign_in, alice, t0 + 2h, "e6")});
}
}  // namespace

TEST_CASE("an audit event round-trips every field, and its empty texts come back empty", "[contract][audit]") {
    backend_under_test b;
    audit_event full;
    full.at = t0;
    full.type = audit_type::account_disabled;
    full.outcome = audit_outcome::success;
    full.principal_id = alice;
    full.actor_id = boss;
    full.ip = "2001:db8::7";
    full.user_agent = R"(Mozilla/5.0 (X11; Linux x86_64) "quoted" 'single' \ back)";
    full.request_id = "req-0123456789abcdef";
    full.detail = "roles: admin,staff";
    audit_event bare;  // an unknown account's failed login off the network: no principal, actor or origin
    bare.at = t0 + 1s;
    bare.type = audit_type::sign_in;
    bare.outcome = audit_outcome::failure;
    add(b, {full, bare});

    const auto events = all_events(b);
    REQUIRE(events.size() == 2);
    const auto& got_bare = events[0];
    const auto& got_full = events[1];
    CHECK(got_full.id > 0);
    CHECK(got_bare.id > got_full.id);
    CHECK(got_full.at == t0);
    CHECK(got_full.type == audit_type::account_disabled);
    CHECK(got_full.outcome == audit_outcome::success);
    CHECK(got_full.principal_id == alice);
    CHECK(got_full.actor_id == boss);
    CHECK(got_full.ip == "2001:db8::7");
    CHECK(got_full.user_agent == full.user_agent);
    CHECK(got_full.request_id == "req-0123456789abcdef");
    CHECK(got_full.detail == "roles: admin,staff");

    CHECK(got_bare.at == t0 + 1s);
    CHECK(got_bare.type == audit_type::sign_in);
    CHECK(got_bare.outcome == audit_outcome::failure);
    CHECK(got_bare.principal_id.empty());
    CHECK(got_bare.actor_id.empty());
    CHECK(got_bare.ip.empty());
    CHECK(got_bare.user_agent.empty());
    CHECK(got_bare.request_id.empty());
    CHECK(got_bare.detail.empty());
}

TEST_CASE("every audit type and outcome is stored and read back as itself", "[contract][audit]") {
    backend_under_test b;
    std::vector<audit_event> written;
    int n = 0;
    for (const auto type : all_audit_types) {
        written.push_back(event_of(type, alice, t0 + std::chrono::seconds{n}, std::string(to_string(type)),
                                   n % 2 ? audit_outcome::failure : audit_outcome::success));
        ++n;
    }
    add(b, written);
    auto events = all_events(b);
    REQUIRE(events.size() == written.size());
    std::reverse(events.begin(), events.end());  // oldest first, as written
    for (std::size_t i = 0; i < written.size(); ++i) {
        INFO(written[i].detail);
        CHECK(events[i].type == written[i].type);
        CHECK(events[i].outcome == written[i].outcome);
        CHECK(events[i].at == written[i].at);
    }
}

TEST_CASE("the audit list answers newest first by id, whatever the times the events carry", "[contract][audit]") {
    backend_under_test b;
    // Written in this order, with times out of order: the id, not the time, says which is newest.
    add(b, {event_of(audit_type::sign_in, alice, t0 + 2s, "first")});
    add(b, {event_of(audit_type::sign_in, alice, t0, "second"), event_of(audit_type::logout, alice, t0, "third")});
    add(b, {event_of(audit_type::sign_in, alice, t0 + 1s, "fourth")});

    const auto events = all_events(b);
    CHECK(details(events) == names{"fourth", "third", "second", "first"});
    for (std::size_t i = 1; i < events.size(); ++i) CHECK(events[i - 1].id > events[i].id);
    CHECK(counted(b, {}) == 4);
}

TEST_CASE("the audit list filters by principal, type, since (inclusive) and until (exclusive), alone or together",
          "[contract][audit]") {
    backend_under_test b;
    add_six(b);
    const auto expect = [&](const audit_query& q, const names& expected) {
        CHECK(details(listed(b, q)) == expected);
        CHECK(counted(b, q) == static_cast<std::int64_t>(expected.size()));
    };
    SECTION("none") { expect({}, {"e6", "e5", "e4", "e3", "e2", "e1"}); }
    SECTION("principal") {
        expect({.principal_id = alice}, {"e6", "e4", "e3", "e1"});
        expect({.principal_id = bob}, {"e5", "e2"});
        expect({.principal_id = boss}, {});  // the actor of e5, not its principal
        expect({.principal_id = nobody}, {});
    }
    SECTION("type") {
        expect({.type = audit_type::sign_in}, {"e6", "e4", "e2", "e1"});
        expect({.type = audit_type::account_disabled}, {"e5"});
        expect({.type = audit_type::password_reset}, {});
    }
    SECTION("since, inclusive") {
        expect({.since = t0}, {"e6", "e5", "e4", "e3", "e2"});
        expect({.since = t0 + 2h}, {"e6", "e5"});
        expect({.since = t0 + 2h + 1s}, {});
    }
    SECTION("until, exclusive") {
        expect({.until = t0}, {"e1"});
        expect({.until = t0 + 1s}, {"e3", "e2", "e1"});
        expect({.until = t0 - 1h}, {});
    }
    SECTION("since and until") {
        expect({.since = t0, .until = t0 + 2h}, {"e4", "e3", "e2"});
        expect({.since = t0 - 1h, .until = t0 - 1h + 1s}, {"e1"});
    }
    SECTION("every filter at once") {
        expect({.principal_id = alice, .type = audit_type::sign_in, .since = t0, .until = t0 + 2h + 1s}, {"e6", "e4"});
        expect({.principal_id = alice, .type = audit_type::sign_in, .since = t0, .until = t0 + 2h}, {"e4"});
        expect({.principal_id = bob, .type = audit_type::sign_in, .since = t0 + 1s}, {});
    }
}

TEST_CASE("the audit list pages newest first, and count counts every matching event whatever the page",
          "[contract][audit]") {
    backend_under_test b;
    add_six(b);
    CHECK(details(listed(b, {.page = 0, .size = 4})) == names{"e6", "e5", "e4", "e3"});
    CHECK(details(listed(b, {.page = 1, .size = 4})) == names{"e2", "e1"});
    CHECK(details(listed(b, {.page = 2, .size = 4})).empty());
    CHECK(details(listed(b, {.page = 0, .size = 1})) == names{"e6"});
    CHECK(details(listed(b, {.page = 5, .size = 1})) == names{"e1"});
    CHECK(details(listed(b, {.page = 6, .size = 1})).empty());
    CHECK(counted(b, {.page = 0, .size = 1}) == 6);
    CHECK(counted(b, {.page = 9, .size = 4}) == 6);
    // Pages of a filtered list.
    CHECK(details(listed(b, {.page = 0, .size = 3, .principal_id = alice})) == names{"e6", "e4", "e3"});
    CHECK(details(listed(b, {.page = 1, .size = 3, .principal_id = alice})) == names{"e1"});
    CHECK(counted(b, {.page = 1, .size = 3, .principal_id = alice}) == 4);
}

TEST_CASE("an audit event added in a unit of work that throws is rolled back with the change it records",
          "[contract][audit][transactions]") {
    backend_under_test b;
    CHECK_THROWS_AS(b.uow->write([&](repositories& r) {
        REQUIRE(r.users.insert(account(alice, "cleo@example.com")));
        r.audit.add(event_of(audit_type::account_registered, alice, t0, "rolled back"));
        throw std::runtime_error("the request failed after recording");
    }),
                    std::runtime_error);
    CHECK(all_events(b).empty());
    CHECK(counted(b, {}) == 0);
    b.uow->read([&](repositories& r) { CHECK_FALSE(r.users.find_by_id(alice)); });

    // The next unit of work records as usual.
    add(b, {event_of(audit_type::account_registered, alice, t0 + 1s, "committed")});
    CHECK(details(all_events(b)) == names{"committed"});
}

TEST_CASE("a user agent of 512 printable characters is stored whole", "[contract][audit]") {
    backend_under_test b;
    std::string agent;
    for (int i = 0; i < 512; ++i) agent += static_cast<char>(0x20 + (i + 33) % 95);  // ' ' to '~', from 'A'
    REQUIRE(agent.size() == 512);
    auto e = event_of(audit_type::sign_in, alice, t0, "long agent");
    e.user_agent = agent;
    e.ip = "203.0.113.254";
    e.request_id = "req-long-agent";
    add(b, {e});
    const auto events = all_events(b);
    REQUIRE(events.size() == 1);
    CHECK(events[0].user_agent == agent);
    CHECK(events[0].request_id == "req-long-agent");
}

TEST_CASE("retention deletes the audit events recorded before the cutoff, at most its limit at a time",
          "[contract][audit][retention]") {
    backend_under_test b;
    const time_point cutoff = t0 - std::chrono::days{365};
    add(b, {event_of(audit_type::sign_in, alice, cutoff - std::chrono::days{10}, "old-1"),
            event_of(audit_type::sign_in, bob, cutoff - 1h, "old-2"),
            event_of(audit_type::logout, alice, cutoff - 1s, "old-3"),
            event_of(audit_type::sign_in, alice, cutoff, "at-cutoff"),  // recorded at the cutoff: not before it
            event_of(audit_type::logout, bob, cutoff + 1s, "after-cutoff"),
            event_of(audit_type::sign_in, alice, t0, "recent")});

    CHECK(delete_ended(b, cutoff, 2) == 2);
    CHECK(counted(b, {}) == 4);
    CHECK(counted(b, {.until = cutoff}) == 1);
    CHECK(delete_ended(b, cutoff, 2) == 1);
    CHECK(delete_ended(b, cutoff, 2) == 0);
    CHECK(details(all_events(b)) == names{"recent", "after-cutoff", "at-cutoff"});

    // Another kind's clean-up leaves the trail alone.
    CHECK(write_tx(*b.uow, [&](repositories& r) {
              return r.retention.delete_ended(ended_rows::otp_codes, t0 + std::chrono::days{3650}, 100);
          }) == 0);
    CHECK(counted(b, {}) == 3);
}
