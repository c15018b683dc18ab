// The retention repository's contract, the same on every backend: delete_ended deletes, a batch at a time, exactly
// the rows of its kind that ended before the cutoff (strictly before: a row that ends at the cutoff stays), never a
// row that is still valid or ended after the cutoff, never a row of another kind; lease_task lets one process at a
// time hold the named task's lease, and release_task gives it back.
#include <catch2/catch.hpp>

#include "tests/storage/backend.hpp"

using namespace authd;
using namespace authd::test;
using namespace std::chrono_literals;

namespace {
const time_point t0{std::chrono::sys_days{std::chrono::year{2026} / 11 / 22} + std::chrono::hours{9}};
const time_point cutoff = t0 - std::chrono::days{30};  // what the clean-up passes with RETENTION_DAYS=30
const std::string alice = "11111111-1111-4111-8111-111111111111";

std::string padded(int n, std::size_t width) {
    const auto digits = std::to_string(n);
    return std::string(width - digits.size(), '0') + digits;
}
/// 64 hex digits, as a SHA-256 digest (the columns are CHAR(64), which PostgreSQL pads).
std::string digest(int n) { return padded(n, 64); }
/// UUIDs (PostgreSQL's columns are UUID).
std::string code_id(int n) { return "cccccccc-cccc-4ccc-8ccc-" + padded(n, 12); }
std::string session_id(int n) { return "aaaaaaaa-aaaa-4aaa-8aaa-" + padded(n, 12); }
std::string message_id_of(int n) { return "00000000-0000-4000-8000-" + padded(n, 12); }
/// One number per row, so that otps.latest reads each row back on its own.
std::string phone_of(int n) { return "+2126000000" + padded(n, 2); }

int delete_ended(backend_under_test& b, ended_rows rows, time_point before, int limit = 100) {
    return write_tx(*b.uow, [&](repositories& r) { return r.retention.delete_ended(rows, before, limit); });
}
bool lease(backend_under_test& b, std::string_view task, time_point now, time_point until) {
    return write_tx(*b.uow, [&](repositories& r) { return r.retention.lease_task(task, now, until); });
}

/// A user for the foreign keys of challenges, verifications and resets.
user account(std::string id, std::string email) {
    user u;
    u.id = std::move(id);
    u.email = std::move(email);
    u.name = "Cléo Martin";
    u.password_hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";
    u.roles = {"customer"};
    u.created_at = u.updated_at = cutoff - std::chrono::days{60};
    return u;
}
void add_alice(backend_under_test& b) {
    b.uow->write([&](repositories& r) { REQUIRE(r.users.insert(account(alice, "cleo@example.com"))); });
}

/// Code n, for its own number, created 5 minutes before it expires.
otp_code code(int n, time_point expires, std::optional<time_point> consumed = std::nullopt) {
    return otp_code{code_id(n), phone_of(n), std::string(64, 'c'), delivery_method::sms, expires - 5min,
                    expires,    consumed};
}
std::optional<std::string> latest_code_id(backend_under_test& b, int n) {
    return read_tx(*b.uow, [&](repositories& r) -> std::optional<std::string> {
        const auto latest = r.otps.latest(phone_of(n));
        return latest ? std::optional<std::string>(latest->id) : std::nullopt;
    });
}

mfa_challenge challenge(int n, time_point expires, std::optional<time_point> ended = std::nullopt) {
    return mfa_challenge{digest(n), alice, factor_method::email, digest(900 + n), 0, expires - 5min, expires, ended};
}

emailed_token token(int n, time_point expires, std::optional<time_point> used = std::nullopt) {
    return emailed_token{digest(n), alice, expires - 24h, expires, used};
}

session sample_session(int n, time_point expires) {
    return session{session_id(n), alice,    principal_type::user, expires - std::chrono::days{7}, expires - 1h, expires,
                   std::nullopt,  "curl/8", "127.0.0.1"};
}
refresh_token refresh(int n, int session, time_point expires, std::optional<time_point> rotated = std::nullopt) {
    return refresh_token{digest(n), session_id(session), expires - std::chrono::days{7}, expires, rotated};
}

/// Message n to its own recipient (so that none waits behind another), created at `created`, due at `due`.
queued_message message(int n, time_point created, time_point due, time_point expires) {
    queued_message q;
    q.message_id = message_id_of(n);
    q.message.channel = channel::sms;
    q.message.kind = message_kind::otp_code;
    q.message.recipient = phone_of(n);
    q.message.recipient_name = "Recipient " + std::to_string(n);
    q.message.lifetime = std::chrono::duration_cast<seconds>(expires - created);
    q.message.account_id = "bbbbbbbb-bbbb-4bbb-8bbb-" + padded(n, 12);
    q.recipient_key = digest(n);
    q.sealed_secret = "sealed-secret-" + std::to_string(n);
    q.next_attempt_at = due;
    q.created_at = created;
    q.expires_at = expires;
    return q;
}
std::vector<queued_message> claim(backend_under_test& b, time_point now) {
    return write_tx(*b.uow, [&](repositories& r) { return r.messages.claim_due(channel::sms, now, now + 2min, 10); });
}
std::vector<std::string> message_ids(const std::vector<queued_message>& messages) {
    std::vector<std::string> out;
    for (const auto& q : messages) out.push_back(q.message_id);
    return out;
}
}  // namespace

