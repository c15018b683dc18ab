// The clean-up over the memory fakes: what ended more than `keep` ago is deleted, every kind in its own batches, the
// rest kept; one run at a time under the task's lease, given back when a run ends; a run ends after max_batches per
// kind, leaving the rest for the next run. Time moves only when the fake clock is told to.
#include "core/maintenance/cleanup.hpp"

#include <catch2/catch.hpp>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "tests/support/fakes.hpp"

using namespace authd;
using namespace std::chrono_literals;

namespace {
constexpr std::chrono::days day{1};

struct fixture {
    test::fake_clock clock;
    test::memory_store store;
    retention_policy policy;  // keep 30 days, batches of 500, a 10-minute lease
    const time_point start = clock.now();
    const time_point old = start - 31 * day;     // ended more than `keep` ago
    const time_point recent = start - 29 * day;  // ended, but within `keep`

    cleanup_report run() { return cleanup_task(store, clock, policy).run(); }

    void add_code(const std::string& id, time_point expires) {
        store.write([&](repositories& r) {
            r.otps.insert(otp_code{id, "+2126" + id, std::string(64, 'c'), delivery_method::sms, expires - 5min,
                                   expires, std::nullopt});
        });
    }
    std::set<std::string> code_ids() {
        std::set<std::string> out;
        for (const auto& c : store.snapshot().otp_codes) out.insert(c.id);
        return out;
    }

    /// One row of every kind that ended more than `keep` ago, and rows of every kind that have not (ended within
    /// `keep`, or still valid, or never finished).
    void add_every_kind() {
        add_code("c-old", old);
        add_code("c-recent", recent);
        add_code("c-live", start + 5min);
        store.write([&](repositories& r) {
            r.otps.lock_lockout("+212600000001");
            r.otps.save_lockout("+212600000001", {0, old}, old - 15min);  // its lock ended long ago
            r.otps.lock_lockout("+212600000002");
            r.otps.save_lockout("+212600000002", {1, start + 15min}, start);  // locked now

            r.challenges.insert({"m-old", "u1", factor_method::totp, std::nullopt, 0, old - 5min, old, old});
            r.challenges.insert({"m-live", "u1", factor_method::totp, std::nullopt, 0, start, start + 5min, {}});
            r.verifications.insert({"v-old", "u1", old - 24h, old, std::nullopt});
            r.verifications.insert({"v-recent", "u1", recent - 24h, recent, std::nullopt});
            r.password_resets.insert({"p-old", "u1", old - 1h, old, old - 30min});
            r.email_changes.insert({"e-old", "u1", old - 24h, old, std::nullopt, "cleo@example.org"});
            r.email_changes.insert({"e-live", "u1", start, start + 24h, std::nullopt, "cleo@example.net"});
            // Audit events keep for their own, longer retention (keep_audit, 365 days).
            audit_event e;
            e.type = audit_type::sign_in;
            e.principal_id = "u1";
            e.at = start - 366 * day;
            r.audit.add(e);
            e.at = start - 364 * day;
            r.audit.add(e);
            e.at = old;  // older than `keep`, far within `keep_audit`
            r.audit.add(e);
            r.password_resets.insert({"p-live", "u1", start, start + 1h, std::nullopt});

            r.sessions.insert({"s-expired", "u1", principal_type::user, old - 7 * day, old - 1h, old, std::nullopt,
                               "curl/8", "127.0.0.1"});
            r.sessions.insert(
                {"s-revoked", "u1", principal_type::user, old, old, start + 7 * day, old, "curl/8", "127.0.0.1"});
            r.sessions.insert({"s-live", "u1", principal_type::user, start, start, start + 7 * day, std::nullopt,
                               "curl/8", "127.0.0.1"});
            r.sessions.insert_refresh_token({"r-old", "s-live", old - 7 * day, old, old - day});
            r.sessions.insert_refresh_token({"r-live", "s-live", start, start + 7 * day, std::nullopt});
        });
        add_messages();
        add_outbox();
    }

