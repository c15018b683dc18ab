// The session repository's contract, the same on every backend.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "tests/storage/backend.hpp"

using namespace authd;
using namespace authd::test;
using namespace std::chrono_literals;

namespace {
const time_point t0{std::chrono::sys_days{std::chrono::year{2026} / 11 / 22} + std::chrono::hours{9}};
const std::string alice = "11111111-1111-4111-8111-111111111111";
const std::string bob = "22222222-2222-4222-8222-222222222222";

session sample(std::string id, std::string principal, time_point expires = t0 + std::chrono::days{7}) {
    return session{std::move(id), std::move(principal), principal_type::user, t0, t0, expires, std::nullopt,
                   "curl/8",      "127.0.0.1"};
}
std::string sid(int n) { return "aaaaaaaa-aaaa-4aaa-8aaa-00000000000" + std::to_string(n); }
}  // namespace

TEST_CASE("a session round-trips, and touch moves its times", "[contract][sessions]") {
    backend_under_test b;
    b.uow->write([&](repositories& r) { r.sessions.insert(sample(sid(1), alice)); });
    b.uow->write([&](repositories& r) { r.sessions.touch(sid(1), t0 + 1h, t0 + std::chrono::days{8}); });
    b.uow->read([&](repositories& r) {
        auto s = r.sessions.find(sid(1));
        REQUIRE(s);
        CHECK(s->principal_id == alice);
        CHECK(s->type == principal_type::user);
        CHECK(s->created_at == t0);
        CHECK(s->last_used_at == t0 + 1h);
        CHECK(s->expires_at == t0 + std::chrono::days{8});
        CHECK_FALSE(s->revoked_at);
        CHECK(s->user_agent == "curl/8");
        CHECK(s->ip == "127.0.0.1");
        CHECK_FALSE(r.sessions.find(sid(2)));
    });
}

TEST_CASE("list_active leaves out revoked, expired and other principals' sessions", "[contract][sessions]") {
    backend_under_test b;
    b.uow->write([&](repositories& r) {
        r.sessions.insert(sample(sid(1), alice));
        r.sessions.insert(sample(sid(2), alice));
        r.sessions.insert(sample(sid(3), alice, t0 + 1h));
        r.sessions.insert(sample(sid(4), bob));
        CHECK(r.sessions.revoke(sid(2), t0));
    });
    b.uow->read([&](repositories& r) {
        auto live = r.sessions.list_active(alice, t0 + 2h);
        REQUIRE(live.size() == 1);
        CHECK(live[0].id == sid(1));
    });
}

TEST_CASE("revoke changes a live session once, revoke_all counts what it revoked", "[contract][sessions]") {
    backend_under_test b;
    b.uow->write([&](repositories& r) {
        for (int i = 1; i <= 3; ++i) r.sessions.insert(sample(sid(i), alice));
        r.sessions.insert(sample(sid(4), bob));
    });
    b.uow->write([&](repositories& r) {
        CHECK(r.sessions.revoke(sid(1), t0 + 1min));
        CHECK_FALSE(r.sessions.revoke(sid(1), t0 + 2min));
        CHECK_FALSE(r.sessions.revoke(sid(9), t0));
        CHECK(r.sessions.revoke_all(alice, t0 + 3min) == 2);
        CHECK(r.sessions.revoke_all(alice, t0 + 4min) == 0);
    });
    b.uow->read([&](repositories& r) {
        CHECK(r.sessions.find(sid(1))->revoked_at == t0 + 1min);
        CHECK(r.sessions.find(sid(2))->revoked_at == t0 + 3min);
        CHECK_FALSE(r.sessions.find(sid(4))->revoked_at);
    });
}

TEST_CASE("a refresh token is found by digest and marked rotated exactly once", "[contract][sessions]") {
    backend_under_test b;
    b.uow->write([&](repositories& r) {
        r.sessions.insert(sample(sid(1), alice));
        r.sessions.insert_refresh_token({std::string(64, 'a'), sid(1), t0, t0 + std::chrono::days{7}, std::nullopt});
    });
    b.uow->write([&](repositories& r) {
        auto t = r.sessions.find_refresh_token(std::string(64, 'a'));
        REQUIRE(t);
        CHECK(t->session_id == sid(1));
        CHECK(t->issued_at == t0);
        CHECK(t->expires_at == t0 + std::chrono::days{7});
        CHECK_FALSE(t->rotated_at);
        CHECK_FALSE(r.sessions.find_refresh_token(std::string(64, 'b')));
        CHECK(r.sessions.mark_rotated(std::string(64, 'a'), t0 + 1min));
        CHECK_FALSE(r.sessions.mark_rotated(std::string(64, 'a'), t0 + 2min));
    });
    b.uow->read(
        [&](repositories& r) { CHECK(r.sessions.find_refresh_token(std::string(64, 'a'))->rotated_at == t0 + 1min); });
}

TEST_CASE("of 16 concurrent rotations of one refresh token exactly one wins", "[contract][sessions][race]") {
    backend_under_test b;
    b.uow->write([&](repositories& r) {
        r.sessions.insert(sample(sid(1), alice));
        r.sessions.insert_refresh_token({std::string(64, 'a'), sid(1), t0, t0 + std::chrono::days{7}, std::nullopt});
    });
    std::atomic<int> winners{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 16; ++i)
        threads.emplace_back([&] {
            b.uow->write([&](repositories& r) {
                if (r.sessions.mark_rotated(std::string(64, 'a'), t0 + 1min)) ++winners;
            });
        });
    for (auto& t : threads) t.join();
    CHECK(winners == 1);
}