TEST_CASE("delete_ended deletes nothing from empty tables, whatever the kind", "[contract][retention]") {
    backend_under_test b;
    for (const auto rows : all_ended_rows) {
        INFO(to_string(rows));
        CHECK(delete_ended(b, rows, t0 + std::chrono::days{3650}) == 0);
    }
}

TEST_CASE("OTP codes that expired before the cutoff are deleted, used or not, and the others are kept",
          "[contract][retention][otp]") {
    backend_under_test b;
    b.uow->write([&](repositories& r) {
        r.otps.insert(code(1, cutoff - std::chrono::days{1}, cutoff - std::chrono::days{1} - 4min));  // used
        r.otps.insert(code(2, cutoff - 1s));                                                          // never used
        r.otps.insert(code(3, cutoff));     // expired exactly at the cutoff: not before it
        r.otps.insert(code(4, t0 - 1h));    // expired, but within the retention
        r.otps.insert(code(5, t0 + 5min));  // still valid
    });

    CHECK(delete_ended(b, ended_rows::otp_codes, cutoff) == 2);
    CHECK(delete_ended(b, ended_rows::otp_codes, cutoff) == 0);
    CHECK_FALSE(latest_code_id(b, 1));
    CHECK_FALSE(latest_code_id(b, 2));
    CHECK(latest_code_id(b, 3) == std::optional<std::string>(code_id(3)));
    CHECK(latest_code_id(b, 4) == std::optional<std::string>(code_id(4)));
    CHECK(latest_code_id(b, 5) == std::optional<std::string>(code_id(5)));
}

TEST_CASE("delete_ended deletes no more than its limit at a time, until none is left", "[contract][retention][otp]") {
    backend_under_test b;
    b.uow->write([&](repositories& r) {
        for (int n = 1; n <= 5; ++n) r.otps.insert(code(n, cutoff - std::chrono::days{n}));
        r.otps.insert(code(6, t0 + 5min));
    });

    CHECK(delete_ended(b, ended_rows::otp_codes, cutoff, 2) == 2);
    CHECK(delete_ended(b, ended_rows::otp_codes, cutoff, 2) == 2);
    CHECK(delete_ended(b, ended_rows::otp_codes, cutoff, 2) == 1);
    CHECK(delete_ended(b, ended_rows::otp_codes, cutoff, 2) == 0);
    for (int n = 1; n <= 5; ++n) CHECK_FALSE(latest_code_id(b, n));
    CHECK(latest_code_id(b, 6) == std::optional<std::string>(code_id(6)));
}

