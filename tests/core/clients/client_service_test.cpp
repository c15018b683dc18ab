// Clients: registration, e-mail verification and the e-mailed second factor, with a fake clock.
#include <catch2/catch.hpp>

#include "tests/support/identity_fixture.hpp"

using namespace authd;
using namespace std::chrono_literals;

namespace {
const std::string unknown_id = "99999999-9999-4999-8999-999999999999";

struct fixture : test::identity_fixture {
    user client(std::string email = "cleo@example.com") {
        auto r = clients.register_client({std::move(email), "correct-horse", "Cleo", "Martin", "+33612345678"});
        REQUIRE(r.ok());
        return r.value();
    }
    /// The secret of the newest message, which must be of `kind`.
    std::string from_last_mail(message_kind kind) {
        const auto sent = notifier.sent();
        REQUIRE_FALSE(sent.empty());
        REQUIRE(sent.back().kind == kind);
        return sent.back().secret;
    }
    std::string verification_token() { return from_last_mail(message_kind::email_verification); }
    std::string sign_in_code() { return from_last_mail(message_kind::sign_in_code); }
    user verified_client() {
        const auto c = client();
        REQUIRE(clients.verify_email(c.id, verification_token()).ok());
        return stored(c.id);
    }
    std::vector<std::string> outbox_types() {
        std::vector<std::string> out;
        for (const auto& m : store.snapshot().outbox) out.push_back(m.aggregate_type + " " + m.event_type);
        return out;
    }
};
}  // namespace

TEST_CASE("a client registers unverified, as a customer, and is e-mailed a token", "[core][clients]") {
    fixture f;
    const auto c = f.client("Cleo@Example.com");
    CHECK(c.email == "cleo@example.com");
    CHECK(c.is_client);
    CHECK_FALSE(c.email_verified);
    CHECK(c.name == "Cleo Martin");
    CHECK(c.phone_number == "+33612345678");
    CHECK(c.roles == std::vector<std::string>{"customer"});
    const auto sent = f.notifier.sent();
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].channel == channel::email);
    CHECK(sent[0].recipient == "cleo@example.com");
    CHECK(f.verification_token().size() == 43);  // 256 bits, base64url
    // Only the digest is kept.
    const auto kept = f.store.snapshot().email_verifications;
    REQUIRE(kept.size() == 1);
    CHECK(kept[0].token_digest == "digest:" + f.verification_token());
    CHECK(f.outbox_types() == std::vector<std::string>{"CLIENT client.registered"});
}

TEST_CASE("client registration lists every bad field, and an e-mail registers once", "[core][clients]") {
    fixture f;
    auto bad = f.clients.register_client({"nope", "short", "", " ", "0612"});
    REQUIRE_FALSE(bad.ok());
    std::vector<std::string> fields;
    for (const auto& e : bad.error().fields) fields.push_back(e.field);
    CHECK(fields == std::vector<std::string>{"email", "password", "first_name", "last_name", "phone_number"});
    f.client();
    CHECK(f.clients.register_client({"CLEO@example.com", "correct-horse", "C", "M", std::nullopt}).error().code ==
          errc::email_taken);
    CHECK(f.notifier.sent().size() == 1);
}

TEST_CASE("the e-mailed token verifies the address once", "[core][clients]") {
    fixture f;
    const auto c = f.client();
    const auto token = f.verification_token();
    CHECK(f.clients.verify_email(c.id, "wrong-token").error().code == errc::invalid_token);
    auto ok = f.clients.verify_email(c.id, token);
    REQUIRE(ok.ok());
    CHECK(ok->email_verified);
    CHECK(f.stored(c.id).email_verified);
    CHECK(f.clients.verify_email(c.id, token).error().code == errc::invalid_token);  // used
    CHECK(f.outbox_types() == std::vector<std::string>{"CLIENT client.registered", "CLIENT client.email_verified"});
}

TEST_CASE("a verification token is void after 24 hours, for another client, and for unknown ids", "[core][clients]") {
    fixture f;
    const auto c = f.client();
    const auto token = f.verification_token();
    const auto other = f.client("other@example.com");
    CHECK(f.clients.verify_email(other.id, token).error().code == errc::invalid_token);
    CHECK(f.clients.verify_email(unknown_id, token).error().code == errc::not_found);
    CHECK(f.clients.verify_email("not-a-uuid", token).error().code == errc::not_found);
    f.clock.advance(24h);
    CHECK(f.clients.verify_email(c.id, token).error().code == errc::invalid_token);
}

TEST_CASE("resend waits a minute, then replaces the token, and a verified client gets already_verified",
          "[core][clients]") {
    fixture f;
    const auto c = f.client();
    const auto first = f.verification_token();
    f.clock.advance(20s);
    auto soon = f.clients.resend_verification(c.id);
    CHECK(soon.error().code == errc::resend_too_soon);
    CHECK(soon.error().retry_after == 40s);
    f.clock.advance(40s);
    REQUIRE(f.clients.resend_verification(c.id).ok());
    const auto second = f.verification_token();
    CHECK(second != first);
    CHECK(f.clients.verify_email(c.id, first).error().code == errc::invalid_token);  // replaced
    REQUIRE(f.clients.verify_email(c.id, second).ok());
    CHECK(f.clients.resend_verification(c.id).error().code == errc::already_verified);
    CHECK(f.clients.resend_verification(unknown_id).error().code == errc::not_found);
}