    /// Sent long ago, sent recently, and pending since long ago (not due yet): only the first has ended long ago.
    void add_messages() {
        const auto message = [](const std::string& id, int recipient, time_point created, time_point due) {
            queued_message q;
            q.message_id = id;
            q.message.channel = channel::sms;
            q.message.kind = message_kind::otp_code;
            q.message.recipient = "+21260000000" + std::to_string(recipient);
            q.message.lifetime = 300s;
            q.message.account_id = "u1";
            q.recipient_key = std::string(63, '0') + std::to_string(recipient);
            q.sealed_secret = "sealed";
            q.next_attempt_at = due;
            q.created_at = created;
            q.expires_at = due + 300s;
            return q;
        };
        store.write([&](repositories& r) {
            r.messages.add(message("q-old-sent", 1, old, old));
            r.messages.add(message("q-recent-sent", 2, recent, recent));
            r.messages.add(message("q-pending", 3, old, start + 1h));
        });
        for (const auto at : {old, recent})
            store.write([&](repositories& r) {
                for (const auto& q : r.messages.claim_due(channel::sms, at, at + 2min, 10))
                    REQUIRE(r.messages.mark_sent(q.id, q.lease_until.value(), at + 10s));
            });
    }
    std::set<std::string> message_ids() {
        std::set<std::string> out;
        for (const auto& q : store.snapshot().messages) out.insert(q.message_id);
        return out;
    }

    /// Relayed long ago, relayed recently, and never relayed.
    void add_outbox() {
        user u;
        u.id = "u1";
        u.email = "cleo@example.com";
        store.write([&](repositories& r) {
            for (int i = 0; i < 3; ++i) r.outbox.add_client_change("client.logged_in", u, old - day);
            const auto rows = r.outbox.next_unprocessed(10);
            REQUIRE(rows.size() == 3);
            r.outbox.mark_processed(rows[0].id, old);
            r.outbox.mark_processed(rows[1].id, recent);
        });
    }
};

int count_of(const cleanup_report& report, ended_rows rows) {
    for (const auto& [kind, n] : report.deleted)
        if (kind == rows) return n;
    FAIL("the report does not list " << to_string(rows));
    return -1;
}

/// The report lists every kind, in all_ended_rows order, with the expected counts.
void check_counts(const cleanup_report& report, const std::vector<int>& expected) {
    REQUIRE(report.deleted.size() == std::size(all_ended_rows));
    REQUIRE(expected.size() == std::size(all_ended_rows));
    for (std::size_t i = 0; i < expected.size(); ++i) {
        INFO(to_string(all_ended_rows[i]));
        CHECK(report.deleted[i].first == all_ended_rows[i]);
        CHECK(report.deleted[i].second == expected[i]);
    }
}
}  // namespace

