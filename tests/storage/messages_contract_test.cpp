// The delivery queue's contract, the same on every backend: claims in id order per channel, leases, the order per
// recipient, expiry, and what sending, retrying and giving up leave in a row (only under the claim's lease).
#include <catch2/catch.hpp>

#include "tests/storage/backend.hpp"

using namespace authd;
using namespace authd::test;
using namespace std::chrono_literals;

namespace {
const time_point t0{std::chrono::sys_days{std::chrono::year{2026} / 11 / 22} + std::chrono::hours{9}};
const seconds lease = 2min;

std::string padded(int n, std::size_t width) {
    const auto digits = std::to_string(n);
    return std::string(width - digits.size(), '0') + digits;
}
/// A keyed digest's shape: 64 hex digits (the column is CHAR(64), which PostgreSQL pads).
std::string key_of(int recipient) { return padded(recipient, 64); }
std::string message_id_of(int n) { return "00000000-0000-4000-8000-" + padded(n, 12); }

/// Message n, pending and due at t0, to recipient `recipient` (one key per recipient).
queued_message sample(int n, channel c, int recipient) {
    queued_message q;
    q.message_id = message_id_of(n);
    q.message.channel = c;
    q.message.kind = c == channel::sms ? message_kind::otp_code : message_kind::email_verification;
    q.message.recipient = c == channel::sms ? "+2126000000" + padded(recipient, 2)
                                            : "user" + std::to_string(recipient) + "@example.com";
    q.message.recipient_name = "Recipient " + std::to_string(recipient);
    q.message.lifetime = c == channel::sms ? 300s : 86400s;
    q.message.account_id = "aaaaaaaa-aaaa-4aaa-8aaa-" + padded(recipient, 12);
    q.recipient_key = key_of(recipient);
    q.sealed_secret = "sealed-secret-" + std::to_string(n);
    q.next_attempt_at = t0;
    q.created_at = t0 - 1min;
    q.expires_at = t0 + std::chrono::days{1};
    return q;
}

void add(backend_under_test& b, const std::vector<queued_message>& messages) {
    b.uow->write([&](repositories& r) {
        for (const auto& q : messages) r.messages.add(q);
    });
}
std::vector<queued_message> claim(backend_under_test& b, channel c, time_point now, int limit = 10) {
    std::vector<queued_message> out;
    b.uow->write([&](repositories& r) { out = r.messages.claim_due(c, now, now + lease, limit); });
    return out;
}
std::vector<std::string> message_ids(const std::vector<queued_message>& messages) {
    std::vector<std::string> out;
    for (const auto& q : messages) out.push_back(q.message_id);
    return out;
}
std::vector<queued_message> dead(backend_under_test& b, int limit = 10) {
    std::vector<queued_message> out;
    b.uow->read([&](repositories& r) { out = r.messages.list_dead(limit); });
    return out;
}
std::int64_t backlog(backend_under_test& b, channel c) {
    std::int64_t n = -1;
    b.uow->read([&](repositories& r) { n = r.messages.backlog(c); });
    return n;
}
// The outcomes, recorded under the lease the message was claimed with.
bool sent(backend_under_test& b, const queued_message& q, time_point now) {
    return write_tx(*b.uow, [&](repositories& r) { return r.messages.mark_sent(q.id, q.lease_until.value(), now); });
}
bool retried(backend_under_test& b, const queued_message& q, int attempts, time_point next, std::string_view error) {
    return write_tx(*b.uow, [&](repositories& r) {
        return r.messages.retry_later(q.id, q.lease_until.value(), attempts, next, error);
    });
}
bool killed(backend_under_test& b, const queued_message& q, int attempts, std::string_view error) {
    return write_tx(*b.uow, [&](repositories& r) {
        return r.messages.mark_dead(q.id, q.lease_until.value(), attempts, error);
    });
}
int expire(backend_under_test& b, channel c, time_point now) {
    return write_tx(*b.uow, [&](repositories& r) { return r.messages.expire_overdue(c, now); });
}
bool has_due(backend_under_test& b, channel c, time_point now) {
    return read_tx(*b.uow, [&](repositories& r) { return r.messages.has_due(c, now); });
}
bool requeue(backend_under_test& b, std::int64_t id, time_point now) {
    bool done = false;
    b.uow->write([&](repositories& r) { done = r.messages.requeue(id, now); });
    return done;
}
}  // namespace

