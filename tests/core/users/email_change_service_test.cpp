// E-mail change over the memory fakes: the password asked every time (and counted when wrong), a link to the new
// address and a notice to the old one, one answer whether or not the address is free, one use per link, what a new
// link voids, and the account that takes the address first.
#include "core/users/email_change_service.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

#include "core/audit/audit_event.hpp"
#include "tests/support/identity_fixture.hpp"

using namespace authd;
using namespace std::chrono_literals;

namespace {
struct fixture : test::identity_fixture {
    email_change_service changes{store, hasher, notifier,         digest,
                                 rng,   clock,  lockout_policy{}, email_change_settings{}};

    /// A request by the signed-in `user_id`.
    outcome ask(const std::string& user_id, std::string_view new_email, std::string_view password = "correct-horse") {
        return changes.request(just_signed_in(user_id), new_email, password);
    }
    std::vector<outgoing_message> sent(message_kind kind) {
        std::vector<outgoing_message> out;
        for (const auto& m : notifier.sent())
            if (m.kind == kind) out.push_back(m);
        return out;
    }
    /// The token of the last e-mail change message.
    std::string change_token() {
        const auto mails = sent(message_kind::email_change);
        REQUIRE_FALSE(mails.empty());
        return mails.back().secret;
    }
    bool nothing_sent() {
        return sent(message_kind::email_change).empty() && sent(message_kind::email_change_notice).empty();
    }
    /// The audit events about `user_id` of `type` and `outcome`.
    std::size_t audited(const std::string& user_id, audit_type type, audit_outcome o = audit_outcome::success) {
        const auto events = store.snapshot().audit_events;
        return static_cast<std::size_t>(std::count_if(events.begin(), events.end(), [&](const audit_event& e) {
            return e.principal_id == user_id && e.type == type && e.outcome == o;
        }));
    }
    bool published(const std::string& event_type) {
        const auto outbox = store.snapshot().outbox;
        return std::any_of(outbox.begin(), outbox.end(),
                           [&](const outbox_message& m) { return m.event_type == event_type; });
    }
};
}  // namespace

TEST_CASE("an e-mail change request with the password mails a link to the new address and a notice to the old one",
          "[core][users][email_change]") {
    fixture f;
    const auto ana = f.registered();
    REQUIRE(f.ask(ana.id, "Ana.New@Example.com").ok());

    const auto links = f.sent(message_kind::email_change);
    REQUIRE(links.size() == 1);
    CHECK(links[0].channel == channel::email);
    CHECK(links[0].recipient == "ana.new@example.com");
    CHECK(links[0].recipient_name == "Ana");
    CHECK(links[0].account_id == ana.id);
    CHECK(links[0].lifetime == 24h);
    CHECK(links[0].secret.size() == 43);  // 256 bits, base64url

    const auto notices = f.sent(message_kind::email_change_notice);
    REQUIRE(notices.size() == 1);
    CHECK(notices[0].channel == channel::email);
    CHECK(notices[0].recipient == "ana@example.com");
    CHECK(notices[0].secret.empty());
    CHECK(notices[0].account_id == ana.id);

    // Only the digest is kept, with the address it confirms.
    const auto rows = f.store.snapshot().email_changes;
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].token_digest == f.digest.sha256_hex(links[0].secret));
    CHECK(rows[0].user_id == ana.id);
    CHECK(rows[0].new_email == "ana.new@example.com");
    CHECK(rows[0].expires_at == f.clock.now() + 24h);
    CHECK_FALSE(rows[0].used_at.has_value());

    // Nothing changes before the link is used.
    CHECK(f.stored(ana.id).email == "ana@example.com");
    CHECK(f.login("correct-horse").ok());
}

TEST_CASE("confirming the e-mail change link moves the account to the new address, verified, and only once",
          "[core][users][email_change]") {
    fixture f;
    const auto ana = f.registered();
    REQUIRE(f.ask(ana.id, "Ana.New@Example.com").ok());
    const auto token = f.change_token();

    auto done = f.changes.confirm(token);
    REQUIRE(done.ok());
    CHECK(done->id == ana.id);
    CHECK(done->email == "ana.new@example.com");
    CHECK(done->email_verified);
    const auto now_stored = f.stored(ana.id);
    CHECK(now_stored.email == "ana.new@example.com");
    CHECK(now_stored.email_verified);
    CHECK(now_stored.updated_at == f.clock.now());
    CHECK(f.store.snapshot().email_changes.at(0).used_at.has_value());

    CHECK(f.login("correct-horse", "ana.new@example.com").ok());
    CHECK(f.login("correct-horse", "ANA.NEW@example.com").ok());
    CHECK_FALSE(f.login("correct-horse", "ana@example.com").ok());
    CHECK_FALSE(f.published("client.email_changed"));  // client.* events are for clients

    auto again = f.changes.confirm(token);
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().code == errc::invalid_token);
    CHECK(f.stored(ana.id).email == "ana.new@example.com");
}

