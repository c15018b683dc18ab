// The deliverer and the outbox notifier over the memory fakes: the queue's rows, retries with backoff, dead messages,
// the order per recipient. Time moves only when the fake clock is told to.
#include "core/delivery/message_deliverer.hpp"

#include <catch2/catch.hpp>
#include <deque>
#include <functional>
#include <utility>

#include "core/delivery/message_outbox.hpp"
#include "tests/support/fakes.hpp"

using namespace authd;
using namespace std::chrono_literals;

namespace {

/// Records every send (message id and message), and throws the planned failures first: fail_next(2, "timeout", false)
/// makes the next two sends throw a temporary delivery_failed.
class recording_sender final : public message_sender {
public:
    struct call {
        std::string message_id;
        outgoing_message message;
        bool failed = false;
    };

    void send(std::string_view message_id, const outgoing_message& m) override {
        if (auto hook = std::exchange(during_next_send, nullptr)) hook();
        calls.push_back({std::string(message_id), m, !plan_.empty()});
        if (plan_.empty()) return;
        const auto next = plan_.front();
        plan_.pop_front();
        throw delivery_failed(next.reason, next.permanent);
    }
    std::string_view kind_of(channel) const override { return "fake"; }

    void fail_next(int n, const std::string& reason, bool permanent) {
        for (int i = 0; i < n; ++i) plan_.push_back({reason, permanent});
    }
    /// The message ids of the sends that went through, in order.
    std::vector<std::string> delivered() const {
        std::vector<std::string> out;
        for (const auto& c : calls)
            if (!c.failed) out.push_back(c.message_id);
        return out;
    }

    std::vector<call> calls;
    /// Runs once, inside the next send (before it is recorded): time passing, another deliverer at work.
    std::function<void()> during_next_send;

private:
    struct planned_failure {
        std::string reason;
        bool permanent = false;
    };
    std::deque<planned_failure> plan_;
};

outgoing_message sms_to(std::string number, std::string code = "493817") {
    outgoing_message m;
    m.channel = channel::sms;
    m.kind = message_kind::otp_code;
    m.recipient = std::move(number);
    m.recipient_name = "Amina";
    m.secret = std::move(code);
    m.lifetime = 300s;
    m.account_id = "0b7f3a52-9a8e-4a5c-8d5e-2f1c7e6b9a10";
    return m;
}

outgoing_message email_to(std::string address, message_kind kind = message_kind::email_verification,
                          std::string token = "verify-token-1") {
    outgoing_message m;
    m.channel = channel::email;
    m.kind = kind;
    m.recipient = std::move(address);
    m.recipient_name = "Ana";
    m.secret = std::move(token);
    m.lifetime = 86400s;
    m.account_id = "5d0c8f1e-3b2a-4c6d-9e7f-1a2b3c4d5e6f";
    return m;
}

delivery_policy with_max_attempts(int n) {
    delivery_policy p;
    p.max_attempts = n;
    return p;
}

struct fixture {
    test::fake_clock clock;
    test::counting_random rng;
    test::fake_box box;
    test::fake_digest digest;
    test::memory_store store;
    recording_sender sender;
    message_outbox outbox{box, digest, rng};
    message_deliverer deliverer;

    explicit fixture(delivery_policy p = {}) : deliverer(store, sender, box, rng, clock, p) {}

    /// Queues a message now, through the outbox notifier; returns its row.
    queued_message queue(const outgoing_message& m) {
        store.write([&](repositories& r) { outbox.queue(r, m, clock.now()); });
        return store.snapshot().messages.back();
    }
    queued_message row(std::int64_t id) { return store.snapshot().messages.at(static_cast<std::size_t>(id - 1)); }
    delivery_round sms_round() { return deliverer.deliver_once(channel::sms); }
    seconds backoff(int failures) const { return message_deliverer::backoff(deliverer.policy(), failures); }
    std::int64_t backlog(channel c) {
        std::int64_t n = -1;
        store.read([&](repositories& r) { n = r.messages.backlog(c); });
        return n;
    }
};

}  // namespace