TEST_CASE("claim_due returns the channel's due pending messages in id order, every field round-tripped",
          "[contract][messages]") {
    backend_under_test b;
    auto first = sample(1, channel::sms, 1);
    first.attempts = 2;
    first.next_attempt_at = t0 - 30s;
    first.created_at = t0 - 5min;
    auto unnamed = sample(3, channel::sms, 3);
    unnamed.message.recipient_name = "";  // a name may be empty
    add(b, {first, sample(2, channel::email, 2), unnamed, sample(4, channel::sms, 4)});

    const auto sms = claim(b, channel::sms, t0);
    REQUIRE(sms.size() == 3);
    CHECK(message_ids(sms) == std::vector<std::string>{message_id_of(1), message_id_of(3), message_id_of(4)});
    CHECK(sms[0].id > 0);
    CHECK(sms[0].id < sms[1].id);
    CHECK(sms[1].id < sms[2].id);

    const auto& q = sms[0];
    CHECK(q.message_id == first.message_id);
    CHECK(q.message.channel == channel::sms);
    CHECK(q.message.kind == message_kind::otp_code);
    CHECK(q.message.recipient == first.message.recipient);
    CHECK(q.recipient_key == first.recipient_key);
    CHECK(q.message.recipient_name == "Recipient 1");
    CHECK(q.message.account_id == first.message.account_id);
    CHECK(q.message.lifetime == 300s);
    CHECK(q.message.secret.empty());
    CHECK(q.sealed_secret == "sealed-secret-1");
    CHECK(q.status == message_status::pending);
    CHECK(q.attempts == 2);
    CHECK(q.next_attempt_at == t0 - 30s);
    CHECK(q.created_at == t0 - 5min);
    CHECK(q.expires_at == t0 + std::chrono::days{1});
    CHECK(q.lease_until == std::optional<time_point>(t0 + lease));
    CHECK_FALSE(q.last_error);
    CHECK_FALSE(q.sent_at);
    CHECK(sms[1].message.recipient_name.empty());

    const auto email = claim(b, channel::email, t0);
    REQUIRE(email.size() == 1);
    const auto& e = email[0];
    CHECK(e.message_id == message_id_of(2));
    CHECK(e.id > sms[0].id);
    CHECK(e.id < sms[1].id);
    CHECK(e.message.channel == channel::email);
    CHECK(e.message.kind == message_kind::email_verification);
    CHECK(e.message.recipient == "user2@example.com");
    CHECK(e.recipient_key == key_of(2));
    CHECK(e.message.recipient_name == "Recipient 2");
    CHECK(e.message.account_id == "aaaaaaaa-aaaa-4aaa-8aaa-000000000002");
    CHECK(e.message.lifetime == 86400s);
    CHECK(e.sealed_secret == "sealed-secret-2");
    CHECK(e.attempts == 0);
    CHECK(e.next_attempt_at == t0);
    CHECK(e.created_at == t0 - 1min);
}

TEST_CASE("a claimed message is not claimed again before its lease ends, and is after", "[contract][messages]") {
    backend_under_test b;
    add(b, {sample(1, channel::sms, 1)});
    REQUIRE(claim(b, channel::sms, t0).size() == 1);  // leased until t0 + 2min
    CHECK(claim(b, channel::sms, t0).empty());
    CHECK(claim(b, channel::sms, t0 + lease - 1s).empty());

    const auto again = claim(b, channel::sms, t0 + lease);  // a deliverer died mid-send: the next one takes it
    REQUIRE(again.size() == 1);
    CHECK(again[0].message_id == message_id_of(1));
    CHECK(again[0].attempts == 0);
    CHECK(claim(b, channel::sms, t0 + lease + 1min).empty());  // leased anew until t0 + 4min
}

TEST_CASE("a message is not claimed before its next_attempt_at", "[contract][messages]") {
    backend_under_test b;
    auto later = sample(1, channel::sms, 1);
    later.next_attempt_at = t0 + 1min;
    add(b, {later, sample(2, channel::sms, 2)});

    const auto now = claim(b, channel::sms, t0);
    CHECK(message_ids(now) == std::vector<std::string>{message_id_of(2)});
    CHECK(claim(b, channel::sms, t0 + 1min - 1s).empty());
    CHECK(message_ids(claim(b, channel::sms, t0 + 1min)) == std::vector<std::string>{message_id_of(1)});
}

