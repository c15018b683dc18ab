// TOTP settings and the second step of a login, with a fake clock (API.md "Users": TOTP).
#include <catch2/catch.hpp>

#include <set>

#include "core/users/profile_service.hpp"
#include "tests/support/identity_fixture.hpp"

using namespace authd;
using namespace std::chrono_literals;

namespace {
using fixture = test::identity_fixture;

token_pair tokens_of(const result<login_outcome>& r) {
    REQUIRE(r.ok());
    REQUIRE(r->tokens);
    return *r->tokens;
}

std::string mfa_token_of(const result<login_outcome>& r) {
    REQUIRE(r.ok());
    REQUIRE(r->mfa);
    CHECK_FALSE(r->tokens);
    return r->mfa->mfa_token;
}
}  // namespace

TEST_CASE("setup hands out a base32 seed and an otpauth URI, sealed at rest, MFA still off", "[core][mfa]") {
    fixture f;
    const auto id = f.registered().id;
    auto s = f.totp.setup(id);
    REQUIRE(s.ok());
    CHECK(s->secret.size() == 32);  // 20 bytes in base32
    CHECK(s->otpauth_uri.rfind("otpauth://totp/authd:ana%40example.com?secret=" + s->secret + "&issuer=authd", 0) == 0);
    const auto stored = f.stored(id);
    CHECK_FALSE(stored.mfa_enabled);
    REQUIRE(stored.totp_secret);
    CHECK(stored.totp_secret->rfind("sealed:" + id + ":", 0) == 0);  // went through the secret box, bound to the user
    // Login is unchanged until a code proves the seed.
    CHECK(tokens_of(f.login("correct-horse")).access_token.size() > 0);
}

TEST_CASE("a second setup before verify replaces the pending seed", "[core][mfa]") {
    fixture f;
    const auto id = f.registered().id;
    const auto first = f.totp.setup(id)->secret;
    const auto second = f.totp.setup(id)->secret;
    CHECK(first != second);
}

TEST_CASE("verify turns MFA on with a right code and returns ten distinct recovery codes, stored as digests",
          "[core][mfa]") {
    fixture f;
    const auto id = f.registered().id;
    CHECK(f.totp.enable(f.just_signed_in(id), "123456").error().code == errc::mfa_not_set_up);
    REQUIRE(f.totp.setup(id).ok());
    CHECK(f.totp.enable(f.just_signed_in(id), "000000" == f.totp_code(id) ? "111111" : "000000").error().code ==
          errc::invalid_totp);
    CHECK_FALSE(f.stored(id).mfa_enabled);
    auto codes = f.totp.enable(f.just_signed_in(id), f.totp_code(id));
    REQUIRE(codes.ok());
    CHECK(f.stored(id).mfa_enabled);
    REQUIRE(codes->size() == 10);
    CHECK(std::set<std::string>(codes->begin(), codes->end()).size() == 10);
    for (const auto& c : codes.value()) {
        CHECK(c.size() == 29);  // 24 base32 characters (120 bits) in groups of four
        for (const std::size_t dash : {4u, 9u, 14u, 19u, 24u}) CHECK(c[dash] == '-');
        CHECK(std::count(c.begin(), c.end(), '-') == 5);
    }
    const auto stored = f.store.snapshot().recovery_codes.at(id);
    CHECK(stored.size() == 10);
    for (const auto& [digest, used] : stored) CHECK(digest.rfind("keyed:", 0) == 0);
    // On already: setup and verify say so.
    CHECK(f.totp.setup(id).error().code == errc::mfa_already_enabled);
    CHECK(f.totp.enable(f.just_signed_in(id), f.totp_code(id)).error().code == errc::mfa_already_enabled);
}

TEST_CASE("with TOTP on, a password alone opens a totp challenge and sends nothing", "[core][mfa]") {
    fixture f;
    f.with_totp();
    auto r = f.login("correct-horse");
    mfa_token_of(r);
    CHECK(r->mfa->delivery_method == factor_method::totp);
    CHECK(r->mfa->expires_in == 5min);
    CHECK(f.notifier.sent().empty());
}

TEST_CASE("totpCode logs in in one step, and the same code cannot be used twice", "[core][mfa]") {
    fixture f;
    const auto [id, recovery] = f.with_totp();
    const auto code = f.totp_code(id);
    tokens_of(f.login("correct-horse", "ana@example.com", code));
    // Replayed within its window: refused, counted, and answered with a challenge.
    auto replay = f.login("correct-horse", "ana@example.com", code);
    mfa_token_of(replay);
    CHECK(f.stored(id).lockout.failures == 1);
}