TEST_CASE("the outbox queues a message sealed under its message id, with no plain secret at rest", "[core][delivery]") {
    fixture f;
    const auto m = sms_to("+212612345678");
    const auto q = f.queue(m);
    CHECK(q.message_id.size() == 36);
    CHECK(q.message.secret.empty());
    CHECK_FALSE(q.sealed_secret.empty());
    CHECK(q.sealed_secret != m.secret);
    CHECK(f.box.open(q.sealed_secret, q.message_id) == m.secret);
    CHECK_FALSE(f.box.open(q.sealed_secret, "another-message-id"));
    CHECK(q.recipient_key == f.digest.keyed_hex("sms:+212612345678"));
    CHECK(q.message.channel == channel::sms);
    CHECK(q.message.kind == message_kind::otp_code);
    CHECK(q.message.recipient == m.recipient);
    CHECK(q.message.recipient_name == m.recipient_name);
    CHECK(q.message.lifetime == m.lifetime);
    CHECK(q.message.account_id == m.account_id);
    CHECK(q.status == message_status::pending);
    CHECK(q.attempts == 0);
    CHECK(q.next_attempt_at == f.clock.now());
    CHECK(q.created_at == f.clock.now());
    CHECK_FALSE(q.sent_at);
    CHECK_FALSE(q.last_error);

    const auto again = f.queue(sms_to("+212612345678", "111222"));
    CHECK(again.message_id != q.message_id);
    CHECK(again.recipient_key == q.recipient_key);
    // The channel is part of the key: an address is one person per channel.
    CHECK(f.queue(email_to("+212612345678")).recipient_key != q.recipient_key);
    CHECK(f.backlog(channel::sms) == 2);
    CHECK(f.backlog(channel::email) == 1);
}

TEST_CASE("a queued message is sent once, its secret unsealed, under the same message id on a retry",
          "[core][delivery]") {
    fixture f;
    const auto m = sms_to("+212612345678");
    const auto q = f.queue(m);
    f.sender.fail_next(1, "gateway timeout", false);

    CHECK(f.sms_round().retried == 1);
    f.clock.advance(f.backoff(1));
    CHECK(f.sms_round().sent == 1);

    REQUIRE(f.sender.calls.size() == 2);
    for (const auto& c : f.sender.calls) {
        CHECK(c.message_id == q.message_id);
        CHECK(c.message.secret == "493817");
        CHECK(c.message.recipient == m.recipient);
        CHECK(c.message.recipient_name == m.recipient_name);
        CHECK(c.message.channel == m.channel);
        CHECK(c.message.kind == m.kind);
        CHECK(c.message.lifetime == m.lifetime);
        CHECK(c.message.account_id == m.account_id);
    }
    CHECK(f.sender.calls[0].failed);
    CHECK_FALSE(f.sender.calls[1].failed);

    // Sent: never again, however long the deliverer keeps going.
    f.clock.advance(24h);
    CHECK(f.sms_round().claimed == 0);
    CHECK(f.sender.calls.size() == 2);
}

TEST_CASE("a sent message's row keeps no secret and records when it went out", "[core][delivery]") {
    fixture f;
    const auto q = f.queue(sms_to("+212612345678"));
    f.clock.advance(3s);
    const auto round = f.sms_round();
    CHECK(round.claimed == 1);
    CHECK(round.sent == 1);
    CHECK(round.failures.empty());

    const auto stored = f.row(q.id);
    CHECK(stored.status == message_status::sent);
    CHECK(stored.sealed_secret.empty());
    CHECK(stored.message.secret.empty());
    REQUIRE(stored.sent_at);
    CHECK(*stored.sent_at == f.clock.now());
    CHECK(stored.attempts == 0);
    CHECK(f.backlog(channel::sms) == 0);
}

TEST_CASE("backoff doubles from first_retry after each failure, capped by max_retry", "[core][delivery]") {
    const delivery_policy defaults;
    const std::vector<seconds> expected{10s, 20s, 40s, 80s, 160s, 320s, 640s, 1280s, 1800s, 1800s};
    for (int failures = 1; failures <= static_cast<int>(expected.size()); ++failures) {
        INFO("failures: " << failures);
        CHECK(message_deliverer::backoff(defaults, failures) == expected[static_cast<std::size_t>(failures - 1)]);
    }
    CHECK(message_deliverer::backoff(defaults, 1000) == 30min);  // no overflow however long it failed

    delivery_policy odd;
    odd.first_retry = 7s;
    odd.max_retry = 60s;
    CHECK(message_deliverer::backoff(odd, 1) == 7s);
    CHECK(message_deliverer::backoff(odd, 2) == 14s);
    CHECK(message_deliverer::backoff(odd, 3) == 28s);
    CHECK(message_deliverer::backoff(odd, 4) == 56s);
    CHECK(message_deliverer::backoff(odd, 5) == 60s);
    CHECK(message_deliverer::backoff(odd, 6) == 60s);
}

