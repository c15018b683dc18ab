#include "core/users/profile_service.hpp"

#include <catch2/catch.hpp>

#include "tests/support/identity_fixture.hpp"

using namespace authd;
using namespace std::chrono_literals;

namespace {
struct fixture : test::identity_fixture {
    profile_service profile{store, hasher, tokens, clock, lockout_policy{}};

    token_pair login(const std::string& email = "ana@example.com") {
        auto r = identity_fixture::login("correct-horse", email);
        REQUIRE(r.ok());
        REQUIRE(r->tokens);
        return *r->tokens;
    }
};

preferences_change replace_with(std::string json) {
    return [json = std::move(json)](const std::string&) { return json; };
}
}  // namespace

TEST_CASE("a profile update changes the name and username and stamps updated_at", "[core][users][profile]") {
    fixture f;
    const auto u = f.registered();
    f.clock.advance(1h);
    auto r = f.profile.update(u.id, {"Ana María", "ana_m", false});
    REQUIRE(r.ok());
    CHECK(r->name == "Ana María");
    CHECK(r->username == "ana_m");
    CHECK(r->updated_at == f.clock.now());
    CHECK(f.auth.find(u.id)->username == "ana_m");
}

TEST_CASE("a profile update leaves absent fields alone and clears the username on request", "[core][users][profile]") {
    fixture f;
    const auto u = f.registered("ana@example.com", "ana");
    auto kept = f.profile.update(u.id, {std::nullopt, std::nullopt, false});
    REQUIRE(kept.ok());
    CHECK(kept->name == "Ana");
    CHECK(kept->username == "ana");
    auto cleared = f.profile.update(u.id, {std::nullopt, std::nullopt, true});
    REQUIRE(cleared.ok());
    CHECK_FALSE(cleared->username);
}

TEST_CASE("a profile update lists every bad field", "[core][users][profile]") {
    fixture f;
    const auto u = f.registered();
    auto r = f.profile.update(u.id, {"   ", "a!", false});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == errc::validation_failed);
    CHECK(r.error().fields.size() == 2);
}

TEST_CASE("a username held by someone else is username_taken, and one's own is no conflict", "[core][users][profile]") {
    fixture f;
    f.registered("bob@example.com", "bob");
    const auto u = f.registered("ana@example.com", "ana");
    auto taken = f.profile.update(u.id, {std::nullopt, "bob", false});
    REQUIRE_FALSE(taken.ok());
    CHECK(taken.error().code == errc::username_taken);
    CHECK(f.profile.update(u.id, {std::nullopt, "ana", false}).ok());
}

TEST_CASE("deleting the account needs the right password", "[core][users][profile]") {
    fixture f;
    const auto u = f.registered();
    auto wrong = f.profile.remove(u.id, "wrong-horse");
    REQUIRE_FALSE(wrong.ok());
    CHECK(wrong.error().code == errc::invalid_credentials);
    CHECK(f.auth.find(u.id).ok());
}

TEST_CASE("wrong passwords at account deletion count as failed logins, and the fifth locks",
          "[core][users][profile][lockout]") {
    fixture f;
    const auto u = f.registered();
    for (int i = 0; i < 4; ++i) CHECK(f.profile.remove(u.id, "wrong-horse").error().code == errc::invalid_credentials);
    auto fifth = f.profile.remove(u.id, "wrong-horse");
    CHECK(fifth.error().code == errc::account_locked);
    CHECK(fifth.error().retry_after == 15min);
    CHECK(f.profile.remove(u.id, "correct-horse").error().code == errc::account_locked);
    CHECK(f.store.snapshot().users.count(u.id) == 1);
    f.clock.advance(15min);
    CHECK(f.profile.remove(u.id, "correct-horse").ok());
}

TEST_CASE("deleting the account removes it and ends every one of its sessions", "[core][users][profile]") {
    fixture f;
    const auto u = f.registered();
    const auto a = f.login();
    const auto b = f.login();
    REQUIRE(f.profile.change_preferences(u.id, replace_with(R"({"theme":"dark"})")).ok());
    REQUIRE(f.profile.remove(u.id, "correct-horse").ok());
    CHECK_FALSE(f.auth.find(u.id).ok());
    CHECK_FALSE(f.tokens.authenticate(a.access_token).ok());
    CHECK_FALSE(f.tokens.authenticate(b.access_token).ok());
    CHECK_FALSE(f.tokens.refresh(a.refresh_token).ok());
    CHECK(f.store.snapshot().user_preferences.empty());
}