TEST_CASE("a run deletes what ended more than keep ago, keeps the rest, and reports every kind and the total",
          "[core][maintenance]") {
    fixture f;
    f.add_every_kind();

    const auto report = f.run();
    CHECK(report.ran);
    check_counts(report, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
    CHECK(report.total() == 12);

    const auto data = f.store.snapshot();
    CHECK(f.code_ids() == std::set<std::string>{"c-recent", "c-live"});
    CHECK(data.otp_lockouts.size() == 1);
    CHECK(data.otp_lockouts.count("+212600000002") == 1);
    CHECK(data.mfa_challenges.size() == 1);
    CHECK(data.mfa_challenges.count("m-live") == 1);
    REQUIRE(data.email_verifications.size() == 1);
    CHECK(data.email_verifications[0].token_digest == "v-recent");
    REQUIRE(data.password_resets.size() == 1);
    CHECK(data.password_resets[0].token_digest == "p-live");
    REQUIRE(data.email_changes.size() == 1);
    CHECK(data.email_changes[0].token_digest == "e-live");
    REQUIRE(data.audit_events.size() == 2);
    CHECK(data.audit_events[0].at == f.start - 364 * day);
    CHECK(data.refresh_tokens.size() == 1);
    CHECK(data.refresh_tokens.count("r-live") == 1);
    CHECK(data.sessions.size() == 1);
    CHECK(data.sessions.count("s-live") == 1);
    CHECK(f.message_ids() == std::set<std::string>{"q-recent-sent", "q-pending"});
    REQUIRE(data.outbox.size() == 2);
    CHECK(data.outbox[0].processed_at == std::optional<time_point>(f.recent));
    CHECK_FALSE(data.outbox[1].processed_at);

    // What ended within `keep` goes once it is `keep` old.
    f.clock.advance(2 * day);
    const auto later = f.run();
    CHECK(later.ran);
    // c-recent, v-recent, q-recent-sent, the recent outbox row, and the audit event now 366 days old
    check_counts(later, {1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1, 1});
    CHECK(f.store.snapshot().audit_events.size() == 1);
    CHECK(f.code_ids() == std::set<std::string>{"c-live"});
    CHECK(f.message_ids() == std::set<std::string>{"q-pending"});
}

TEST_CASE("while another process holds the lease a run does nothing, and runs once that lease has ended",
          "[core][maintenance]") {
    fixture f;
    f.add_code("c-1", f.old);
    // Another process's run, started now: it holds the task's lease for the policy's 10 minutes.
    REQUIRE(write_tx(f.store, [&](repositories& r) {
        return r.retention.lease_task("cleanup", f.start, f.start + f.policy.lease);
    }));

    f.clock.advance(1min);
    const auto held = f.run();
    CHECK_FALSE(held.ran);
    CHECK(held.deleted.empty());
    CHECK(held.total() == 0);
    CHECK(f.code_ids() == std::set<std::string>{"c-1"});

    f.clock.advance(8min);
    CHECK_FALSE(f.run().ran);
    CHECK(f.code_ids() == std::set<std::string>{"c-1"});

    f.clock.advance(1min);  // 10 minutes: the other process's lease has ended
    const auto again = f.run();
    CHECK(again.ran);
    check_counts(again, {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    CHECK(again.total() == 1);
    CHECK(f.code_ids().empty());
}

TEST_CASE("a run gives its lease back when it ends, so that the next one may start at once", "[core][maintenance]") {
    fixture f;
    f.add_code("c-1", f.old);
    const auto first = f.run();
    CHECK(first.ran);
    CHECK(count_of(first, ended_rows::otp_codes) == 1);

    f.add_code("c-2", f.old);
    f.clock.advance(1min);  // well within the lease the first run took
    const auto second = f.run();
    CHECK(second.ran);
    check_counts(second, {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    CHECK(f.code_ids().empty());
    // Given back, not left to run out: another process could take it now.
    CHECK(write_tx(f.store, [&](repositories& r) {
        return r.retention.lease_task("cleanup", f.clock.now(), f.clock.now() + f.policy.lease);
    }));
    CHECK_FALSE(f.run().ran);
}

TEST_CASE("one run deletes every ended row of a kind in several batches", "[core][maintenance]") {
    fixture f;
    f.policy.batch = 2;
    for (int n = 1; n <= 5; ++n) f.add_code("c-" + std::to_string(n), f.old - n * day);
    f.add_code("c-live", f.start + 5min);

    const auto report = f.run();
    CHECK(report.ran);
    check_counts(report, {5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    CHECK(report.total() == 5);
    CHECK(f.code_ids() == std::set<std::string>{"c-live"});
}

TEST_CASE("a kind whose ended rows fill the last batch exactly is deleted in full", "[core][maintenance]") {
    fixture f;
    f.policy.batch = 2;
    for (int n = 1; n <= 4; ++n) f.add_code("c-" + std::to_string(n), f.old - n * day);

    const auto report = f.run();
    CHECK(count_of(report, ended_rows::otp_codes) == 4);
    CHECK(report.total() == 4);
    CHECK(f.code_ids().empty());
}

TEST_CASE("a run stops after max_batches per kind and leaves the rest to the next run", "[core][maintenance]") {
    fixture f;
    f.policy.batch = 2;
    f.policy.max_batches = 1;
    for (int n = 1; n <= 5; ++n) f.add_code("c-" + std::to_string(n), f.old - n * day);
    f.add_code("c-live", f.start + 5min);

    const auto first = f.run();
    CHECK(first.ran);
    check_counts(first, {2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    CHECK(f.code_ids().size() == 4);  // 3 ended and the live one

    f.clock.advance(f.policy.lease);
    CHECK(count_of(f.run(), ended_rows::otp_codes) == 2);
    CHECK(f.code_ids().size() == 2);

    f.clock.advance(f.policy.lease);
    CHECK(count_of(f.run(), ended_rows::otp_codes) == 1);
    CHECK(f.code_ids() == std::set<std::string>{"c-live"});

    f.clock.advance(f.policy.lease);
    const auto last = f.run();
    CHECK(last.ran);
    CHECK(last.total() == 0);
}
