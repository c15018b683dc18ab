#include "core/sessions/token_service.hpp"

#include <catch2/catch.hpp>
#include <thread>

#include "core/sessions/refresh_token_key.hpp"
#include "tests/support/fakes.hpp"

using namespace authd;
using namespace std::chrono_literals;

namespace {
struct fixture {
    test::fake_clock clock;
    test::counting_random rng;
    test::fake_digest digest;
    test::fake_codec codec;
    test::memory_store store;
    token_service tokens{store, codec, digest, rng, clock, token_settings{}};
    user alice = make_user();

    user make_user() {
        user u;
        u.id = "u-1";
        u.email = "alice@example.com";
        u.name = "Alice";
        u.password_hash = "hash:secret-password";
        u.roles = {"customer"};
        store.write([&](repositories& r) { (void)r.users.insert(u); });
        return u;
    }
    token_pair login() {
        return write_tx(store, [&](repositories& r) {
            return tokens.start_session(r, alice.id, principal_type::user, alice.roles, {"test", "127.0.0.1"});
        });
    }
};
}  // namespace

TEST_CASE("a new session's access token authenticates its principal", "[core][sessions]") {
    fixture f;
    const auto pair = f.login();
    CHECK(pair.expires_in == 15min);
    const auto who = f.tokens.authenticate(pair.access_token);
    REQUIRE(who.ok());
    CHECK(who->id == "u-1");
    CHECK(who->type == principal_type::user);
    CHECK(who->session_id == pair.session_id);
    CHECK(who->has_role("customer"));
}

TEST_CASE("an access token expires after its lifetime", "[core][sessions]") {
    fixture f;
    const auto pair = f.login();
    f.clock.advance(15min - 1s);
    CHECK(f.tokens.authenticate(pair.access_token).ok());
    f.clock.advance(1s);
    CHECK(f.tokens.authenticate(pair.access_token).error().code == errc::unauthenticated);
}

TEST_CASE("refresh rotates: a new pair in the same session, and the old token is spent", "[core][sessions]") {
    fixture f;
    const auto first = f.login();
    const auto second = f.tokens.refresh(first.refresh_token);
    REQUIRE(second.ok());
    CHECK(second->session_id == first.session_id);
    CHECK(second->refresh_token != first.refresh_token);
    CHECK(f.tokens.authenticate(second->access_token).ok());
    CHECK(f.tokens.refresh(second->refresh_token).ok());
}

TEST_CASE("login and refresh store each refresh token under its key, led by the time it was issued",
          "[core][sessions][refresh_key]") {
    fixture f;
    const auto first = f.login();
    f.clock.advance(1s);
    const auto second = f.tokens.refresh(first.refresh_token);
    REQUIRE(second.ok());
    const auto stored = f.store.snapshot().refresh_tokens;
    const auto first_key = refresh_token_key(f.digest, first.refresh_token);
    const auto second_key = refresh_token_key(f.digest, second->refresh_token);
    REQUIRE(stored.count(first_key) == 1);
    REQUIRE(stored.count(second_key) == 1);
    CHECK(stored.size() == 2);
    CHECK(first_key.substr(0, 10) == "006b023080");  // the fixture's clock: 2026-11-22 00:00:00 UTC
    CHECK(second_key.substr(0, 10) == "006b023081");
    CHECK(first_key < second_key);
}

TEST_CASE("a refresh token stored before the time prefix still refreshes, into one with the prefix",
          "[core][sessions][refresh_key]") {
    fixture f;
    const auto first = f.login();
    // What an older authd issued: 43 characters of base64url, stored under its whole SHA-256.
    const std::string legacy = first.refresh_token.substr(10);
    f.store.write([&](repositories& r) {
        r.sessions.insert_refresh_token(
            refresh_token{f.digest.sha256_hex(legacy), first.session_id, f.clock.now(), f.clock.now() + 7 * 24h, {}});
    });
    const auto next = f.tokens.refresh(legacy);
    REQUIRE(next.ok());
    CHECK(next->session_id == first.session_id);
    CHECK(next->refresh_token.size() == 53);
    CHECK(f.tokens.refresh(legacy).ok());  // rotated, within the grace window: the same rules as any token
    f.clock.advance(10s);
    CHECK(f.tokens.refresh(legacy).error().code == errc::refresh_token_reused);
}