TEST_CASE("a temporary failure is tried again no earlier than half the backoff and no later than the backoff",
          "[core][delivery]") {
    fixture f;
    const auto q = f.queue(sms_to("+212612345678"));
    f.sender.fail_next(4, "gateway timeout", false);
    for (int failures = 1; failures <= 4; ++failures) {
        INFO("failures: " << failures);
        const auto failed_at = f.clock.now();
        const auto round = f.sms_round();
        CHECK(round.claimed == 1);
        CHECK(round.retried == 1);
        CHECK(round.sent == 0);
        CHECK(round.dead == 0);
        REQUIRE(f.sender.calls.size() == static_cast<std::size_t>(failures));

        const auto pause = f.backoff(failures);
        const auto stored = f.row(q.id);
        CHECK(stored.status == message_status::pending);
        CHECK(stored.attempts == failures);
        CHECK(stored.last_error == "gateway timeout");
        CHECK(stored.sealed_secret == q.sealed_secret);
        CHECK(stored.next_attempt_at >= failed_at + pause / 2);
        CHECK(stored.next_attempt_at <= failed_at + pause);

        f.clock.advance(pause / 2 - 1s);
        CHECK(f.sms_round().claimed == 0);
        CHECK(f.sender.calls.size() == static_cast<std::size_t>(failures));
        f.clock.advance(pause - (pause / 2 - 1s));  // at failed_at + pause: due whatever the jitter drew
    }
    const auto round = f.sms_round();
    CHECK(round.sent == 1);
    CHECK(f.sender.calls.size() == 5);
    CHECK(f.row(q.id).status == message_status::sent);
}

TEST_CASE("the pause between attempts never exceeds max_retry", "[core][delivery]") {
    delivery_policy p;
    p.first_retry = 10s;
    p.max_retry = 30s;
    p.max_attempts = 20;
    fixture f(p);
    const auto q = f.queue(sms_to("+212612345678"));
    f.sender.fail_next(8, "gateway timeout", false);
    for (int failures = 1; failures <= 8; ++failures) {
        INFO("failures: " << failures);
        const auto failed_at = f.clock.now();
        REQUIRE(f.sms_round().retried == 1);
        const auto next = f.row(q.id).next_attempt_at;
        CHECK(next <= failed_at + 30s);
        CHECK(next >= failed_at + f.backoff(failures) / 2);
        f.clock.advance(next - failed_at);
    }
    CHECK(f.sms_round().sent == 1);
}

TEST_CASE("a permanent failure is dead at once, its reason stored and its secret kept", "[core][delivery]") {
    fixture f;
    const auto q = f.queue(email_to("ana@example.com"));
    f.sender.fail_next(1, "550 mailbox unavailable", true);

    const auto round = f.deliverer.deliver_once(channel::email);
    CHECK(round.claimed == 1);
    CHECK(round.dead == 1);
    CHECK(round.retried == 0);
    CHECK(round.sent == 0);
    REQUIRE(round.failures.size() == 1);
    const auto& failure = round.failures[0];
    CHECK(failure.message_id == q.message_id);
    CHECK(failure.kind == message_kind::email_verification);
    CHECK(failure.attempts == 1);
    CHECK(failure.dead);
    CHECK(failure.reason == "550 mailbox unavailable");

    const auto stored = f.row(q.id);
    CHECK(stored.status == message_status::dead);
    CHECK(stored.attempts == 1);
    CHECK(stored.last_error == "550 mailbox unavailable");
    CHECK(stored.sealed_secret == q.sealed_secret);  // for an operator to send again
    CHECK(f.backlog(channel::email) == 0);

    f.clock.advance(24h);
    CHECK(f.deliverer.deliver_once(channel::email).claimed == 0);
    CHECK(f.sender.calls.size() == 1);
}