TEST_CASE("resend for a password user of /api/auth is not_found, sends nothing and keeps its state",
          "[core][clients]") {
    fixture f;
    const auto ana = f.registered();
    const auto before = f.notifier.sent().size();
    CHECK(f.clients.resend_verification(ana.id).error().code == errc::not_found);
    CHECK(f.notifier.sent().size() == before);
    CHECK(f.store.snapshot().email_verifications.empty());
}

TEST_CASE("an unverified client is refused login with the right password only", "[core][clients]") {
    fixture f;
    f.client();
    CHECK(f.login("wrong-horse", "cleo@example.com").error().code == errc::invalid_credentials);
    CHECK(f.login("correct-horse", "cleo@example.com").error().code == errc::email_not_verified);
}

TEST_CASE("a verified client's login e-mails a 6-digit code that verify_mfa exchanges for tokens", "[core][clients]") {
    fixture f;
    const auto c = f.verified_client();
    auto r = f.login("correct-horse", "cleo@example.com");
    REQUIRE(r.ok());
    REQUIRE(r->mfa);
    CHECK_FALSE(r->tokens);
    CHECK(r->mfa->delivery_method == factor_method::email);
    const auto code = f.sign_in_code();
    CHECK(code.size() == 6);
    CHECK(f.notifier.sent().back().recipient == "cleo@example.com");
    auto wrong = f.auth.verify_mfa(r->mfa->mfa_token, code == "000000" ? "111111" : "000000", {});
    CHECK(wrong.error().code == errc::invalid_mfa_code);
    CHECK(wrong.error().attempts_remaining == 4);
    auto done = f.auth.verify_mfa(r->mfa->mfa_token, code, {});
    REQUIRE(done.ok());
    CHECK(done->account.id == c.id);
    CHECK(f.tokens.authenticate(done->tokens.access_token).ok());
    CHECK(f.stored(c.id).lockout.failures == 0);
    CHECK(f.outbox_types().back() == "CLIENT client.logged_in");
    // The challenge is spent.
    CHECK(f.auth.verify_mfa(r->mfa->mfa_token, code, {}).error().code == errc::mfa_expired);
}

TEST_CASE("only the newest e-mailed code's challenge takes that code", "[core][clients]") {
    fixture f;
    f.verified_client();
    const auto first = f.login("correct-horse", "cleo@example.com")->mfa->mfa_token;
    const auto first_code = f.sign_in_code();
    const auto second = f.login("correct-horse", "cleo@example.com")->mfa->mfa_token;
    const auto second_code = f.sign_in_code();
    if (first_code != second_code)
        CHECK(f.auth.verify_mfa(second, first_code, {}).error().code == errc::invalid_mfa_code);
    CHECK(f.auth.verify_mfa(second, second_code, {}).ok());
    CHECK(f.auth.verify_mfa(first, first_code, {}).error().code == errc::mfa_expired);  // ended by the login
}

TEST_CASE("a client with TOTP on gets a totp challenge and no e-mail", "[core][clients][mfa]") {
    fixture f;
    const auto c = f.verified_client();
    REQUIRE(f.totp.setup(c.id).ok());
    REQUIRE(f.totp.enable(f.just_signed_in(c.id), f.totp_code(c.id)).ok());
    f.clock.advance(30s);
    const auto mails = f.notifier.sent().size();
    auto r = f.login("correct-horse", "cleo@example.com");
    REQUIRE(r->mfa);
    CHECK(r->mfa->delivery_method == factor_method::totp);
    CHECK(f.notifier.sent().size() == mails);
    CHECK(f.auth.verify_mfa(r->mfa->mfa_token, f.totp_code(c.id), {}).ok());
}

TEST_CASE("a user without a second factor gets tokens straight from login", "[core][clients]") {
    fixture f;
    f.registered();
    auto r = f.login("correct-horse");
    REQUIRE(r.ok());
    CHECK(r->tokens);
    CHECK_FALSE(r->mfa);
    CHECK(f.store.snapshot().outbox.empty());  // client.* events are for clients
}

TEST_CASE("a client is readable by itself and by an admin only", "[core][clients]") {
    fixture f;
    const auto c = f.client();
    const auto other = f.client("other@example.com");
    const principal self{c.id, principal_type::user, "s", {"customer"}, {}};
    const principal admin{"admin-id", principal_type::user, "s", {"admin"}, {}};
    CHECK(f.clients.find(c.id, self)->email == "cleo@example.com");
    CHECK(f.clients.find(other.id, self).error().code == errc::forbidden);
    CHECK(f.clients.find(other.id, admin)->email == "other@example.com");
    CHECK(f.clients.find(unknown_id, admin).error().code == errc::not_found);
}