// Lockouts are arranged through the port: save_lockout writes updated_at = its `now`. The SQL backends delete a
// lockout last changed before the cutoff whose lock (if any) also ended before it; the memory fake keeps no
// updated_at and deletes a lockout when its lock ended before the cutoff. So the rows whose fate is the same either
// way are checked on every backend, and the count and the unlocked old row on the SQL backends only.
TEST_CASE("OTP lockouts last changed and unlocked before the cutoff are deleted, counting or locked ones kept",
          "[contract][retention][otp]") {
    backend_under_test b;
    const auto save = [&](int n, lockout_state s, time_point at) {
        b.uow->write([&](repositories& r) {
            r.otps.lock_lockout(phone_of(n));  // creates the row, as the OTP service does
            r.otps.save_lockout(phone_of(n), s, at);
        });
    };
    save(1, {3, std::nullopt}, cutoff - std::chrono::days{1});                           // old failures, no lock
    save(2, {0, cutoff - std::chrono::days{1}}, cutoff - std::chrono::days{1} - 15min);  // a lock that ended
    save(3, {1, cutoff + 1h}, cutoff - std::chrono::days{1});                            // locked past the cutoff
    save(4, {2, std::nullopt}, t0 - std::chrono::days{1});                               // recent failures
    save(5, {0, t0 + 15min}, t0);                                                        // locked now

    const int deleted = delete_ended(b, ended_rows::otp_lockouts, cutoff);
    CHECK(delete_ended(b, ended_rows::otp_lockouts, cutoff) == 0);
    b.uow->read([&](repositories& r) {
        const auto ended = r.otps.read_lockout(phone_of(2));
        CHECK(ended.failures == 0);
        CHECK_FALSE(ended.locked_until);
        CHECK(r.otps.read_lockout(phone_of(3)).failures == 1);
        CHECK(r.otps.read_lockout(phone_of(3)).locked_until == std::optional<time_point>(cutoff + 1h));
        CHECK(r.otps.read_lockout(phone_of(4)).failures == 2);
        CHECK(r.otps.read_lockout(phone_of(5)).locked_until == std::optional<time_point>(t0 + 15min));
        if (b.soci) {  // the old count without a lock ended with its last change
            CHECK(r.otps.read_lockout(phone_of(1)).failures == 0);
        }
    });
    if (b.soci) CHECK(deleted == 2);
}

TEST_CASE("MFA challenges that expired before the cutoff are deleted, the others kept", "[contract][retention][mfa]") {
    backend_under_test b;
    add_alice(b);
    b.uow->write([&](repositories& r) {
        r.challenges.insert(challenge(1, cutoff - std::chrono::days{1}, cutoff - std::chrono::days{1} - 2min));
        r.challenges.insert(challenge(2, cutoff - 1s));
        r.challenges.insert(challenge(3, t0 - 1h));    // expired within the retention
        r.challenges.insert(challenge(4, t0 + 5min));  // open
    });

    CHECK(delete_ended(b, ended_rows::mfa_challenges, cutoff) == 2);
    CHECK(delete_ended(b, ended_rows::mfa_challenges, cutoff) == 0);
    b.uow->write([&](repositories& r) {
        CHECK_FALSE(r.challenges.lock(digest(1)));
        CHECK_FALSE(r.challenges.lock(digest(2)));
        CHECK(r.challenges.lock(digest(3)));
        CHECK(r.challenges.lock(digest(4)));
    });
}

TEST_CASE("e-mail verifications that expired before the cutoff are deleted, password resets left alone",
          "[contract][retention][clients]") {
    backend_under_test b;
    add_alice(b);
    b.uow->write([&](repositories& r) {
        r.verifications.insert(token(1, cutoff - std::chrono::days{1}, cutoff - std::chrono::days{2}));  // used
        r.verifications.insert(token(2, cutoff - 1s));
        r.verifications.insert(token(3, t0 + 24h));
        r.password_resets.insert(token(11, cutoff - std::chrono::days{1}));  // ended, but not this kind
        r.password_resets.insert(token(12, t0 + 1h));
    });

    CHECK(delete_ended(b, ended_rows::email_verifications, cutoff) == 2);
    CHECK(delete_ended(b, ended_rows::email_verifications, cutoff) == 0);
    b.uow->read([&](repositories& r) {
        CHECK_FALSE(r.verifications.find(digest(1)));
        CHECK_FALSE(r.verifications.find(digest(2)));
        CHECK(r.verifications.find(digest(3)));
        CHECK(r.password_resets.find(digest(11)));
        CHECK(r.password_resets.find(digest(12)));
    });
}