TEST_CASE("a rotated token presented within the grace window still works", "[core][sessions]") {
    fixture f;
    const auto first = f.login();
    REQUIRE(f.tokens.refresh(first.refresh_token).ok());
    f.clock.advance(9s);
    const auto again = f.tokens.refresh(first.refresh_token);
    REQUIRE(again.ok());
    CHECK(again->session_id == first.session_id);
}

TEST_CASE("the grace window is N seconds, not N plus the rest of a second", "[core][sessions]") {
    fixture f;
    const auto first = f.login();
    REQUIRE(f.tokens.refresh(first.refresh_token).ok());
    f.clock.advance(10s);
    CHECK(f.tokens.refresh(first.refresh_token).error().code == errc::refresh_token_reused);
}

TEST_CASE("with a grace of 0 any reuse, even in the same second, revokes the session", "[core][sessions]") {
    fixture f;
    token_settings strict;
    strict.reuse_grace = 0s;
    token_service tokens{f.store, f.codec, f.digest, f.rng, f.clock, strict};
    const auto first = write_tx(f.store, [&](repositories& r) {
        return tokens.start_session(r, f.alice.id, principal_type::user, f.alice.roles, {"test", "127.0.0.1"});
    });
    const auto second = tokens.refresh(first.refresh_token);
    REQUIRE(second.ok());
    CHECK(tokens.refresh(first.refresh_token).error().code == errc::refresh_token_reused);
    CHECK(tokens.refresh(second->refresh_token).error().code == errc::invalid_refresh_token);
    CHECK(tokens.authenticate(second->access_token).error().code == errc::unauthenticated);
}

TEST_CASE("a session used every day still ends SESSION_MAX_DAYS after its sign-in", "[core][sessions]") {
    fixture f;
    auto pair = f.login();
    for (int day = 1; day < 30; ++day) {
        f.clock.advance(std::chrono::days{1});
        auto next = f.tokens.refresh(pair.refresh_token);
        REQUIRE(next.ok());
        pair = std::move(next.value());
    }
    const auto last = f.store.snapshot().sessions.at(pair.session_id);
    CHECK(last.expires_at == last.created_at + std::chrono::days{30});  // never slid past the absolute end
    f.clock.advance(std::chrono::days{1});
    const auto over = f.tokens.refresh(pair.refresh_token);
    REQUIRE_FALSE(over.ok());
    CHECK(over.error().code == errc::invalid_refresh_token);
}

TEST_CASE("the grace window is not restarted by a reuse", "[core][sessions]") {
    fixture f;
    const auto first = f.login();
    REQUIRE(f.tokens.refresh(first.refresh_token).ok());
    f.clock.advance(8s);
    REQUIRE(f.tokens.refresh(first.refresh_token).ok());
    f.clock.advance(2s);  // 10 s after the rotation
    CHECK(f.tokens.refresh(first.refresh_token).error().code == errc::refresh_token_reused);
}

TEST_CASE("a rotated token replayed after the grace window revokes the whole session", "[core][sessions]") {
    fixture f;
    const auto first = f.login();
    const auto second = f.tokens.refresh(first.refresh_token);
    REQUIRE(second.ok());
    f.clock.advance(11s);
    const auto replay = f.tokens.refresh(first.refresh_token);
    REQUIRE_FALSE(replay.ok());
    CHECK(replay.error().code == errc::refresh_token_reused);
    // Everything of that session is dead now, including the legitimate newest pair.
    CHECK(f.tokens.refresh(second->refresh_token).error().code == errc::invalid_refresh_token);
    CHECK(f.tokens.authenticate(second->access_token).error().code == errc::unauthenticated);
}

TEST_CASE("a refresh token expires after 7 days", "[core][sessions]") {
    fixture f;
    const auto pair = f.login();
    f.clock.advance(std::chrono::days{7});
    CHECK(f.tokens.refresh(pair.refresh_token).error().code == errc::invalid_refresh_token);
}