TEST_CASE("an older pending message to the same recipient holds back a newer one, a dead or sent one does not",
          "[contract][messages]") {
    backend_under_test b;
    add(b, {sample(1, channel::sms, 1), sample(2, channel::sms, 1), sample(3, channel::sms, 2),
            sample(4, channel::sms, 3), sample(5, channel::sms, 3)});

    const auto first = claim(b, channel::sms, t0);
    CHECK(message_ids(first) == std::vector<std::string>{message_id_of(1), message_id_of(3), message_id_of(4)});
    REQUIRE(first.size() == 3);
    CHECK(claim(b, channel::sms, t0).empty());  // leased ones hold back theirs too

    // Still pending (waiting for its retry, not due): the next message to the same person waits as well.
    REQUIRE(retried(b, first[0], 1, t0 + 10min, "gateway timeout"));
    CHECK(claim(b, channel::sms, t0 + 1min).empty());

    REQUIRE(sent(b, first[1], t0 + 1min));
    REQUIRE(sent(b, first[2], t0 + 1min));
    const auto retry = claim(b, channel::sms, t0 + 10min);  // 5 no longer waits behind the sent 4
    CHECK(message_ids(retry) == std::vector<std::string>{message_id_of(1), message_id_of(5)});
    REQUIRE(retry.size() == 2);
    REQUIRE(killed(b, retry[0], 2, "550 rejected"));
    CHECK(message_ids(claim(b, channel::sms, t0 + 10min)) == std::vector<std::string>{message_id_of(2)});
}

TEST_CASE("mark_sent ends a message: its sealed secret deleted, sent_at set, no longer pending",
          "[contract][messages]") {
    backend_under_test b;
    add(b, {sample(1, channel::sms, 1), sample(2, channel::sms, 2)});
    CHECK(backlog(b, channel::sms) == 2);
    const auto claimed = claim(b, channel::sms, t0);
    REQUIRE(claimed.size() == 2);
    const auto id = claimed[0].id;
    CHECK(sent(b, claimed[0], t0 + 5s));

    CHECK(backlog(b, channel::sms) == 1);
    CHECK(claim(b, channel::sms, t0 + 1h).size() == 1);  // only the other one, its lease over
    CHECK(dead(b).empty());
    CHECK_FALSE(requeue(b, id, t0 + 1h));  // sent is not dead
    // A second outcome for the same claim finds the message no longer pending: nothing changes.
    CHECK_FALSE(sent(b, claimed[0], t0 + 6s));
    CHECK_FALSE(killed(b, claimed[0], 1, "late"));
    CHECK_FALSE(retried(b, claimed[0], 1, t0 + 1h, "late"));
    CHECK(dead(b).empty());
    CHECK(backlog(b, channel::sms) == 1);
    if (b.memory) {  // the SQL backends read no sent row back: the memory fake shows what a row keeps
        const auto row = b.memory->snapshot().messages.at(static_cast<std::size_t>(id - 1));
        CHECK(row.status == message_status::sent);
        CHECK(row.sealed_secret.empty());
        CHECK(row.sent_at == std::optional<time_point>(t0 + 5s));
    }
}

TEST_CASE("an outcome is recorded only under the lease it was claimed with", "[contract][messages]") {
    backend_under_test b;
    add(b, {sample(1, channel::sms, 1)});
    const auto slow = claim(b, channel::sms, t0);  // a deliverer whose send outlives its lease
    REQUIRE(slow.size() == 1);
    const auto next = claim(b, channel::sms, t0 + lease);  // the next deliverer takes the message over
    REQUIRE(next.size() == 1);

    CHECK_FALSE(sent(b, slow[0], t0 + lease + 1s));
    CHECK_FALSE(killed(b, slow[0], 1, "late"));
    CHECK_FALSE(retried(b, slow[0], 1, t0 + 1h, "late"));
    CHECK(dead(b).empty());
    CHECK(backlog(b, channel::sms) == 1);

    CHECK(retried(b, next[0], 1, t0 + 1h, "421 busy"));  // the current lease holder's outcome counts
    const auto again = claim(b, channel::sms, t0 + 1h);
    REQUIRE(again.size() == 1);
    CHECK(again[0].attempts == 1);
    CHECK(again[0].last_error == std::optional<std::string>("421 busy"));
}

