#include "core/users/auth_service.hpp"

#include <catch2/catch.hpp>

#include "tests/support/identity_fixture.hpp"

using namespace authd;
using namespace std::chrono_literals;

using fixture = test::identity_fixture;

TEST_CASE("registration stores a hashed password, a lower-cased e-mail and the customer role", "[core][users]") {
    fixture f;
    auto r = f.auth.register_user({"Ana@Example.COM", "correct-horse", "Ana", "ana"});
    REQUIRE(r.ok());
    CHECK(r->email == "ana@example.com");
    CHECK(r->roles == std::vector<std::string>{"customer"});
    CHECK(r->password_hash == "hash:correct-horse");
}

TEST_CASE("registration lists every bad field at once", "[core][users]") {
    fixture f;
    auto r = f.auth.register_user({"nope", "short", "", "a"});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == errc::validation_failed);
    std::vector<std::string> fields;
    for (const auto& e : r.error().fields) fields.push_back(e.field);
    CHECK(fields == std::vector<std::string>{"email", "password", "name", "username"});
}

TEST_CASE("an e-mail or username can be registered once", "[core][users]") {
    fixture f;
    REQUIRE(f.auth.register_user({"ana@example.com", "correct-horse", "Ana", "ana"}).ok());
    CHECK(f.auth.register_user({"ANA@example.com", "correct-horse", "Ana", std::nullopt}).error().code ==
          errc::email_taken);
    CHECK(f.auth.register_user({"bea@example.com", "correct-horse", "Bea", "ana"}).error().code ==
          errc::username_taken);
}

TEST_CASE("login with the right password opens a session", "[core][users]") {
    fixture f;
    f.registered();
    auto r = f.login("correct-horse", "ANA@example.com");
    REQUIRE(r.ok());
    CHECK(r->account.email == "ana@example.com");
    REQUIRE(r->tokens);
    CHECK_FALSE(r->mfa);
    CHECK(f.tokens.authenticate(r->tokens->access_token).ok());
}

TEST_CASE("login by username works too", "[core][users]") {
    fixture f;
    REQUIRE(f.auth.register_user({"ana@example.com", "correct-horse", "Ana", "ana"}).ok());
    CHECK(f.login("correct-horse", "ana").ok());
}

TEST_CASE("a wrong password and an unknown e-mail get the same answer", "[core][users]") {
    fixture f;
    f.registered();
    const auto wrong = f.login("wrong-horse");
    const auto unknown = f.login("correct-horse", "nobody@example.com");
    CHECK(wrong.error().code == errc::invalid_credentials);
    CHECK(unknown.error().code == errc::invalid_credentials);
    CHECK(wrong.error().detail == unknown.error().detail);
}

TEST_CASE("a fifth wrong password in a row locks the account for 15 minutes", "[core][users][lockout]") {
    fixture f;
    f.registered();
    for (int i = 0; i < 4; ++i) CHECK(f.login("wrong-horse").error().code == errc::invalid_credentials);
    const auto fifth = f.login("wrong-horse");
    CHECK(fifth.error().code == errc::account_locked);
    CHECK(fifth.error().retry_after == 15min);
    // Locked even for the right password, with the time left as Retry-After.
    f.clock.advance(5min);
    const auto right = f.login("correct-horse");
    CHECK(right.error().code == errc::account_locked);
    CHECK(right.error().retry_after == 10min);
    f.clock.advance(10min);
    CHECK(f.login("correct-horse").ok());
}

TEST_CASE("a successful login resets the failure count", "[core][users][lockout]") {
    fixture f;
    f.registered();
    for (int i = 0; i < 4; ++i) (void)f.login("wrong-horse");
    REQUIRE(f.login("correct-horse").ok());
    for (int i = 0; i < 4; ++i) CHECK(f.login("wrong-horse").error().code == errc::invalid_credentials);
}

TEST_CASE("a disabled account is refused with the right password only", "[core][users]") {
    fixture f;
    auto u = f.registered();
    f.store.write([&](repositories& r) {
        u.is_active = false;
        r.users.update(u);
    });
    CHECK(f.login("wrong-horse").error().code == errc::invalid_credentials);
    CHECK(f.login("correct-horse").error().code == errc::account_disabled);
}

TEST_CASE("a legacy hash is upgraded on the next successful login", "[core][users]") {
    fixture f;
    auto u = f.registered();
    f.store.write([&](repositories& r) {
        u.password_hash = "legacy:correct-horse";
        r.users.update(u);
    });
    REQUIRE(f.login("correct-horse").ok());
    CHECK(f.store.snapshot().users.at(u.id).password_hash == "hash:correct-horse");
}

TEST_CASE("the current user is shown without secrets, and from memory once read, until the recheck interval",
          "[core][users]") {
    fixture f;
    recent_reads<user>::ticks t{};
    recent_reads<user> profiles(recent_reads_settings{}, [&] { return t; });
    auth_service auth{f.store,    f.hasher, f.screen, f.tokens,         f.factor,
                      f.notifier, f.rng,    f.clock,  lockout_policy{}, &profiles};
    const auto ana = f.registered();
    REQUIRE_FALSE(ana.password_hash.empty());
    const auto who = f.just_signed_in(ana.id);
    CHECK_FALSE(auth.current_user_from_memory(who));  // never read: only the database can tell
    const auto shown = auth.current_user(who);
    REQUIRE(shown.ok());
    CHECK(shown->email == "ana@example.com");
    CHECK(shown->password_hash.empty());
    const auto remembered = auth.current_user_from_memory(who);
    REQUIRE(remembered);
    CHECK(remembered->email == "ana@example.com");
    CHECK(remembered->password_hash.empty());
    t += std::chrono::milliseconds{100};
    CHECK_FALSE(auth.current_user_from_memory(who));
    // A change here is told to the memory by the storage (forget): the next read goes to the database.
    REQUIRE(auth.current_user(who).ok());
    profiles.forget(ana.id);
    CHECK_FALSE(auth.current_user_from_memory(who));
}