TEST_CASE("a wrong password at an e-mail change request counts as a failed login and sends nothing",
          "[core][users][email_change]") {
    fixture f;
    const auto ana = f.registered();
    REQUIRE(f.stored(ana.id).lockout.failures == 0);
    auto r = f.ask(ana.id, "ana.new@example.com", "wrong-password");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == errc::invalid_credentials);
    CHECK(f.stored(ana.id).lockout.failures == 1);
    CHECK(f.nothing_sent());
    CHECK(f.store.snapshot().email_changes.empty());
    CHECK(f.stored(ana.id).email == "ana@example.com");
}

TEST_CASE("wrong passwords at e-mail change requests lock the account as failed logins do",
          "[core][users][email_change]") {
    fixture f;
    const auto ana = f.registered();
    for (int i = 0; i < 4; ++i) {
        auto r = f.ask(ana.id, "ana.new@example.com", "wrong-password");
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == errc::invalid_credentials);
    }
    CHECK(f.stored(ana.id).lockout.failures == 4);
    auto fifth = f.ask(ana.id, "ana.new@example.com", "wrong-password");
    REQUIRE_FALSE(fifth.ok());
    CHECK(fifth.error().code == errc::account_locked);
    CHECK(f.stored(ana.id).lockout.locked_until.has_value());
    CHECK(f.audited(ana.id, audit_type::account_locked) == 1);

    // Locked: even the right password asks for nothing now.
    auto right = f.ask(ana.id, "ana.new@example.com", "correct-horse");
    REQUIRE_FALSE(right.ok());
    CHECK(right.error().code == errc::account_locked);
    CHECK(f.nothing_sent());
    CHECK(f.store.snapshot().email_changes.empty());

    f.clock.advance(15min);
    CHECK(f.ask(ana.id, "ana.new@example.com", "correct-horse").ok());
    CHECK(f.sent(message_kind::email_change).size() == 1);
}

TEST_CASE("an e-mail change request names newEmail when the address is malformed or already the account's",
          "[core][users][email_change]") {
    fixture f;
    const auto ana = f.registered();
    for (const std::string_view bad :
         {"not-an-address", "", "ana@", "@example.com", "a b@example.com", "ana@example"}) {
        INFO("newEmail: " << bad);
        auto r = f.ask(ana.id, bad);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == errc::validation_failed);
        REQUIRE(r.error().fields.size() == 1);
        CHECK(r.error().fields[0].field == "newEmail");
    }
    // A malformed address is refused before the password is looked at: a wrong one is not counted.
    auto malformed_and_wrong = f.ask(ana.id, "not-an-address", "wrong-password");
    REQUIRE_FALSE(malformed_and_wrong.ok());
    CHECK(malformed_and_wrong.error().code == errc::validation_failed);
    CHECK(f.stored(ana.id).lockout.failures == 0);

    // The account's own address, in any case.
    for (const std::string_view same : {"ana@example.com", "ANA@Example.COM"}) {
        INFO("newEmail: " << same);
        auto r = f.ask(ana.id, same);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == errc::validation_failed);
        REQUIRE(r.error().fields.size() == 1);
        CHECK(r.error().fields[0].field == "newEmail");
    }
    CHECK(f.nothing_sent());
    CHECK(f.store.snapshot().email_changes.empty());
    CHECK(f.stored(ana.id).email == "ana@example.com");
}

TEST_CASE("an e-mail change request without a password names the password", "[core][users][email_change]") {
    fixture f;
    const auto ana = f.registered();
    auto r = f.ask(ana.id, "ana.new@example.com", "");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == errc::validation_failed);
    REQUIRE(r.error().fields.size() == 1);
    CHECK(r.error().fields[0].field == "password");

    auto both = f.ask(ana.id, "", "");
    REQUIRE_FALSE(both.ok());
    REQUIRE(both.error().fields.size() == 2);
    CHECK(both.error().fields[0].field == "newEmail");
    CHECK(both.error().fields[1].field == "password");

    CHECK(f.stored(ana.id).lockout.failures == 0);
    CHECK(f.nothing_sent());
}