TEST_CASE("expire_overdue ends the channel's pending messages past their expiry, and they hold nothing back",
          "[contract][messages]") {
    backend_under_test b;
    auto short_lived = sample(1, channel::sms, 1);
    short_lived.expires_at = t0 + 5min;
    auto leased = sample(3, channel::sms, 2);
    leased.expires_at = t0 + 5min;
    auto other_channel = sample(4, channel::email, 3);
    other_channel.expires_at = t0 + 5min;
    add(b, {short_lived, sample(2, channel::sms, 1), leased, other_channel});

    const auto first = claim(b, channel::sms, t0);  // 1 and 3 (2 waits behind 1)
    REQUIRE(first.size() == 2);
    REQUIRE(retried(b, first[0], 1, t0 + 30min, "gateway timeout"));  // backed off past its expiry
    const auto held = claim(b, channel::sms, t0 + 4min);              // 3 is claimed again, until t0 + 6min
    CHECK(message_ids(held) == std::vector<std::string>{message_id_of(3)});
    CHECK(claim(b, channel::sms, t0 + 5min - 1s).empty());  // 2 still waits behind 1
    CHECK(expire(b, channel::sms, t0 + 5min - 1s) == 0);

    CHECK(expire(b, channel::sms, t0 + 5min) == 1);  // 1 only: 3 is leased, 4 is e-mail
    CHECK(backlog(b, channel::sms) == 2);
    CHECK(backlog(b, channel::email) == 1);
    CHECK(message_ids(claim(b, channel::sms, t0 + 5min)) == std::vector<std::string>{message_id_of(2)});
    CHECK(dead(b).empty());                          // expired is not dead: nothing to send again
    CHECK(expire(b, channel::sms, t0 + 6min) == 1);  // 3, its lease over
    CHECK(expire(b, channel::email, t0 + 6min) == 1);
    CHECK(backlog(b, channel::email) == 0);
    if (b.memory) {
        const auto row = b.memory->snapshot().messages.at(0);
        CHECK(row.status == message_status::expired);
        CHECK(row.sealed_secret.empty());
    }
}

TEST_CASE("has_due tells of a channel's pending message that is due or expired and not leased, and of nothing else",
          "[contract][messages]") {
    backend_under_test b;
    CHECK_FALSE(has_due(b, channel::sms, t0));  // an empty queue
    auto later = sample(1, channel::sms, 1);
    later.next_attempt_at = t0 + 10min;
    later.expires_at = t0 + 20min;
    add(b, {later, sample(2, channel::email, 2)});
    CHECK_FALSE(has_due(b, channel::sms, t0));  // not due yet; the e-mail is another channel's
    CHECK(has_due(b, channel::email, t0));
    CHECK(has_due(b, channel::sms, t0 + 10min));  // due

    const auto mail = claim(b, channel::email, t0);
    REQUIRE(mail.size() == 1);
    CHECK_FALSE(has_due(b, channel::email, t0));    // leased
    CHECK(has_due(b, channel::email, t0 + lease));  // its lease over: another deliverer's to take
    REQUIRE(sent(b, mail[0], t0));
    CHECK_FALSE(has_due(b, channel::email, t0 + 1h));  // sent is no work

    // Backed off past its expiry: not due, but expire_overdue has work once it expires.
    const auto sms = claim(b, channel::sms, t0 + 10min);
    REQUIRE(sms.size() == 1);
    REQUIRE(retried(b, sms[0], 1, t0 + 1h, "gateway timeout"));
    CHECK_FALSE(has_due(b, channel::sms, t0 + 20min - 1s));
    CHECK(has_due(b, channel::sms, t0 + 20min));
    CHECK(expire(b, channel::sms, t0 + 20min) == 1);
    CHECK_FALSE(has_due(b, channel::sms, t0 + 2h));  // expired is no work either
}

