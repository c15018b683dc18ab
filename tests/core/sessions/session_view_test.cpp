#include "core/sessions/session_view.hpp"

#include <catch2/catch.hpp>

using namespace authd;
using namespace std::chrono_literals;

namespace {
/// A session view on a hand-moved steady clock.
struct fixture {
    session_view::ticks t{};
    time_point now{std::chrono::sys_days{std::chrono::year{2026} / 12 / 4}};
    session_view view;

    explicit fixture(session_view::settings s = {}) : view(s, [this] { return t; }) {}

    live_session alice(seconds lasts = 3600s) const {
        return live_session{"u-alice", principal_type::user, now - 60s, now + lasts};
    }
};
}  // namespace

TEST_CASE("session view: a session seen live is known until the recheck interval has passed", "[core][sessions]") {
    fixture f;
    CHECK_FALSE(f.view.find("s-1", f.now));
    f.view.remember("s-1", f.alice());
    const auto known = f.view.find("s-1", f.now);
    REQUIRE(known);
    CHECK(known->principal_id == "u-alice");
    CHECK(known->created_at == f.now - 60s);
    f.t += 99ms;
    CHECK(f.view.find("s-1", f.now));
    f.t += 1ms;  // 100 ms after the database said so: the database must say it again
    CHECK_FALSE(f.view.find("s-1", f.now));
    CHECK(f.view.size() == 0);
}

TEST_CASE("session view: a session past its end is not known, however recently it was read", "[core][sessions]") {
    fixture f;
    f.view.remember("s-1", f.alice(5s));
    CHECK(f.view.find("s-1", f.now + 4s));
    CHECK_FALSE(f.view.find("s-1", f.now + 5s));
}

TEST_CASE("session view: a forgotten session stays out, even when a read that raced the revocation puts it back",
          "[core][sessions]") {
    fixture f;
    f.view.remember("s-1", f.alice());
    f.view.remember("s-2", f.alice());
    f.view.forget("s-1");
    CHECK_FALSE(f.view.find("s-1", f.now));
    CHECK(f.view.find("s-2", f.now));
    // A token check that read the row before the revoking transaction committed answers after it.
    f.view.remember("s-1", f.alice());
    CHECK_FALSE(f.view.find("s-1", f.now));
    f.t += 2s;  // the quarantine is over: a new read of the database is trusted again
    f.view.remember("s-1", f.alice());
    CHECK(f.view.find("s-1", f.now));
}

TEST_CASE("session view: forgetting a principal drops every session of it and only of it", "[core][sessions]") {
    fixture f;
    for (const auto* id : {"a-1", "a-2", "a-3"}) f.view.remember(id, f.alice());
    f.view.remember("b-1", live_session{"u-bob", principal_type::user, f.now, f.now + 3600s});
    f.view.forget_principal("u-alice");
    CHECK_FALSE(f.view.find("a-1", f.now));
    CHECK_FALSE(f.view.find("a-3", f.now));
    CHECK(f.view.find("b-1", f.now));
    f.view.remember("a-4", f.alice());  // within the quarantine: a racing read is not trusted
    CHECK_FALSE(f.view.find("a-4", f.now));
    f.t += 2s;
    f.view.remember("a-4", f.alice());
    CHECK(f.view.find("a-4", f.now));
}

TEST_CASE("session view: it holds at most its capacity, and a capacity of 0 turns it off", "[core][sessions]") {
    fixture bounded(session_view::settings{.capacity = 160});
    for (int i = 0; i < 2000; ++i) bounded.view.remember("s-" + std::to_string(i), bounded.alice());
    CHECK(bounded.view.size() <= 160);
    CHECK(bounded.view.size() >= 16);                 // every shard keeps what fits
    CHECK(bounded.view.find("s-1999", bounded.now));  // the newest entry is always kept

    fixture off(session_view::settings{.capacity = 0});
    off.view.remember("s-1", off.alice());
    CHECK_FALSE(off.view.find("s-1", off.now));
    CHECK(off.view.size() == 0);
}

TEST_CASE("session view: it counts the lookups it answered (hits) and those it sent to the database (misses)",
          "[core][sessions]") {
    fixture f;
    auto counted = [&] { return std::pair{f.view.lookups().hits, f.view.lookups().misses}; };
    CHECK(counted() == std::pair<std::uint64_t, std::uint64_t>{0, 0});
    CHECK_FALSE(f.view.find("s-1", f.now));  // never read
    f.view.remember("s-1", f.alice());
    CHECK(f.view.find("s-1", f.now));
    CHECK(f.view.find("s-1", f.now));
    CHECK(counted() == std::pair<std::uint64_t, std::uint64_t>{2, 1});
    f.t += 100ms;  // read too long ago
    CHECK_FALSE(f.view.find("s-1", f.now));
    f.view.remember("s-2", f.alice());
    f.view.forget("s-2");  // revoked here
    CHECK_FALSE(f.view.find("s-2", f.now));
    CHECK(counted() == std::pair<std::uint64_t, std::uint64_t>{2, 3});
    f.view.remember("s-3", f.alice(5s));
    CHECK_FALSE(f.view.find("s-3", f.now + 5s));  // held, but past its end: the database decides
    CHECK(counted() == std::pair<std::uint64_t, std::uint64_t>{2, 4});
    CHECK(f.view.size() == 0);  // and it is not kept
}

TEST_CASE("session view: a session the database said had ended stays known as ended, and only it", "[core][sessions]") {
    fixture f;
    CHECK_FALSE(f.view.known_ended("s-1"));
    f.view.remember_ended("s-1");
    CHECK(f.view.known_ended("s-1"));
    CHECK_FALSE(f.view.known_ended("s-2"));
    CHECK_FALSE(f.view.find("s-1", f.now));  // ended is not live
    f.t += std::chrono::hours{24};           // far past the recheck interval: an end is final
    CHECK(f.view.known_ended("s-1"));
    f.view.forget("s-1");  // a revocation here changes nothing about it
    f.view.forget_principal("u-alice");
    CHECK(f.view.known_ended("s-1"));

    fixture off(session_view::settings{.capacity = 0});  // memory off: nothing is known, the database decides
    off.view.remember_ended("s-1");
    CHECK_FALSE(off.view.known_ended("s-1"));
}