TEST_CASE("an e-mail change to an address another account has succeeds alike and mails only the notice",
          "[core][users][email_change]") {
    fixture f;
    const auto ana = f.registered();
    const auto bob = f.registered("bob@example.com");

    auto taken = f.ask(ana.id, "Bob@Example.com");
    REQUIRE(taken.ok());
    CHECK(f.sent(message_kind::email_change).empty());  // nothing reaches the other account's mailbox
    auto notices = f.sent(message_kind::email_change_notice);
    REQUIRE(notices.size() == 1);
    CHECK(notices[0].recipient == "ana@example.com");
    CHECK(f.store.snapshot().email_changes.empty());
    CHECK(f.stored(ana.id).email == "ana@example.com");
    CHECK(f.stored(bob.id).email == "bob@example.com");

    // The free case answers the same, and only it mails a link.
    auto unused = f.ask(ana.id, "ana.new@example.com");
    REQUIRE(unused.ok());
    CHECK(unused.ok() == taken.ok());
    const auto links = f.sent(message_kind::email_change);
    REQUIRE(links.size() == 1);
    CHECK(links[0].recipient == "ana.new@example.com");
    notices = f.sent(message_kind::email_change_notice);
    REQUIRE(notices.size() == 2);
    CHECK(notices[1].recipient == "ana@example.com");
    // Both are recorded as the same event: the trail does not tell the cases apart either.
    CHECK(f.audited(ana.id, audit_type::email_change_requested) == 2);
}

TEST_CASE("a second e-mail change request voids the first link", "[core][users][email_change]") {
    fixture f;
    const auto ana = f.registered();
    REQUIRE(f.ask(ana.id, "first@example.com").ok());
    const auto first = f.change_token();
    REQUIRE(f.ask(ana.id, "second@example.com").ok());
    const auto second = f.change_token();
    CHECK(second != first);

    auto old = f.changes.confirm(first);
    REQUIRE_FALSE(old.ok());
    CHECK(old.error().code == errc::invalid_token);
    CHECK(f.stored(ana.id).email == "ana@example.com");

    auto done = f.changes.confirm(second);
    REQUIRE(done.ok());
    CHECK(done->email == "second@example.com");
    CHECK(f.stored(ana.id).email == "second@example.com");
}

TEST_CASE("an e-mail change request for a taken address voids the earlier link too", "[core][users][email_change]") {
    fixture f;
    const auto ana = f.registered();
    f.registered("bob@example.com");
    REQUIRE(f.ask(ana.id, "ana.new@example.com").ok());
    const auto first = f.change_token();
    REQUIRE(f.ask(ana.id, "bob@example.com").ok());
    CHECK(f.sent(message_kind::email_change).size() == 1);
    auto old = f.changes.confirm(first);
    REQUIRE_FALSE(old.ok());
    CHECK(old.error().code == errc::invalid_token);
    CHECK(f.stored(ana.id).email == "ana@example.com");
}

TEST_CASE("an e-mail change link stops working after 24 hours, and a wrong or empty token never works",
          "[core][users][email_change]") {
    fixture f;
    const auto ana = f.registered();
    REQUIRE(f.ask(ana.id, "ana.new@example.com").ok());
    const auto token = f.change_token();

    auto wrong = f.changes.confirm("not-the-token");
    REQUIRE_FALSE(wrong.ok());
    CHECK(wrong.error().code == errc::invalid_token);
    auto empty = f.changes.confirm("");
    REQUIRE_FALSE(empty.ok());
    CHECK(empty.error().code == errc::validation_failed);
    REQUIRE(empty.error().fields.size() == 1);
    CHECK(empty.error().fields[0].field == "token");

    f.clock.advance(24h);
    auto expired = f.changes.confirm(token);
    REQUIRE_FALSE(expired.ok());
    CHECK(expired.error().code == errc::invalid_token);
    CHECK(f.stored(ana.id).email == "ana@example.com");
    CHECK(f.login("correct-horse").ok());
    CHECK(f.audited(ana.id, audit_type::email_changed) == 0);
}

TEST_CASE("an e-mail change link still works a second before its 24 hours end", "[core][users][email_change]") {
    fixture f;
    const auto ana = f.registered();
    REQUIRE(f.ask(ana.id, "ana.new@example.com").ok());
    f.clock.advance(24h - 1s);
    auto done = f.changes.confirm(f.change_token());
    REQUIRE(done.ok());
    CHECK(done->email == "ana.new@example.com");
}