TEST_CASE("retry_later records the attempt, the next time and the error, and frees the lease", "[contract][messages]") {
    backend_under_test b;
    add(b, {sample(1, channel::sms, 1)});
    const auto claimed = claim(b, channel::sms, t0);  // leased until t0 + 2min
    REQUIRE(claimed.size() == 1);
    REQUIRE(retried(b, claimed[0], 3, t0 + 30s, "421 busy"));

    CHECK(backlog(b, channel::sms) == 1);
    CHECK(claim(b, channel::sms, t0 + 29s).empty());
    const auto again = claim(b, channel::sms, t0 + 30s);  // before the old lease's end: retry_later freed it
    REQUIRE(again.size() == 1);
    const auto& q = again[0];
    CHECK(q.id == claimed[0].id);
    CHECK(q.status == message_status::pending);
    CHECK(q.attempts == 3);
    CHECK(q.next_attempt_at == t0 + 30s);
    CHECK(q.last_error == std::optional<std::string>("421 busy"));
    CHECK(q.sealed_secret == "sealed-secret-1");
    CHECK_FALSE(q.sent_at);
}

TEST_CASE("mark_dead keeps the sealed secret, and list_dead shows dead messages newest first up to its limit",
          "[contract][messages]") {
    backend_under_test b;
    add(b, {sample(1, channel::sms, 1), sample(2, channel::sms, 2), sample(3, channel::sms, 3),
            sample(4, channel::email, 4)});
    const auto sms = claim(b, channel::sms, t0);
    const auto email = claim(b, channel::email, t0);
    REQUIRE(sms.size() == 3);
    REQUIRE(email.size() == 1);
    REQUIRE(killed(b, sms[0], 8, "gateway timeout"));
    REQUIRE(killed(b, sms[2], 1, "550 rejected"));
    REQUIRE(killed(b, email[0], 1, "bounced"));

    const auto rows = dead(b);
    CHECK(message_ids(rows) == std::vector<std::string>{message_id_of(4), message_id_of(3), message_id_of(1)});
    REQUIRE(rows.size() == 3);
    const auto& q = rows[1];
    CHECK(q.id == sms[2].id);
    CHECK(q.status == message_status::dead);
    CHECK(q.attempts == 1);
    CHECK(q.last_error == std::optional<std::string>("550 rejected"));
    CHECK(q.sealed_secret == "sealed-secret-3");
    CHECK(q.message.channel == channel::sms);
    CHECK(q.message.kind == message_kind::otp_code);
    CHECK(q.message.recipient == sample(3, channel::sms, 3).message.recipient);
    CHECK(q.recipient_key == key_of(3));
    CHECK(q.message.recipient_name == "Recipient 3");
    CHECK(q.message.account_id == "aaaaaaaa-aaaa-4aaa-8aaa-000000000003");
    CHECK(q.message.lifetime == 300s);
    CHECK(q.created_at == t0 - 1min);
    CHECK_FALSE(q.sent_at);
    CHECK(rows[2].attempts == 8);
    CHECK(rows[2].sealed_secret == "sealed-secret-1");
    CHECK(rows[0].message.channel == channel::email);
    CHECK(rows[0].last_error == std::optional<std::string>("bounced"));

    CHECK(message_ids(dead(b, 2)) == std::vector<std::string>{message_id_of(4), message_id_of(3)});
    CHECK(backlog(b, channel::sms) == 1);
    CHECK(backlog(b, channel::email) == 0);
}

TEST_CASE("requeue makes a dead message pending and due again with no attempts, and only a dead one",
          "[contract][messages]") {
    backend_under_test b;
    add(b, {sample(1, channel::sms, 1), sample(2, channel::sms, 2)});
    const auto claimed = claim(b, channel::sms, t0);
    REQUIRE(claimed.size() == 2);
    const auto dead_id = claimed[0].id, sent_id = claimed[1].id;
    REQUIRE(killed(b, claimed[0], 8, "gateway timeout"));
    REQUIRE(sent(b, claimed[1], t0));
    add(b, {sample(3, channel::sms, 3)});
    const auto pending = claim(b, channel::sms, t0);
    REQUIRE(pending.size() == 1);

    CHECK_FALSE(requeue(b, sent_id, t0 + 1h));
    CHECK_FALSE(requeue(b, pending[0].id, t0 + 1h));
    CHECK_FALSE(requeue(b, pending[0].id + 1000, t0 + 1h));
    CHECK(backlog(b, channel::sms) == 1);

    CHECK(requeue(b, dead_id, t0 + 1h));
    CHECK_FALSE(requeue(b, dead_id, t0 + 1h));  // pending now: not dead any more
    CHECK(dead(b).empty());
    CHECK(backlog(b, channel::sms) == 2);

    CHECK(message_ids(claim(b, channel::sms, t0 + 1h - 1s)) == std::vector<std::string>{message_id_of(3)});
    const auto again = claim(b, channel::sms, t0 + 1h);
    REQUIRE(again.size() == 1);
    CHECK(again[0].id == dead_id);
    CHECK(again[0].status == message_status::pending);
    CHECK(again[0].attempts == 0);
    CHECK(again[0].next_attempt_at == t0 + 1h);
    CHECK(again[0].sealed_secret == "sealed-secret-1");
}