TEST_CASE("after max_attempts temporary failures a message is dead, and a requeue sends it", "[core][delivery]") {
    fixture f(with_max_attempts(3));
    auto long_lived = sms_to("+212612345678");
    long_lived.lifetime = 48h;  // still valid when it is requeued a day later
    const auto q = f.queue(long_lived);
    f.sender.fail_next(3, "gateway timeout", false);

    for (int failures = 1; failures <= 2; ++failures) {
        const auto round = f.sms_round();
        CHECK(round.retried == 1);
        REQUIRE(round.failures.size() == 1);
        CHECK(round.failures[0].attempts == failures);
        CHECK_FALSE(round.failures[0].dead);
        f.clock.advance(f.backoff(failures));
    }
    const auto last = f.sms_round();
    CHECK(last.dead == 1);
    CHECK(last.retried == 0);
    REQUIRE(last.failures.size() == 1);
    CHECK(last.failures[0].attempts == 3);
    CHECK(last.failures[0].dead);
    CHECK(last.failures[0].reason == "gateway timeout");

    auto stored = f.row(q.id);
    CHECK(stored.status == message_status::dead);
    CHECK(stored.attempts == 3);
    CHECK(stored.last_error == "gateway timeout");
    f.clock.advance(24h);
    CHECK(f.sms_round().claimed == 0);
    CHECK(f.sender.calls.size() == 3);

    bool requeued = false;
    f.store.write([&](repositories& r) { requeued = r.messages.requeue(q.id, f.clock.now()); });
    REQUIRE(requeued);
    stored = f.row(q.id);
    CHECK(stored.status == message_status::pending);
    CHECK(stored.attempts == 0);
    CHECK(stored.next_attempt_at == f.clock.now());

    const auto round = f.sms_round();
    CHECK(round.sent == 1);
    REQUIRE(f.sender.calls.size() == 4);
    CHECK(f.sender.calls.back().message_id == q.message_id);
    CHECK(f.sender.calls.back().message.secret == "493817");
    CHECK_FALSE(f.sender.calls.back().failed);
    CHECK(f.row(q.id).status == message_status::sent);
}

TEST_CASE("a recipient gets their messages in order: a failed one holds back the next, not other recipients'",
          "[core][delivery]") {
    fixture f;
    const auto first = f.queue(sms_to("+212612345678", "111111"));
    const auto second = f.queue(sms_to("+212612345678", "222222"));
    const auto other = f.queue(sms_to("+212698765432", "333333"));
    f.sender.fail_next(1, "gateway timeout", false);

    const auto round = f.sms_round();
    CHECK(round.claimed == 2);
    CHECK(round.retried == 1);
    CHECK(round.sent == 1);
    REQUIRE(f.sender.calls.size() == 2);
    CHECK(f.sender.calls[0].message_id == first.message_id);
    CHECK(f.sender.calls[0].failed);
    CHECK(f.sender.calls[1].message_id == other.message_id);
    CHECK_FALSE(f.sender.calls[1].failed);

    // While the first waits for its retry, the second waits too.
    f.clock.advance(f.backoff(1) / 2 - 1s);
    CHECK(f.sms_round().claimed == 0);
    CHECK(f.row(second.id).status == message_status::pending);
    f.clock.advance(f.backoff(1));

    for (int round_count = 0; round_count < 3 && f.backlog(channel::sms) > 0; ++round_count) f.sms_round();
    CHECK(f.backlog(channel::sms) == 0);
    CHECK(f.sender.delivered() == std::vector<std::string>{other.message_id, first.message_id, second.message_id});
}

TEST_CASE("deliver_once claims only its own channel's messages", "[core][delivery]") {
    fixture f;
    const auto mail = f.queue(email_to("ana@example.com"));
    const auto sms = f.queue(sms_to("+212612345678"));

    const auto sms_round = f.sms_round();
    CHECK(sms_round.claimed == 1);
    CHECK(sms_round.sent == 1);
    REQUIRE(f.sender.calls.size() == 1);
    CHECK(f.sender.calls[0].message_id == sms.message_id);
    CHECK(f.row(mail.id).status == message_status::pending);
    CHECK(f.backlog(channel::email) == 1);
    CHECK(f.sms_round().claimed == 0);

    const auto mail_round = f.deliverer.deliver_once(channel::email);
    CHECK(mail_round.claimed == 1);
    CHECK(mail_round.sent == 1);
    REQUIRE(f.sender.calls.size() == 2);
    CHECK(f.sender.calls[1].message_id == mail.message_id);
    CHECK(f.sender.calls[1].message.secret == "verify-token-1");
    CHECK(f.sender.calls[1].message.channel == channel::email);
}