TEST_CASE("an unknown refresh token is refused", "[core][sessions]") {
    fixture f;
    CHECK(f.tokens.refresh("nonsense").error().code == errc::invalid_refresh_token);
}

TEST_CASE("logout revokes the session: its access and refresh tokens stop working", "[core][sessions]") {
    fixture f;
    const auto pair = f.login();
    const auto who = f.tokens.authenticate(pair.access_token);
    REQUIRE(who.ok());
    CHECK(f.tokens.logout(who.value()).ok());
    CHECK(f.tokens.authenticate(pair.access_token).error().code == errc::unauthenticated);
    CHECK(f.tokens.refresh(pair.refresh_token).error().code == errc::invalid_refresh_token);
}

TEST_CASE("logout of every session leaves none working", "[core][sessions]") {
    fixture f;
    const auto a = f.login();
    const auto b = f.login();
    f.tokens.logout_all(f.alice.id);
    CHECK_FALSE(f.tokens.authenticate(a.access_token).ok());
    CHECK_FALSE(f.tokens.authenticate(b.access_token).ok());
}

TEST_CASE("a disabled account cannot refresh, and its session is revoked", "[core][sessions]") {
    fixture f;
    const auto pair = f.login();
    f.store.write([&](repositories& r) {
        auto u = *r.users.find_by_id(f.alice.id);
        u.is_active = false;
        r.users.update(u);
    });
    CHECK(f.tokens.refresh(pair.refresh_token).error().code == errc::invalid_refresh_token);
    CHECK_FALSE(f.tokens.authenticate(pair.access_token).ok());
}

TEST_CASE("of many concurrent refreshes with one token, each gets a pair and exactly one rotates", "[core][sessions]") {
    fixture f;
    const auto pair = f.login();
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int i = 0; i < 16; ++i)
        threads.emplace_back([&] {
            if (f.tokens.refresh(pair.refresh_token).ok()) ++ok;
        });
    for (auto& t : threads) t.join();
    CHECK(ok == 16);  // all within the grace window
    const auto data = f.store.snapshot();
    int unrotated = 0;
    for (const auto& [digest, t] : data.refresh_tokens) unrotated += t.rotated_at ? 0 : 1;
    CHECK(unrotated == 16);  // the 16 new tokens; the presented one rotated once
    CHECK(data.refresh_tokens.size() == 17);
}

namespace {
/// Two instances on one database: each its own token service and session view, on the same store and clock.
struct two_instances : fixture {
    session_view::ticks t{};
    session_view view_a{{}, [this] { return t; }};
    session_view view_b{{}, [this] { return t; }};
    token_service a{store, codec, digest, rng, clock, token_settings{}, &view_a};
    token_service b{store, codec, digest, rng, clock, token_settings{}, &view_b};

    bool live_on(token_service& on, const std::string& access_token) { return on.authenticate(access_token).ok(); }
    bool live_in_memory(token_service& on, const std::string& access_token) {
        const auto claims = on.verify(access_token);
        return claims.ok() && on.authenticate_from_memory(claims.value()).has_value();
    }
};
}  // namespace

TEST_CASE("with a session view, a token checked once is then known from memory", "[core][sessions]") {
    two_instances f;
    const auto pair = f.login();
    CHECK_FALSE(f.live_in_memory(f.a, pair.access_token));  // never read yet: only the database can tell
    REQUIRE(f.live_on(f.a, pair.access_token));
    CHECK(f.live_in_memory(f.a, pair.access_token));
    const auto who = f.a.authenticate_from_memory(f.a.verify(pair.access_token).value());
    REQUIRE(who);
    CHECK(who->id == "u-1");
    CHECK(who->session_id == pair.session_id);
    CHECK(who->has_role("customer"));
    CHECK_FALSE(f.live_in_memory(f.b, pair.access_token));  // each instance has its own memory
}