TEST_CASE("password resets that expired before the cutoff are deleted, e-mail verifications left alone",
          "[contract][retention][clients]") {
    backend_under_test b;
    add_alice(b);
    b.uow->write([&](repositories& r) {
        r.password_resets.insert(token(1, cutoff - std::chrono::days{1}, cutoff - std::chrono::days{1} - 1h));
        r.password_resets.insert(token(2, cutoff - 1s));
        r.password_resets.insert(token(3, t0 - 1h));                       // expired within the retention
        r.verifications.insert(token(11, cutoff - std::chrono::days{1}));  // ended, but not this kind
        r.verifications.insert(token(12, t0 + 24h));
    });

    CHECK(delete_ended(b, ended_rows::password_resets, cutoff) == 2);
    CHECK(delete_ended(b, ended_rows::password_resets, cutoff) == 0);
    b.uow->read([&](repositories& r) {
        CHECK_FALSE(r.password_resets.find(digest(1)));
        CHECK_FALSE(r.password_resets.find(digest(2)));
        CHECK(r.password_resets.find(digest(3)));
        CHECK(r.verifications.find(digest(11)));
        CHECK(r.verifications.find(digest(12)));
    });
}

TEST_CASE("e-mail change links that expired before the cutoff are deleted, password resets left alone",
          "[contract][retention][users]") {
    backend_under_test b;
    add_alice(b);
    const auto change = [](int n, time_point expires, std::optional<time_point> used = std::nullopt) {
        auto t = token(n, expires, used);
        t.new_email = "alice" + std::to_string(n) + "@example.org";
        return t;
    };
    b.uow->write([&](repositories& r) {
        r.email_changes.insert(change(1, cutoff - std::chrono::days{1}, cutoff - std::chrono::days{1} - 1h));
        r.email_changes.insert(change(2, cutoff - 1s));
        r.email_changes.insert(change(3, t0 + 24h));
        r.password_resets.insert(token(11, cutoff - std::chrono::days{1}));  // ended, but not this kind
    });

    CHECK(delete_ended(b, ended_rows::email_changes, cutoff) == 2);
    CHECK(delete_ended(b, ended_rows::email_changes, cutoff) == 0);
    b.uow->read([&](repositories& r) {
        CHECK_FALSE(r.email_changes.find(digest(1)));
        CHECK_FALSE(r.email_changes.find(digest(2)));
        const auto kept = r.email_changes.find(digest(3));
        REQUIRE(kept);
        CHECK(kept->new_email == "alice3@example.org");
        CHECK(r.password_resets.find(digest(11)));
    });
}

TEST_CASE("refresh tokens that expired before the cutoff are deleted, rotated or not, their session kept",
          "[contract][retention][sessions]") {
    backend_under_test b;
    b.uow->write([&](repositories& r) {
        r.sessions.insert(sample_session(1, t0 + std::chrono::days{7}));
        r.sessions.insert_refresh_token(refresh(1, 1, cutoff - std::chrono::days{1}, cutoff - std::chrono::days{5}));
        r.sessions.insert_refresh_token(refresh(2, 1, cutoff - 1s));
        r.sessions.insert_refresh_token(refresh(3, 1, t0 - 1h));  // expired within the retention
        r.sessions.insert_refresh_token(refresh(4, 1, t0 + std::chrono::days{7}));
    });

    CHECK(delete_ended(b, ended_rows::refresh_tokens, cutoff) == 2);
    CHECK(delete_ended(b, ended_rows::refresh_tokens, cutoff) == 0);
    b.uow->read([&](repositories& r) {
        CHECK_FALSE(r.sessions.find_refresh_token(digest(1)));
        CHECK_FALSE(r.sessions.find_refresh_token(digest(2)));
        CHECK(r.sessions.find_refresh_token(digest(3)));
        CHECK(r.sessions.find_refresh_token(digest(4)));
        CHECK(r.sessions.find(session_id(1)));
    });
}

