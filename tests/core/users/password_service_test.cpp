// Forgot, reset and change over the memory fakes: one answer for every address, one use per token, what a reset or a
// change ends, and the lockout a guessed current password counts against.
#include "core/users/password_service.hpp"

#include <catch2/catch.hpp>

#include "tests/support/identity_fixture.hpp"

using namespace authd;
using namespace std::chrono_literals;

namespace {
struct fixture : test::identity_fixture {
    password_service passwords{store,  hasher, screen, tokens,           notifier,
                               digest, rng,    clock,  lockout_policy{}, password_settings{}};

    token_pair signed_in(const std::string& password = "correct-horse") {
        auto r = login(password);
        REQUIRE(r.ok());
        REQUIRE(r->tokens);
        return *r->tokens;
    }
    principal who(const token_pair& t) {
        auto p = tokens.authenticate(t.access_token);
        REQUIRE(p.ok());
        return p.value();
    }
    std::vector<outgoing_message> sent(message_kind kind) {
        std::vector<outgoing_message> out;
        for (const auto& m : notifier.sent())
            if (m.kind == kind) out.push_back(m);
        return out;
    }
    /// The token of the last reset e-mail.
    std::string reset_token() {
        const auto mails = sent(message_kind::password_reset);
        REQUIRE_FALSE(mails.empty());
        return mails.back().secret;
    }
};
}  // namespace

TEST_CASE("forgot e-mails a 30-minute reset token to an existing account, stored only as its digest",
          "[core][users][passwords]") {
    fixture f;
    const auto ana = f.registered();
    REQUIRE(f.passwords.forgot("ANA@example.com").ok());
    const auto mails = f.sent(message_kind::password_reset);
    REQUIRE(mails.size() == 1);
    CHECK(mails[0].channel == channel::email);
    CHECK(mails[0].recipient == "ana@example.com");
    CHECK(mails[0].account_id == ana.id);
    CHECK(mails[0].lifetime == 30min);
    CHECK(mails[0].secret.size() >= 40);
    const auto rows = f.store.snapshot().password_resets;
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].token_digest == f.digest.sha256_hex(mails[0].secret));
    CHECK(rows[0].expires_at == f.clock.now() + 30min);
}

TEST_CASE("forgot answers alike for an unknown address and sends nothing, and a malformed one names the field",
          "[core][users][passwords]") {
    fixture f;
    f.registered();
    CHECK(f.passwords.forgot("nobody@example.com").ok());
    CHECK(f.notifier.sent().empty());
    CHECK(f.store.snapshot().password_resets.empty());
    auto bad = f.passwords.forgot("not-an-address");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code == errc::validation_failed);
    REQUIRE(bad.error().fields.size() == 1);
    CHECK(bad.error().fields[0].field == "email");
}

TEST_CASE("forgot sends one e-mail a minute per account, and a new link voids the old one",
          "[core][users][passwords]") {
    fixture f;
    f.registered();
    REQUIRE(f.passwords.forgot("ana@example.com").ok());
    const auto first = f.reset_token();
    REQUIRE(f.passwords.forgot("ana@example.com").ok());  // within the minute: still 202, no second e-mail
    CHECK(f.sent(message_kind::password_reset).size() == 1);
    f.clock.advance(1min);
    REQUIRE(f.passwords.forgot("ana@example.com").ok());
    const auto second = f.reset_token();
    CHECK(second != first);
    CHECK(f.passwords.reset(first, "new-horse-battery").error().code == errc::invalid_token);
    CHECK(f.passwords.reset(second, "new-horse-battery").ok());
}

TEST_CASE("reset sets the password once, ends every session, clears the lock and e-mails a notice",
          "[core][users][passwords]") {
    fixture f;
    const auto ana = f.registered();
    const auto session = f.signed_in();
    for (int i = 0; i < 5; ++i) CHECK_FALSE(f.login("wrong-password").ok());  // locked now
    REQUIRE(f.passwords.forgot("ana@example.com").ok());
    const auto token = f.reset_token();

    REQUIRE(f.passwords.reset(token, "new-horse-battery").ok());
    CHECK_FALSE(f.tokens.authenticate(session.access_token).ok());
    CHECK(f.login("new-horse-battery").ok());
    CHECK_FALSE(f.login("correct-horse").ok());
    const auto notices = f.sent(message_kind::password_changed);
    REQUIRE(notices.size() == 1);
    CHECK(notices[0].recipient == "ana@example.com");
    CHECK(notices[0].secret.empty());
    CHECK(notices[0].account_id == ana.id);

    auto again = f.passwords.reset(token, "third-horse-battery");
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().code == errc::invalid_token);
    CHECK(f.login("new-horse-battery").ok());
}