TEST_CASE("a new user's preferences are the empty object", "[core][users][preferences]") {
    fixture f;
    const auto u = f.registered();
    auto p = f.profile.preferences(u.id);
    REQUIRE(p.ok());
    CHECK(p.value() == "{}");
}

TEST_CASE("a change of preferences sees the stored ones and its result is kept", "[core][users][preferences]") {
    fixture f;
    const auto u = f.registered();
    REQUIRE(f.profile.change_preferences(u.id, replace_with(R"({"a":1})")).ok());
    std::string seen;
    auto p = f.profile.change_preferences(u.id, [&](const std::string& current) {
        seen = current;
        return std::string(R"({"a":1,"b":2})");
    });
    REQUIRE(p.ok());
    CHECK(seen == R"({"a":1})");
    CHECK(f.profile.preferences(u.id).value() == R"({"a":1,"b":2})");
}

TEST_CASE("preferences over 64 KiB are refused naming preferences, and the old ones stay",
          "[core][users][preferences]") {
    fixture f;
    const auto u = f.registered();
    const std::string just_fits = R"({"k":")" + std::string(max_preferences_bytes - 8, 'x') + "\"}";
    REQUIRE(just_fits.size() == max_preferences_bytes);
    CHECK(f.profile.change_preferences(u.id, replace_with(just_fits)).ok());
    auto r =
        f.profile.change_preferences(u.id, replace_with(R"({"k":")" + std::string(max_preferences_bytes, 'x') + "\"}"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == errc::validation_failed);
    REQUIRE(r.error().fields.size() == 1);
    CHECK(r.error().fields[0].field == "preferences");
    CHECK(f.profile.preferences(u.id).value() == just_fits);
}

TEST_CASE("a user's sessions are listed, and one of them is revoked by its owner only", "[core][sessions]") {
    fixture f;
    const auto ana = f.registered();
    const auto bob = f.registered("bob@example.com");
    const auto a1 = f.login();
    const auto a2 = f.login();
    const auto b1 = f.login("bob@example.com");
    CHECK(f.tokens.sessions_of(ana.id).size() == 2);
    const auto ana_principal = f.tokens.authenticate(a1.access_token).value();
    auto foreign = f.tokens.revoke_session(ana_principal, b1.session_id);
    REQUIRE_FALSE(foreign.ok());
    CHECK(foreign.error().code == errc::not_found);
    CHECK(f.tokens.authenticate(b1.access_token).ok());
    CHECK(f.tokens.revoke_session(ana_principal, "not-a-uuid").error().code == errc::not_found);
    REQUIRE(f.tokens.revoke_session(ana_principal, a2.session_id).ok());
    CHECK_FALSE(f.tokens.authenticate(a2.access_token).ok());
    CHECK(f.tokens.revoke_session(ana_principal, a2.session_id).error().code == errc::not_found);
    CHECK(f.tokens.sessions_of(ana.id).size() == 1);
    CHECK(f.tokens.sessions_of(bob.id).size() == 1);
}

TEST_CASE("expired sessions are not listed", "[core][sessions]") {
    fixture f;
    const auto u = f.registered();
    f.login();
    f.clock.advance(std::chrono::days{8});
    CHECK(f.tokens.sessions_of(u.id).empty());
}

TEST_CASE("the last active admin cannot delete their own account, but one of two admins can",
          "[core][users][profile]") {
    fixture f;
    const auto boss = f.registered("boss@example.com");
    f.store.write([&](repositories& r) { r.users.set_roles(boss.id, {"admin"}); });
    CHECK(f.profile.remove(boss.id, "correct-horse").error().code == errc::last_admin);
    const auto other = f.registered("other@example.com");
    f.store.write([&](repositories& r) { r.users.set_roles(other.id, {"admin"}); });
    CHECK(f.profile.remove(boss.id, "correct-horse").ok());
    CHECK(f.profile.remove(other.id, "correct-horse").error().code == errc::last_admin);
}