TEST_CASE("with a session view, a logout or a revocation is refused at once on the instance that made it",
          "[core][sessions]") {
    two_instances f;
    const auto first = f.login();
    const auto second = f.login();
    const auto third = f.login();
    for (const auto* p : {&first, &second, &third}) REQUIRE(f.live_on(f.a, p->access_token));

    REQUIRE(f.a.logout(f.a.authenticate(first.access_token).value()).ok());
    CHECK_FALSE(f.live_in_memory(f.a, first.access_token));
    CHECK_FALSE(f.live_on(f.a, first.access_token));

    const auto who = f.a.authenticate(second.access_token).value();
    REQUIRE(f.a.revoke_session(who, third.session_id).ok());
    CHECK_FALSE(f.live_on(f.a, third.access_token));

    f.store.write([&](repositories& r) { f.a.revoke_all(r, "u-1"); });  // disable, delete, a role taken away
    CHECK_FALSE(f.live_on(f.a, second.access_token));
}

TEST_CASE("with a session view, another instance's revocation is honoured within the recheck interval",
          "[core][sessions]") {
    two_instances f;
    const auto pair = f.login();
    REQUIRE(f.live_on(f.b, pair.access_token));
    REQUIRE(f.a.logout(f.a.authenticate(pair.access_token).value()).ok());
    // Instance b learns of it from the database: until its memory is 100 ms old it may still say live (the bound
    // SESSION_RECHECK_MS documents), and from then on it never does.
    f.t += 99ms;
    CHECK(f.live_in_memory(f.b, pair.access_token));
    f.t += 1ms;
    CHECK_FALSE(f.live_in_memory(f.b, pair.access_token));
    CHECK_FALSE(f.live_on(f.b, pair.access_token));
}

TEST_CASE("with a session view, a token whose session the database said had ended is refused before any read",
          "[core][sessions]") {
    two_instances f;
    const auto ended = f.login();
    const auto other = f.login();
    REQUIRE(f.live_on(f.b, ended.access_token));
    REQUIRE(f.a.logout(f.a.authenticate(ended.access_token).value()).ok());
    // Until a read says so, the signature alone lets it in (only the database can tell).
    CHECK(f.b.verify_unless_ended(ended.access_token).ok());
    f.t += 100ms;
    CHECK_FALSE(f.live_on(f.b, ended.access_token));  // the read that finds it ended
    const auto refused = f.b.verify_unless_ended(ended.access_token);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == errc::unauthenticated);
    f.t += std::chrono::minutes{10};  // still, however long after
    CHECK_FALSE(f.b.verify_unless_ended(ended.access_token).ok());
    CHECK(f.b.verify_unless_ended(other.access_token).ok());  // the user's other session is not touched
    CHECK(f.live_on(f.b, other.access_token));
    CHECK(f.a.verify_unless_ended(ended.access_token).ok());  // each instance learns it by its own read

    // A subject that does not own a live session is refused, and the session is not taken for ended.
    auto claims = f.b.verify(other.access_token).value();
    claims.subject = "u-someone-else";
    CHECK_FALSE(f.b.authenticate_from_store(std::move(claims)).ok());
    CHECK(f.b.verify_unless_ended(other.access_token).ok());
    // Nor is a session only past its end by this instance's clock: another's refresh may still move that end.
    const auto claims_then = f.b.verify(other.access_token).value();
    f.clock.advance(std::chrono::days{8});  // past the 7 days a refresh token lives
    CHECK_FALSE(f.b.authenticate_from_store(access_claims(claims_then)).ok());
    CHECK_FALSE(f.view_b.known_ended(other.session_id));
    CHECK(f.view_b.known_ended(ended.session_id));
}

TEST_CASE("with a session view, a token whose subject does not own its session is refused from memory too",
          "[core][sessions]") {
    two_instances f;
    const auto pair = f.login();
    REQUIRE(f.live_on(f.a, pair.access_token));
    auto claims = f.a.verify(pair.access_token).value();
    claims.subject = "u-someone-else";
    CHECK_FALSE(f.a.authenticate_from_memory(claims));
    CHECK(f.a.authenticate(std::move(claims)).error().code == errc::unauthenticated);
}