TEST_CASE(
    "expired_sessions deletes sessions past their end before the cutoff, revoked_sessions those signed out "
    "before it, and neither a live one",
    "[contract][retention][sessions]") {
    backend_under_test b;
    b.uow->write([&](repositories& r) {
        r.sessions.insert(sample_session(1, cutoff - std::chrono::days{1}));  // expired long ago
        r.sessions.insert(sample_session(2, t0 + std::chrono::days{7}));      // revoked long ago, not expired
        r.sessions.insert(sample_session(3, t0 + std::chrono::days{7}));      // live
        r.sessions.insert(sample_session(4, cutoff + std::chrono::days{1}));  // expired within the retention
        r.sessions.insert(sample_session(5, t0 + std::chrono::days{7}));      // revoked within the retention
        r.sessions.insert(sample_session(6, cutoff - std::chrono::days{2}));  // revoked, then expired, long ago
        r.sessions.insert(sample_session(7, cutoff));                         // expired exactly at the cutoff
    });
    b.uow->write([&](repositories& r) {
        REQUIRE(r.sessions.revoke(session_id(2), cutoff - std::chrono::days{1}));
        REQUIRE(r.sessions.revoke(session_id(5), t0 - std::chrono::days{1}));
        REQUIRE(r.sessions.revoke(session_id(6), cutoff - std::chrono::days{3}));
    });
    const auto present = [&](int n) {
        return read_tx(*b.uow, [&](repositories& r) { return r.sessions.find(session_id(n)).has_value(); });
    };

    CHECK(delete_ended(b, ended_rows::expired_sessions, cutoff) == 2);  // 1 and 6
    CHECK(delete_ended(b, ended_rows::expired_sessions, cutoff) == 0);
    CHECK_FALSE(present(1));
    CHECK(present(2));  // revoked long ago, but its end is still to come: not this kind's
    CHECK(present(3));
    CHECK(present(4));
    CHECK(present(5));
    CHECK_FALSE(present(6));
    CHECK(present(7));

    CHECK(delete_ended(b, ended_rows::revoked_sessions, cutoff) == 1);  // 2
    CHECK(delete_ended(b, ended_rows::revoked_sessions, cutoff) == 0);
    CHECK_FALSE(present(2));
    CHECK(present(3));
    CHECK(present(4));
    CHECK(present(5));
    CHECK(present(7));
    b.uow->read([&](repositories& r) {
        const auto live = r.sessions.list_active(alice, t0);
        REQUIRE(live.size() == 1);
        CHECK(live[0].id == session_id(3));
    });
}

// The queue reads back only dead messages (list_dead) and a count of pending ones (backlog): sent and expired rows
// are checked by the counts delete_ended returns, and by a later cutoff that then finds the recent ones still there.
TEST_CASE("finished messages created before the cutoff are deleted, sent, dead or expired, and pending ones never",
          "[contract][retention][messages]") {
    backend_under_test b;
    const time_point old = cutoff - std::chrono::days{1};
    const time_point recent = t0 - std::chrono::days{1};
    b.uow->write([&](repositories& r) {
        r.messages.add(message(1, old, old, old + 5min));                     // to be sent
        r.messages.add(message(2, old, old, old + 5min));                     // to be dead
        r.messages.add(message(3, old, old + 1h, old + 5min));                // to expire before it is due
        r.messages.add(message(4, old, t0 + 1h, t0 + std::chrono::days{1}));  // pending, created long ago
        r.messages.add(message(5, recent, recent, recent + 5min));            // to be sent, recently
        r.messages.add(message(6, recent, recent, recent + 5min));            // to be dead, recently
    });
    const auto first = claim(b, old);
    REQUIRE(message_ids(first) == std::vector<std::string>{message_id_of(1), message_id_of(2)});
    b.uow->write([&](repositories& r) {
        REQUIRE(r.messages.mark_sent(first[0].id, first[0].lease_until.value(), old + 10s));
        REQUIRE(r.messages.mark_dead(first[1].id, first[1].lease_until.value(), 8, "gateway timeout"));
    });
    CHECK(write_tx(*b.uow, [&](repositories& r) { return r.messages.expire_overdue(channel::sms, old + 10min); }) == 1);
    const auto second = claim(b, recent);
    REQUIRE(message_ids(second) == std::vector<std::string>{message_id_of(5), message_id_of(6)});
    b.uow->write([&](repositories& r) {
        REQUIRE(r.messages.mark_sent(second[0].id, second[0].lease_until.value(), recent + 10s));
        REQUIRE(r.messages.mark_dead(second[1].id, second[1].lease_until.value(), 8, "gateway timeout"));
    });
    const auto dead = [&] {
        return message_ids(read_tx(*b.uow, [](repositories& r) { return r.messages.list_dead(10); }));
    };
    const auto backlog = [&] {
        return read_tx(*b.uow, [](repositories& r) { return r.messages.backlog(channel::sms); });
    };
    REQUIRE(dead() == std::vector<std::string>{message_id_of(6), message_id_of(2)});
    REQUIRE(backlog() == 1);

    CHECK(delete_ended(b, ended_rows::finished_messages, cutoff) == 3);  // 1, 2 and 3
    CHECK(delete_ended(b, ended_rows::finished_messages, cutoff) == 0);
    CHECK(dead() == std::vector<std::string>{message_id_of(6)});
    CHECK(backlog() == 1);  // 4

    // The recent finished ones were kept: a later cutoff finds them (and still not the pending one).
    CHECK(delete_ended(b, ended_rows::finished_messages, t0) == 2);  // 5 and 6
    CHECK(delete_ended(b, ended_rows::finished_messages, t0 + std::chrono::days{3650}) == 0);
    CHECK(dead().empty());
    CHECK(backlog() == 1);
    CHECK(message_ids(claim(b, t0 + 1h)) == std::vector<std::string>{message_id_of(4)});
}