TEST_CASE("backlog counts the pending messages of each channel, leased ones included", "[contract][messages]") {
    backend_under_test b;
    CHECK(backlog(b, channel::sms) == 0);
    CHECK(backlog(b, channel::email) == 0);
    add(b, {sample(1, channel::sms, 1), sample(2, channel::sms, 2), sample(3, channel::email, 3),
            sample(4, channel::sms, 4), sample(5, channel::email, 5)});
    CHECK(backlog(b, channel::sms) == 3);
    CHECK(backlog(b, channel::email) == 2);

    const auto claimed = claim(b, channel::sms, t0);
    REQUIRE(claimed.size() == 3);
    CHECK(backlog(b, channel::sms) == 3);
    REQUIRE(sent(b, claimed[0], t0));
    REQUIRE(killed(b, claimed[1], 1, "550 rejected"));
    REQUIRE(retried(b, claimed[2], 1, t0 + 1min, "gateway timeout"));
    CHECK(backlog(b, channel::sms) == 1);
    CHECK(backlog(b, channel::email) == 2);
}

TEST_CASE("claim_due takes no more than its limit, the oldest first", "[contract][messages]") {
    backend_under_test b;
    add(b, {sample(1, channel::sms, 1), sample(2, channel::sms, 2), sample(3, channel::sms, 3),
            sample(4, channel::sms, 4), sample(5, channel::sms, 5)});
    CHECK(message_ids(claim(b, channel::sms, t0, 2)) == std::vector<std::string>{message_id_of(1), message_id_of(2)});
    CHECK(message_ids(claim(b, channel::sms, t0, 2)) == std::vector<std::string>{message_id_of(3), message_id_of(4)});
    CHECK(message_ids(claim(b, channel::sms, t0, 2)) == std::vector<std::string>{message_id_of(5)});
    CHECK(claim(b, channel::sms, t0, 2).empty());
    CHECK(message_ids(claim(b, channel::sms, t0 + lease, 1)) == std::vector<std::string>{message_id_of(1)});
}

TEST_CASE("requeue and requeue_all_dead revive only dead messages whose code is still valid", "[contract][messages]") {
    backend_under_test b;
    auto short_lived = sample(1, channel::sms, 1);
    short_lived.expires_at = t0 + 10min;
    add(b, {short_lived, sample(2, channel::sms, 2), sample(3, channel::email, 3), sample(4, channel::sms, 4)});
    const auto sms = claim(b, channel::sms, t0);
    const auto email = claim(b, channel::email, t0);
    REQUIRE(sms.size() == 3);
    REQUIRE(email.size() == 1);
    REQUIRE(killed(b, sms[0], 1, "401 from the gateway"));
    REQUIRE(killed(b, sms[1], 1, "401 from the gateway"));
    REQUIRE(killed(b, email[0], 1, "535 authentication failed"));
    REQUIRE(sent(b, sms[2], t0));

    CHECK_FALSE(requeue(b, sms[0].id, t0 + 10min));  // its code expired: sending it helps nobody
    const int revived = write_tx(*b.uow, [&](repositories& r) { return r.messages.requeue_all_dead(t0 + 10min); });
    CHECK(revived == 2);
    CHECK(message_ids(dead(b)) == std::vector<std::string>{message_id_of(1)});
    CHECK(backlog(b, channel::sms) == 1);
    CHECK(backlog(b, channel::email) == 1);
    CHECK(write_tx(*b.uow, [&](repositories& r) { return r.messages.requeue_all_dead(t0 + 10min); }) == 0);
    const auto again = claim(b, channel::sms, t0 + 10min);
    REQUIRE(again.size() == 1);
    CHECK(again[0].message_id == message_id_of(2));
    CHECK(again[0].attempts == 0);
}