TEST_CASE("a round with nothing to claim or expire takes no write transaction", "[core][delivery]") {
    fixture f;
    const auto idle = f.store.writes();
    CHECK(f.sms_round().claimed == 0);
    CHECK(f.store.writes() == idle);  // an empty queue: one read

    f.queue(email_to("ana@example.com"));
    f.sender.fail_next(1, "timeout", false);
    const auto queued = f.store.writes();
    CHECK(f.sms_round().claimed == 0);  // another channel's message
    CHECK(f.store.writes() == queued);
    CHECK(f.deliverer.deliver_once(channel::email).retried == 1);
    const auto retried = f.store.writes();
    CHECK(retried > queued);
    CHECK(f.deliverer.deliver_once(channel::email).claimed == 0);  // not due before its backoff
    CHECK(f.store.writes() == retried);

    f.clock.advance(f.backoff(1));
    CHECK(f.deliverer.deliver_once(channel::email).sent == 1);  // due again: claimed and sent
    CHECK(f.backlog(channel::email) == 0);
}

TEST_CASE("a message whose code expires before its next attempt is due is expired by the next round",
          "[core][delivery]") {
    delivery_policy p;
    p.first_retry = 1200s;  // the retry comes 600 s later at the soonest, after the code's 5 minutes
    fixture f(p);
    const auto code = f.queue(sms_to("+212612345678"));
    f.sender.fail_next(1, "timeout", false);
    CHECK(f.sms_round().retried == 1);
    f.clock.advance(301s);
    CHECK(f.sms_round().expired == 1);  // not due, but there is work: its secret is deleted now
    CHECK(f.row(code.id).status == message_status::expired);
    CHECK(f.row(code.id).sealed_secret.empty());
}

TEST_CASE("a round counts what it claimed, sent, retried and gave up on, and names each failure", "[core][delivery]") {
    fixture f(with_max_attempts(2));
    const auto flaky = f.queue(email_to("ana@example.com", message_kind::email_verification, "token-a"));
    const auto rejected = f.queue(email_to("bob@example.com", message_kind::sign_in_code, "123456"));
    const auto fine = f.queue(email_to("cy@example.com", message_kind::sign_in_code, "654321"));
    const auto also_fine = f.queue(email_to("dee@example.com", message_kind::email_verification, "token-d"));
    f.sender.fail_next(1, "421 try again later", false);
    f.sender.fail_next(1, "550 no such user", true);

    const auto round = f.deliverer.deliver_once(channel::email);
    CHECK(round.claimed == 4);
    CHECK(round.sent == 2);
    CHECK(round.retried == 1);
    CHECK(round.dead == 1);
    REQUIRE(round.failures.size() == 2);
    CHECK(round.failures[0].message_id == flaky.message_id);
    CHECK(round.failures[0].kind == message_kind::email_verification);
    CHECK(round.failures[0].attempts == 1);
    CHECK_FALSE(round.failures[0].dead);
    CHECK(round.failures[0].reason == "421 try again later");
    CHECK(round.failures[1].message_id == rejected.message_id);
    CHECK(round.failures[1].kind == message_kind::sign_in_code);
    CHECK(round.failures[1].attempts == 1);
    CHECK(round.failures[1].dead);
    CHECK(round.failures[1].reason == "550 no such user");
    CHECK(f.sender.delivered() == std::vector<std::string>{fine.message_id, also_fine.message_id});
    for (const auto& failure : round.failures) {
        CHECK(failure.reason.find("example.com") == std::string::npos);  // never the recipient
        CHECK(failure.reason.find("token-a") == std::string::npos);      // never the secret
    }

    // Its second failure is its last under max_attempts = 2.
    f.clock.advance(f.backoff(1));
    f.sender.fail_next(1, "421 try again later", false);
    const auto next = f.deliverer.deliver_once(channel::email);
    CHECK(next.claimed == 1);
    CHECK(next.sent == 0);
    CHECK(next.retried == 0);
    CHECK(next.dead == 1);
    REQUIRE(next.failures.size() == 1);
    CHECK(next.failures[0].message_id == flaky.message_id);
    CHECK(next.failures[0].kind == message_kind::email_verification);
    CHECK(next.failures[0].attempts == 2);
    CHECK(next.failures[0].dead);
    CHECK(next.failures[0].reason == "421 try again later");

    const auto empty = f.deliverer.deliver_once(channel::email);
    CHECK(empty.claimed == 0);
    CHECK(empty.failures.empty());
}