// Processed outbox rows cannot be read back (next_unprocessed shows the others): they are checked by the counts, and
// by a later cutoff that then finds the one processed after the first cutoff.
TEST_CASE("outbox rows processed before the cutoff are deleted, unprocessed ones never, later ones kept",
          "[contract][retention][outbox]") {
    backend_under_test b;
    const auto client = account(alice, "cleo@example.com");
    b.uow->write([&](repositories& r) {
        for (int i = 0; i < 4; ++i)
            r.outbox.add_client_change("client.logged_in", client, cutoff - std::chrono::days{2});
    });
    const auto unprocessed = [&] {
        std::vector<std::int64_t> out;
        b.uow->write([&](repositories& r) {
            for (const auto& m : r.outbox.next_unprocessed(10)) out.push_back(m.id);
        });
        return out;
    };
    const auto ids = unprocessed();
    REQUIRE(ids.size() == 4);
    b.uow->write([&](repositories& r) {
        r.outbox.mark_processed(ids[0], cutoff - std::chrono::days{1});
        r.outbox.mark_processed(ids[1], cutoff - 1s);
        r.outbox.mark_processed(ids[2], t0 - 1h);  // after the cutoff
    });                                            // ids[3] is never processed

    CHECK(delete_ended(b, ended_rows::published_outbox, cutoff) == 2);
    CHECK(delete_ended(b, ended_rows::published_outbox, cutoff) == 0);
    CHECK(unprocessed() == std::vector<std::int64_t>{ids[3]});

    CHECK(delete_ended(b, ended_rows::published_outbox, t0) == 1);  // the one processed after the first cutoff
    CHECK(delete_ended(b, ended_rows::published_outbox, t0 + std::chrono::days{3650}) == 0);
    CHECK(unprocessed() == std::vector<std::int64_t>{ids[3]});
}

TEST_CASE("a task's lease is taken when free, refused while held, and free again at its end", "[contract][retention]") {
    backend_under_test b;
    CHECK(lease(b, "cleanup", t0, t0 + 10min));
    CHECK_FALSE(lease(b, "cleanup", t0 + 5min, t0 + 15min));
    CHECK_FALSE(lease(b, "cleanup", t0 + 10min - 1s, t0 + 20min));
    CHECK(lease(b, "cleanup", t0 + 10min, t0 + 20min));  // the first holder's lease has ended
    CHECK_FALSE(lease(b, "cleanup", t0 + 15min, t0 + 25min));
    // A task with no row: the SQL backends update nothing (migrations insert the task's row). The memory fake
    // creates the entry and grants it, so only the SQL behaviour is asserted.
    if (b.soci) CHECK_FALSE(lease(b, "no-such-task", t0, t0 + 10min));
}

TEST_CASE("release_task gives back the lease taken until the given end, and no lease another has taken since",
          "[contract][retention]") {
    backend_under_test b;
    const auto release = [&](std::string_view task, time_point until) {
        b.uow->write([&](repositories& r) { r.retention.release_task(task, until); });
    };
    REQUIRE(lease(b, "cleanup", t0, t0 + 10min));
    release("cleanup", t0 + 10min);
    CHECK(lease(b, "cleanup", t0 + 1min, t0 + 11min));  // free at once, its end not waited for

    // The holder overran its lease and another process took the task: the late release leaves that one's lease.
    CHECK(lease(b, "cleanup", t0 + 11min, t0 + 21min));
    release("cleanup", t0 + 11min);
    CHECK_FALSE(lease(b, "cleanup", t0 + 12min, t0 + 22min));
    release("cleanup", t0 + 21min);
    CHECK(lease(b, "cleanup", t0 + 12min, t0 + 22min));

    release("no-such-task", t0 + 10min);  // nothing to give back: no error
    CHECK_FALSE(lease(b, "cleanup", t0 + 13min, t0 + 23min));
}