TEST_CASE("a code from one step ago still works (clock drift), two steps ago does not", "[core][mfa]") {
    fixture f;
    const auto [id, recovery] = f.with_totp();
    f.clock.advance(90s);
    tokens_of(f.login("correct-horse", "ana@example.com", f.totp_code(id, -1)));
    f.clock.advance(90s);
    const auto stale = f.totp_code(id, -2);
    if (stale != f.totp_code(id) && stale != f.totp_code(id, -1) && stale != f.totp_code(id, 1))
        mfa_token_of(f.login("correct-horse", "ana@example.com", stale));
}

TEST_CASE("verify_mfa completes a totp challenge once, and the token is spent afterwards", "[core][mfa]") {
    fixture f;
    const auto [id, recovery] = f.with_totp();
    const auto token = mfa_token_of(f.login("correct-horse"));
    auto done = f.auth.verify_mfa(token, f.totp_code(id), {});
    REQUIRE(done.ok());
    CHECK(f.tokens.authenticate(done->tokens.access_token).ok());
    f.clock.advance(30s);
    CHECK(f.auth.verify_mfa(token, f.totp_code(id), {}).error().code == errc::mfa_expired);
    CHECK(f.auth.verify_mfa("never-issued", f.totp_code(id), {}).error().code == errc::mfa_expired);
}

TEST_CASE("a recovery code completes a login once, in any case and without its dash", "[core][mfa]") {
    fixture f;
    const auto [id, recovery] = f.with_totp();
    auto typed = recovery[0];
    std::erase(typed, '-');
    for (auto& c : typed) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    REQUIRE(f.auth.verify_mfa(mfa_token_of(f.login("correct-horse")), typed, {}).ok());
    auto again = f.auth.verify_mfa(mfa_token_of(f.login("correct-horse")), recovery[0], {});
    CHECK(again.error().code == errc::invalid_mfa_code);
    // Another one works, as totpCode too.
    tokens_of(f.login("correct-horse", "ana@example.com", recovery[1]));
}

TEST_CASE("a recovery code of the older, shorter format still works once", "[core][mfa]") {
    fixture f;
    const auto [id, recovery] = f.with_totp();
    // Codes given out before they grew to 120 bits: 10 characters, stored as the digest of their normalized text.
    f.store.write(
        [&](repositories& r) { r.recovery_codes.replace(id, {f.digest.keyed_hex("maq5wpec3o")}, f.clock.now()); });
    REQUIRE(f.auth.verify_mfa(mfa_token_of(f.login("correct-horse")), "MAQ5W-PEC3O", {}).ok());
    CHECK(f.auth.verify_mfa(mfa_token_of(f.login("correct-horse")), "maq5w-pec3o", {}).error().code ==
          errc::invalid_mfa_code);
}

TEST_CASE("a challenge expires after five minutes", "[core][mfa]") {
    fixture f;
    const auto [id, recovery] = f.with_totp();
    const auto token = mfa_token_of(f.login("correct-horse"));
    f.clock.advance(5min);
    CHECK(f.auth.verify_mfa(token, f.totp_code(id), {}).error().code == errc::mfa_expired);
}

TEST_CASE("wrong codes count as failed logins across challenges: the fifth locks and voids the challenge",
          "[core][mfa][lockout]") {
    fixture f;
    const auto [id, recovery] = f.with_totp();
    const auto first = mfa_token_of(f.login("correct-horse"));
    auto wrong = f.auth.verify_mfa(first, "zzzzz-zzzzz", {});
    CHECK(wrong.error().code == errc::invalid_mfa_code);
    CHECK(wrong.error().attempts_remaining == 4);
    (void)f.auth.verify_mfa(first, "zzzzz-zzzzz", {});
    CHECK(f.login("wrong-horse").error().code == errc::invalid_credentials);  // the third failure
    const auto second = mfa_token_of(f.login("correct-horse"));               // a right password resets nothing
    CHECK(f.auth.verify_mfa(second, "zzzzz-zzzzz", {}).error().attempts_remaining == 1);
    auto fifth = f.auth.verify_mfa(second, "zzzzz-zzzzz", {});
    CHECK(fifth.error().code == errc::account_locked);
    CHECK(fifth.error().retry_after == 15min);
    // Locked: a new login is refused, and the lock voided the open challenges, even for the right code.
    CHECK(f.login("correct-horse", "ana@example.com", f.totp_code(id)).error().code == errc::account_locked);
    CHECK(f.auth.verify_mfa(second, f.totp_code(id), {}).error().code == errc::mfa_expired);
    f.clock.advance(15min);
    CHECK(f.auth.verify_mfa(first, f.totp_code(id), {}).error().code == errc::mfa_expired);
    CHECK(f.auth.verify_mfa(second, f.totp_code(id), {}).error().code == errc::mfa_expired);
    tokens_of(f.login("correct-horse", "ana@example.com", f.totp_code(id)));
}