TEST_CASE("an account taking the address between request and confirm makes the e-mail change email_taken",
          "[core][users][email_change]") {
    fixture f;
    const auto ana = f.registered();
    REQUIRE(f.ask(ana.id, "new@example.com").ok());
    const auto token = f.change_token();
    const auto other = f.registered("new@example.com");

    auto r = f.changes.confirm(token);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == errc::email_taken);
    CHECK(f.stored(ana.id).email == "ana@example.com");
    CHECK(f.stored(other.id).email == "new@example.com");
    CHECK(f.login("correct-horse", "ana@example.com").ok());
    CHECK(f.audited(ana.id, audit_type::email_changed) == 0);
}

TEST_CASE("of two accounts confirming links to one address the first wins and the second gets email_taken",
          "[core][users][email_change]") {
    fixture f;
    const auto ana = f.registered();
    const auto bob = f.registered("bob@example.com");
    REQUIRE(f.ask(ana.id, "shared@example.com").ok());
    const auto anas = f.change_token();
    REQUIRE(f.ask(bob.id, "shared@example.com").ok());  // still free: a link for Bob too
    const auto bobs = f.change_token();
    REQUIRE(anas != bobs);

    REQUIRE(f.changes.confirm(bobs).ok());
    auto late = f.changes.confirm(anas);
    REQUIRE_FALSE(late.ok());
    CHECK(late.error().code == errc::email_taken);
    CHECK(f.stored(bob.id).email == "shared@example.com");
    CHECK(f.stored(ana.id).email == "ana@example.com");
}

TEST_CASE("an e-mail change is recorded as email_change_requested then email_changed in the audit trail",
          "[core][users][email_change][audit]") {
    fixture f;
    const auto ana = f.registered();
    REQUIRE_FALSE(f.ask(ana.id, "ana.new@example.com", "wrong-password").ok());
    CHECK(f.audited(ana.id, audit_type::email_change_requested, audit_outcome::failure) == 1);
    CHECK(f.audited(ana.id, audit_type::email_change_requested) == 0);

    REQUIRE(f.ask(ana.id, "ana.new@example.com").ok());
    const auto token = f.change_token();
    REQUIRE(f.changes.confirm(token).ok());
    CHECK(f.audited(ana.id, audit_type::email_change_requested) == 1);
    CHECK(f.audited(ana.id, audit_type::email_changed) == 1);

    // In that order, and with no secret in them.
    std::vector<audit_type> order;
    for (const auto& e : f.store.snapshot().audit_events) {
        if (e.principal_id != ana.id) continue;
        CHECK(e.detail.find(token) == std::string::npos);
        if (e.outcome == audit_outcome::success &&
            (e.type == audit_type::email_change_requested || e.type == audit_type::email_changed))
            order.push_back(e.type);
    }
    CHECK(order == std::vector<audit_type>{audit_type::email_change_requested, audit_type::email_changed});
}

TEST_CASE("a client's confirmed e-mail change is published as client.email_changed", "[core][users][email_change]") {
    fixture f;
    auto cleo = f.clients.register_client({"cleo@example.com", "correct-horse", "Cleo", "Martin", std::nullopt});
    REQUIRE(cleo.ok());
    const auto id = cleo->id;
    REQUIRE(f.ask(id, "Cleo.New@Example.com").ok());
    const auto notices = f.sent(message_kind::email_change_notice);
    REQUIRE(notices.size() == 1);
    CHECK(notices[0].recipient == "cleo@example.com");
    CHECK(notices[0].recipient_name == "Cleo");  // a client is greeted by the first name
    CHECK_FALSE(f.published("client.email_changed"));

    auto done = f.changes.confirm(f.change_token());
    REQUIRE(done.ok());
    CHECK(done->email == "cleo.new@example.com");
    CHECK(done->email_verified);  // the link proved the new mailbox, though the old one was never verified
    const auto outbox = f.store.snapshot().outbox;
    REQUIRE_FALSE(outbox.empty());
    CHECK(outbox.back().aggregate_type == "CLIENT");
    CHECK(outbox.back().aggregate_id == id);
    CHECK(outbox.back().event_type == "client.email_changed");
    CHECK(outbox.back().payload == "cleo.new@example.com");  // the fake keeps only the e-mail
}