TEST_CASE("a reset token stops working after 30 minutes, and a wrong one never works", "[core][users][passwords]") {
    fixture f;
    f.registered();
    REQUIRE(f.passwords.forgot("ana@example.com").ok());
    const auto token = f.reset_token();
    CHECK(f.passwords.reset("not-the-token", "new-horse-battery").error().code == errc::invalid_token);
    f.clock.advance(30min);
    CHECK(f.passwords.reset(token, "new-horse-battery").error().code == errc::invalid_token);
    CHECK(f.login("correct-horse").ok());
    CHECK(f.sent(message_kind::password_changed).empty());
}

TEST_CASE("reset names the fields it refuses before looking at the token", "[core][users][passwords]") {
    fixture f;
    auto r = f.passwords.reset("", "short");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == errc::validation_failed);
    REQUIRE(r.error().fields.size() == 2);
    CHECK(r.error().fields[0].field == "token");
    CHECK(r.error().fields[1].field == "password");
}

TEST_CASE("a verification token is no reset token", "[core][users][passwords]") {
    fixture f;
    REQUIRE(f.clients.register_client({"cleo@example.com", "correct-horse", "Cleo", "Martin", std::nullopt}).ok());
    const auto verification = f.notifier.sent().back();
    REQUIRE(verification.kind == message_kind::email_verification);
    CHECK(f.passwords.reset(verification.secret, "new-horse-battery").error().code == errc::invalid_token);
}

TEST_CASE("change proves the current password, keeps the caller's session and ends the others",
          "[core][users][passwords]") {
    fixture f;
    f.registered();
    const auto here = f.signed_in();
    const auto elsewhere = f.signed_in();
    REQUIRE(f.passwords.forgot("ana@example.com").ok());
    const auto pending_reset = f.reset_token();

    REQUIRE(f.passwords.change(f.who(here), "correct-horse", "new-horse-battery").ok());
    CHECK(f.tokens.authenticate(here.access_token).ok());
    CHECK_FALSE(f.tokens.authenticate(elsewhere.access_token).ok());
    CHECK(f.login("new-horse-battery").ok());
    CHECK(f.sent(message_kind::password_changed).size() == 1);
    CHECK(f.passwords.reset(pending_reset, "third-horse-battery").error().code == errc::invalid_token);
}

TEST_CASE("a wrong current password counts as a failed login, up to the lock", "[core][users][passwords]") {
    fixture f;
    f.registered();
    const auto here = f.signed_in();
    for (int i = 0; i < 4; ++i) {
        auto r = f.passwords.change(f.who(here), "wrong-password", "new-horse-battery");
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == errc::invalid_credentials);
    }
    auto fifth = f.passwords.change(f.who(here), "wrong-password", "new-horse-battery");
    REQUIRE_FALSE(fifth.ok());
    CHECK(fifth.error().code == errc::account_locked);
    // Locked: even the right password changes nothing now.
    CHECK(f.passwords.change(f.who(here), "correct-horse", "new-horse-battery").error().code == errc::account_locked);
    CHECK(f.sent(message_kind::password_changed).empty());
    f.clock.advance(15min);
    CHECK(f.login("correct-horse").ok());
}

TEST_CASE("change names the fields it refuses by their JSON names", "[core][users][passwords]") {
    fixture f;
    f.registered();
    const auto here = f.signed_in();
    auto r = f.passwords.change(f.who(here), "", "short");
    REQUIRE_FALSE(r.ok());
    REQUIRE(r.error().fields.size() == 2);
    CHECK(r.error().fields[0].field == "currentPassword");
    CHECK(r.error().fields[1].field == "newPassword");
    CHECK(f.login("correct-horse").ok());
}

TEST_CASE("reset and change refuse a guessable password, and the account keeps its old one",
          "[core][users][passwords]") {
    fixture f;
    f.registered();
    REQUIRE(f.passwords.forgot("ana@example.com").ok());
    auto reset = f.passwords.reset(f.reset_token(), "password1");
    REQUIRE_FALSE(reset.ok());
    CHECK(reset.error().fields.at(0).field == "password");
    auto own = f.passwords.reset(f.reset_token(), "ana@example.com");
    REQUIRE_FALSE(own.ok());
    CHECK(own.error().fields.at(0).message == "must not be your e-mail address or your name");
    const auto here = f.signed_in();
    auto change = f.passwords.change(f.who(here), "correct-horse", "qwertyuiop");
    REQUIRE_FALSE(change.ok());
    CHECK(change.error().fields.at(0).field == "newPassword");
    CHECK(f.login("correct-horse").ok());
    CHECK(f.passwords.reset(f.reset_token(), "new-horse-battery").ok());  // the token survived the refusals
}