TEST_CASE("a challenge counts wrong codes with the lockout's counter and ends at the maximum, keeping the count",
          "[core][mfa][lockout]") {
    fixture f;
    mfa_challenge c;
    const auto now = f.clock.now();
    const int max = f.factor.settings().max_code_failures;
    for (int i = 1; i < max; ++i) {
        CHECK_FALSE(f.factor.count_wrong_code(c, now));
        CHECK(f.factor.codes_remaining(c) == max - i);
    }
    CHECK_FALSE(c.ended_at);
    CHECK(f.factor.count_wrong_code(c, now));
    CHECK(c.ended_at == now);
    CHECK(c.failures == max);  // not reset to 0 as an account's count is after its lock: the challenge is over
    CHECK(f.factor.codes_remaining(c) == 0);
}

TEST_CASE("a complete login resets the count that wrong codes built up", "[core][mfa][lockout]") {
    fixture f;
    const auto [id, recovery] = f.with_totp();
    for (int i = 0; i < 4; ++i) (void)f.login("correct-horse", "ana@example.com", "zzzzz-zzzzz");
    CHECK(f.stored(id).lockout.failures == 4);
    REQUIRE(f.auth.verify_mfa(mfa_token_of(f.login("correct-horse")), f.totp_code(id), {}).ok());
    CHECK(f.stored(id).lockout.failures == 0);
}

TEST_CASE("a five-wrong-totpCode run locks the account at /api/auth/login too", "[core][mfa][lockout]") {
    fixture f;
    f.with_totp();
    for (int i = 0; i < 4; ++i) mfa_token_of(f.login("correct-horse", "ana@example.com", "zzzzz-zzzzz"));
    CHECK(f.login("correct-horse", "ana@example.com", "zzzzz-zzzzz").error().code == errc::account_locked);
}

TEST_CASE("a disabled account cannot finish a challenge", "[core][mfa]") {
    fixture f;
    const auto [id, recovery] = f.with_totp();
    const auto token = mfa_token_of(f.login("correct-horse"));
    f.store.write([&](repositories& r) {
        auto u = *r.users.find_by_id(id);
        u.is_active = false;
        r.users.update(u);
    });
    CHECK(f.auth.verify_mfa(token, f.totp_code(id), {}).error().code == errc::account_disabled);
}

TEST_CASE("disable needs the password and a code, then login needs the password only", "[core][mfa]") {
    fixture f;
    const auto [id, recovery] = f.with_totp();
    CHECK(f.totp.disable(id, "wrong-horse", f.totp_code(id)).error().code == errc::invalid_credentials);
    CHECK(f.totp.disable(id, "correct-horse", "zzzzz-zzzzz").error().code == errc::invalid_totp);
    CHECK(f.stored(id).mfa_enabled);
    REQUIRE(f.totp.disable(id, "correct-horse", recovery[2]).ok());
    const auto u = f.stored(id);
    CHECK_FALSE(u.mfa_enabled);
    CHECK_FALSE(u.totp_secret);
    CHECK(f.store.snapshot().recovery_codes.at(id).empty());
    CHECK(f.totp.disable(id, "correct-horse", "123456").error().code == errc::mfa_not_enabled);
    tokens_of(f.login("correct-horse"));
}

TEST_CASE("wrong passwords and codes at disable count as failed logins and lock like them", "[core][mfa][lockout]") {
    fixture f;
    const auto [id, recovery] = f.with_totp();
    CHECK(f.totp.disable(id, "wrong-horse", f.totp_code(id)).error().code == errc::invalid_credentials);
    CHECK(f.totp.disable(id, "correct-horse", "zzzzz-zzzzz").error().code == errc::invalid_totp);
    CHECK(f.stored(id).lockout.failures == 2);
    for (int i = 0; i < 2; ++i) (void)f.totp.disable(id, "correct-horse", "zzzzz-zzzzz");
    auto fifth = f.totp.disable(id, "correct-horse", "zzzzz-zzzzz");
    CHECK(fifth.error().code == errc::account_locked);
    CHECK(fifth.error().retry_after == 15min);
    CHECK(f.totp.disable(id, "correct-horse", recovery[0]).error().code == errc::account_locked);
    CHECK(f.stored(id).mfa_enabled);
}

TEST_CASE("an empty totpCode is no code: it opens a challenge without counting a failure", "[core][mfa]") {
    fixture f;
    const auto [id, recovery] = f.with_totp();
    mfa_token_of(f.login("correct-horse", "ana@example.com", ""));
    CHECK(f.stored(id).lockout.failures == 0);
}