TEST_CASE("a secret that does not open is dead at once, and its reason does not quote the secret", "[core][delivery]") {
    fixture f;
    const auto good = f.queue(sms_to("+212612345678", "493817"));
    // A sealed secret copied onto another row: bound to the first message's id, it does not open for this one.
    queued_message copied;
    copied.message_id = "9c1d7a2e-4b3f-4e5a-8c6d-7e8f9a0b1c2d";
    copied.message = sms_to("+212698765432", "");
    copied.sealed_secret = good.sealed_secret;
    copied.recipient_key = f.digest.keyed_hex("sms:+212698765432");
    copied.next_attempt_at = f.clock.now();
    copied.created_at = f.clock.now();
    copied.expires_at = f.clock.now() + 300s;
    f.store.write([&](repositories& r) { r.messages.add(copied); });
    const auto bad_id = f.store.snapshot().messages.back().id;

    const auto round = f.sms_round();
    CHECK(round.claimed == 2);
    CHECK(round.sent == 1);
    CHECK(round.dead == 1);
    CHECK(round.retried == 0);
    CHECK(f.sender.delivered() == std::vector<std::string>{good.message_id});
    CHECK(f.sender.calls.size() == 1);  // the sender never saw it
    REQUIRE(round.failures.size() == 1);
    const auto& failure = round.failures[0];
    CHECK(failure.message_id == copied.message_id);
    CHECK(failure.dead);
    CHECK(failure.attempts == 1);
    CHECK_FALSE(failure.reason.empty());
    CHECK(failure.reason.find("493817") == std::string::npos);
    CHECK(failure.reason.find(good.sealed_secret) == std::string::npos);

    const auto stored = f.row(bad_id);
    CHECK(stored.status == message_status::dead);
    REQUIRE(stored.last_error);
    CHECK(*stored.last_error == failure.reason);
    CHECK(stored.last_error->find("493817") == std::string::npos);
}

TEST_CASE("a message whose code expired while it waited is dropped unsent, and no longer holds back a newer one",
          "[core][delivery]") {
    delivery_policy slow_retry;
    slow_retry.first_retry = 10min;  // the first retry falls after the code's end
    fixture f(slow_retry);
    const auto old_code = f.queue(sms_to("+212612345678", "111111"));  // valid for 5 minutes
    f.sender.fail_next(1, "gateway timeout", false);
    CHECK(f.sms_round().retried == 1);
    f.clock.advance(1min);
    const auto new_code = f.queue(sms_to("+212612345678", "222222"));
    CHECK(f.sms_round().claimed == 0);  // the new code waits behind the old one

    f.clock.advance(4min);
    const auto round = f.sms_round();
    CHECK(round.expired == 1);
    CHECK(round.claimed == 1);
    CHECK(round.sent == 1);
    CHECK(f.sender.delivered() == std::vector<std::string>{new_code.message_id});
    const auto dropped = f.row(old_code.id);
    CHECK(dropped.status == message_status::expired);
    CHECK(dropped.sealed_secret.empty());
    CHECK(f.backlog(channel::sms) == 0);

    f.clock.advance(24h);
    CHECK(f.sms_round().claimed == 0);
    CHECK(f.sender.calls.size() == 2);
}

TEST_CASE("a send that outlives its lease records nothing: the deliverer that took the message over does",
          "[core][delivery]") {
    fixture f;
    const auto q = f.queue(sms_to("+212612345678"));
    delivery_round second;
    f.sender.during_next_send = [&] {
        f.clock.advance(f.deliverer.policy().lease + 1s);  // the first send hangs past its lease
        second = f.sms_round();                            // another deliverer claims the message and sends it
    };
    const auto first = f.sms_round();
    CHECK(first.claimed == 1);
    CHECK(first.sent == 0);
    CHECK(first.lost == 1);
    CHECK(second.claimed == 1);
    CHECK(second.sent == 1);
    CHECK(second.lost == 0);
    // At least once, under one message id: the receiver can drop the second copy.
    CHECK(f.sender.delivered() == std::vector<std::string>{q.message_id, q.message_id});
    CHECK(f.row(q.id).status == message_status::sent);
}

TEST_CASE("a late failure does not undo the next deliverer's success", "[core][delivery]") {
    fixture f;
    const auto q = f.queue(sms_to("+212612345678"));
    delivery_round second;
    f.sender.fail_next(1, "gateway timeout", false);
    f.sender.during_next_send = [&] {
        f.clock.advance(f.deliverer.policy().lease + 1s);
        f.sender.fail_next(1, "connection reset", false);  // this first send will fail, late
        second = f.sms_round();
    };
    const auto first = f.sms_round();
    CHECK(second.sent == 0);
    CHECK(second.retried == 1);
    CHECK(first.lost == 1);
    CHECK(first.retried == 0);
    const auto row = f.row(q.id);
    CHECK(row.attempts == 1);  // the late failure was not counted on top
    CHECK(row.status == message_status::pending);
}