TEST_CASE("a lock from wrong passwords voids the challenges already open", "[core][mfa][lockout]") {
    fixture f;
    const auto [id, recovery] = f.with_totp();
    const auto token = mfa_token_of(f.login("correct-horse"));
    for (int i = 0; i < 5; ++i) (void)f.login("wrong-horse");
    // Ended, not merely locked: it will not come back to life when the lock lifts.
    CHECK(f.auth.verify_mfa(token, f.totp_code(id), {}).error().code == errc::mfa_expired);
}

TEST_CASE("a lock from wrong passwords at account deletion voids open challenges too", "[core][mfa][lockout]") {
    fixture f;
    profile_service profile{f.store, f.hasher, f.tokens, f.clock, lockout_policy{}};
    const auto [id, recovery] = f.with_totp();
    const auto token = mfa_token_of(f.login("correct-horse"));
    for (int i = 0; i < 5; ++i) (void)profile.remove(id, "wrong-horse");
    CHECK(f.auth.verify_mfa(token, f.totp_code(id), {}).error().code == errc::mfa_expired);
}

TEST_CASE("turning TOTP on needs a recent sign-in or the password, and a wrong password counts as a failed login",
          "[core][mfa]") {
    fixture f;
    const auto id = f.registered().id;
    REQUIRE(f.totp.setup(id).ok());
    const auto token = f.just_signed_in(id);
    f.clock.advance(10min + 1s);  // a stolen token, used later
    CHECK(f.totp.enable(token, f.totp_code(id)).error().code == errc::reauthentication_required);
    CHECK_FALSE(f.stored(id).mfa_enabled);
    CHECK(f.totp.enable(token, f.totp_code(id), "wrong-password").error().code == errc::invalid_credentials);
    CHECK(f.stored(id).lockout.failures == 1);
    REQUIRE(f.totp.enable(token, f.totp_code(id), "correct-horse").ok());
    CHECK(f.stored(id).mfa_enabled);
}

namespace {
/// The ids of the live sessions of `id` in the store.
std::set<std::string> live_sessions(fixture& f, const std::string& id) {
    std::set<std::string> out;
    for (const auto& [sid, s] : f.store.snapshot().sessions)
        if (s.principal_id == id && !s.revoked_at) out.insert(sid);
    return out;
}
}  // namespace

TEST_CASE("turning MFA on or off may end every other session and keeps the caller's", "[core][mfa][sessions]") {
    fixture f;
    const auto id = f.registered().id;
    const auto mine = tokens_of(f.login("correct-horse")).session_id;
    tokens_of(f.login("correct-horse"));  // another device
    auto me = f.just_signed_in(id);
    me.session_id = mine;

    REQUIRE(f.totp.setup(id).ok());
    REQUIRE(f.totp.enable(me, f.totp_code(id), std::nullopt, true).ok());
    CHECK(live_sessions(f, id) == std::set<std::string>{mine});

    // Off without asking: every session stays.
    f.clock.advance(30s);
    const auto third = tokens_of(f.login("correct-horse", "ana@example.com", f.totp_code(id))).session_id;
    f.clock.advance(30s);
    REQUIRE(f.totp.disable(id, "correct-horse", f.totp_code(id)).ok());
    CHECK(live_sessions(f, id) == std::set<std::string>{mine, third});

    // On again, then off asking: only the caller's stays.
    f.clock.advance(30s);
    REQUIRE(f.totp.setup(id).ok());
    REQUIRE(f.totp.enable(me, f.totp_code(id)).ok());
    CHECK(live_sessions(f, id) == std::set<std::string>{mine, third});
    f.clock.advance(30s);
    REQUIRE(f.totp.disable(id, "correct-horse", f.totp_code(id), mine).ok());
    CHECK(live_sessions(f, id) == std::set<std::string>{mine});
}

TEST_CASE("a recovery code stored under the key before per-purpose keys still signs in, once", "[core][mfa]") {
    fixture f;
    const auto [id, recovery] = f.with_totp();
    // What an older version stored: the digest under the server key itself (the fake names it "legacy:").
    f.store.write([&](repositories& r) { r.recovery_codes.replace(id, {"legacy:olderc0de"}, f.clock.now()); });
    const auto token = mfa_token_of(f.login("correct-horse"));
    REQUIRE(f.auth.verify_mfa(token, "older-c0de", {}).ok());
    const auto again = mfa_token_of(f.login("correct-horse"));
    CHECK(f.auth.verify_mfa(again, "older-c0de", {}).error().code == errc::invalid_mfa_code);
}
