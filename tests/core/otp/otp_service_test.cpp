#include "core/otp/otp_service.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "core/agents/agent_service.hpp"
#include "tests/support/fakes.hpp"

using namespace authd;
using namespace std::chrono_literals;

namespace {
const std::string phone = "+212612345678";
const client_info from{"test", "127.0.0.1"};

struct fixture {
    test::fake_clock clock;
    test::counting_random rng;
    test::fake_digest digest;
    test::fake_codec codec;
    test::recording_notifier notifier;
    test::memory_store store;
    token_service tokens{store, codec, digest, rng, clock, token_settings{}};
    agent_service agents{store, rng, clock};
    otp_service otp;
    agent amina;

    explicit fixture(bool reveal_codes = true)
        : otp(store, notifier, digest, rng, clock, tokens, settings(reveal_codes)), amina(register_amina()) {}

    static otp_settings settings(bool reveal_codes) {
        otp_settings s;
        s.reveal_codes = reveal_codes;
        return s;
    }
    agent register_amina() {
        auto a = agents.register_agent({"0612345678", "+212", "Amina", "Benali", "amina@example.com"});
        REQUIRE(a.ok());
        return a.value();
    }
    /// Asks for a code for Amina's number and answers it (in the clear, as development mode does).
    std::string request_code(const std::string& number = phone) {
        const auto sent = otp.request(number, "", "sms");
        REQUIRE(sent.ok());
        REQUIRE(sent->debug_code);
        return *sent->debug_code;
    }
    result<agent_login> verify(const std::string& code, const std::string& number = phone) {
        return otp.verify(number, "", code, from);
    }
};

/// A 6-digit code that is not `code`.
std::string wrong(const std::string& code) { return code == "000000" ? "111111" : "000000"; }

std::vector<std::string> fields_of(const failure& f) {
    std::vector<std::string> out;
    for (const auto& e : f.fields) out.push_back(e.field);
    return out;
}
}  // namespace

TEST_CASE("a request sends a 6-digit code by SMS to the agent's number", "[core][otp]") {
    fixture f;
    const auto sent = f.otp.request(phone, "", "");
    REQUIRE(sent.ok());
    CHECK(sent->method == delivery_method::sms);
    CHECK(sent->expires_in == 5min);
    REQUIRE(sent->debug_code);
    const auto code = *sent->debug_code;
    CHECK(code.size() == 6);
    CHECK(std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; }));

    const auto messages = f.notifier.sent();
    REQUIRE(messages.size() == 1);
    CHECK(messages[0].channel == channel::sms);
    CHECK(messages[0].recipient == phone);
    CHECK(messages[0].kind == message_kind::otp_code);
    CHECK(messages[0].secret == code);
    CHECK(messages[0].lifetime == 5min);
}

TEST_CASE("delivery_method email sends the code to the agent's e-mail", "[core][otp]") {
    fixture f;
    const auto sent = f.otp.request(phone, "", "email");
    REQUIRE(sent.ok());
    CHECK(sent->method == delivery_method::email);
    REQUIRE(sent->debug_code);
    const auto messages = f.notifier.sent();
    REQUIRE(messages.size() == 1);
    CHECK(messages[0].channel == channel::email);
    CHECK(messages[0].recipient == "amina@example.com");
    CHECK(messages[0].secret == *sent->debug_code);
    CHECK(f.store.snapshot().otp_codes.at(0).method == delivery_method::email);
    CHECK(f.verify(*sent->debug_code).ok());
}

TEST_CASE("an unknown delivery method is refused, naming delivery_method", "[core][otp]") {
    fixture f;
    const auto bad = f.otp.request(phone, "", "pigeon");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code == errc::validation_failed);
    CHECK(fields_of(bad.error()) == std::vector<std::string>{"delivery_method"});
    CHECK(f.notifier.sent().empty());
}

TEST_CASE("without reveal_codes the answer carries no debug_code, but the message is sent", "[core][otp]") {
    fixture f(false);
    const auto sent = f.otp.request(phone, "", "sms");
    REQUIRE(sent.ok());
    CHECK_FALSE(sent->debug_code);
    CHECK(sent->expires_in == 5min);
    CHECK(f.notifier.sent().size() == 1);
}

TEST_CASE("an unknown number gets the same answer, no message and no debug_code", "[core][otp]") {
    fixture f;
    const auto known = f.otp.request(phone, "", "sms");
    const auto unknown = f.otp.request("+33698765432", "", "sms");
    REQUIRE(known.ok());
    REQUIRE(unknown.ok());
    CHECK(unknown->method == known->method);
    CHECK(unknown->expires_in == known->expires_in);
    CHECK_FALSE(unknown->debug_code);
    CHECK(f.notifier.sent().size() == 1);  // Amina's only

    // The unknown number is held to the same resend rule as a known one.
    const auto again = f.otp.request("+33698765432", "", "sms");
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().code == errc::otp_resend_too_soon);
}

TEST_CASE("the code is stored only as a digest", "[core][otp]") {
    fixture f;
    const auto code = f.request_code();
    const auto codes = f.store.snapshot().otp_codes;
    REQUIRE(codes.size() == 1);
    CHECK(codes[0].phone_number == phone);
    CHECK(codes[0].code_digest != code);
    CHECK(codes[0].code_digest == f.digest.keyed_hex(phone + ":" + code));
    CHECK(codes[0].expires_at == codes[0].created_at + 5min);
    CHECK_FALSE(codes[0].consumed_at);
}

TEST_CASE("national digits with a country code reach the same number as E.164", "[core][otp]") {
    fixture f;
    const auto sent = f.otp.request("06 12 34 56 78", "+212", "sms");
    REQUIRE(sent.ok());
    REQUIRE(sent->debug_code);
    CHECK(f.notifier.sent().at(0).recipient == phone);
    CHECK(f.otp.verify("0612345678", "+212", *sent->debug_code, from).ok());
}

TEST_CASE("a right code returns 24 h tokens of an agent session with the role agent", "[core][otp]") {
    fixture f;
    const auto code = f.request_code();
    const auto login = f.verify(code);
    REQUIRE(login.ok());
    CHECK(login->account.id == f.amina.id);
    CHECK(login->account.phone_number == phone);
    CHECK(login->tokens.expires_in == 24h);
    CHECK_FALSE(login->tokens.refresh_token.empty());

    const auto who = f.tokens.authenticate(login->tokens.access_token);
    REQUIRE(who.ok());
    CHECK(who->id == f.amina.id);
    CHECK(who->type == principal_type::agent);
    CHECK(who->roles == std::vector<std::string>{"agent"});
    CHECK(who->session_id == login->tokens.session_id);
    CHECK(who->expires_at == f.clock.now() + 24h);

    const auto sessions = f.store.snapshot().sessions;
    REQUIRE(sessions.size() == 1);
    CHECK(sessions.begin()->second.type == principal_type::agent);
    CHECK(sessions.begin()->second.principal_id == f.amina.id);
}

TEST_CASE("a code works at 4:59 after its request", "[core][otp]") {
    fixture f;
    const auto code = f.request_code();
    f.clock.advance(4min + 59s);
    CHECK(f.verify(code).ok());
}

TEST_CASE("a code is otp_expired at exactly 5:00 after its request", "[core][otp]") {
    fixture f;
    const auto code = f.request_code();
    f.clock.advance(5min);
    const auto late = f.verify(code);
    REQUIRE_FALSE(late.ok());
    CHECK(late.error().code == errc::otp_expired);
}

TEST_CASE("a second request within 60 s is refused with the time left, and allowed at 60 s", "[core][otp]") {
    fixture f;
    (void)f.request_code();
    f.clock.advance(59s);
    const auto early = f.otp.request(phone, "", "sms");
    REQUIRE_FALSE(early.ok());
    CHECK(early.error().code == errc::otp_resend_too_soon);
    CHECK(early.error().retry_after == 1s);
    CHECK(f.notifier.sent().size() == 1);

    f.clock.advance(1s);
    const auto again = f.otp.request(phone, "", "sms");
    REQUIRE(again.ok());
    CHECK(f.notifier.sent().size() == 2);
}

TEST_CASE("a resend refused at once reports the whole minute", "[core][otp]") {
    fixture f;
    (void)f.request_code();
    const auto early = f.otp.request(phone, "", "email");
    REQUIRE_FALSE(early.ok());
    CHECK(early.error().retry_after == 60s);
}

TEST_CASE("a new request voids the previous code", "[core][otp]") {
    fixture f;
    const auto first = f.request_code();
    f.clock.advance(60s);
    const auto second = f.request_code();
    REQUIRE(first != second);
    const auto old = f.verify(first);
    REQUIRE_FALSE(old.ok());
    CHECK(old.error().code == errc::invalid_otp);
    const auto codes = f.store.snapshot().otp_codes;
    REQUIRE(codes.size() == 2);
    CHECK(codes[0].consumed_at == codes[1].created_at);
    CHECK(f.verify(second).ok());
}

TEST_CASE("a code works once: a second verification of it fails", "[core][otp]") {
    fixture f;
    const auto code = f.request_code();
    REQUIRE(f.verify(code).ok());
    const auto replay = f.verify(code);
    REQUIRE_FALSE(replay.ok());
    CHECK(replay.error().code == errc::invalid_otp);
    CHECK(f.store.snapshot().sessions.size() == 1);
}

TEST_CASE("a spent code presented again is refused but does not count towards the lock", "[core][otp]") {
    fixture f;
    const auto code = f.request_code();
    REQUIRE(f.verify(code).ok());
    for (int i = 0; i < 10; ++i) {
        const auto replay = f.verify(code);
        REQUIRE_FALSE(replay.ok());
        CHECK(replay.error().code == errc::invalid_otp);
    }
    CHECK(f.verify(wrong(code)).error().attempts_remaining == 4);
    f.clock.advance(60s);
    CHECK(f.verify(f.request_code()).ok());
}

TEST_CASE("four wrong codes answer invalid_otp with 4, 3, 2, 1 attempts remaining", "[core][otp]") {
    fixture f;
    const auto code = f.request_code();
    for (int left = 4; left >= 1; --left) {
        const auto r = f.verify(wrong(code));
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == errc::invalid_otp);
        CHECK(r.error().attempts_remaining == left);
        CHECK_FALSE(r.error().retry_after);
    }
    CHECK(f.verify(code).ok());  // four is not yet a lock
}

TEST_CASE("the fifth wrong code in a row locks the number for 15 minutes", "[core][otp]") {
    fixture f;
    const auto code = f.request_code();
    for (int i = 0; i < 4; ++i) REQUIRE(f.verify(wrong(code)).error().code == errc::invalid_otp);
    const auto fifth = f.verify(wrong(code));
    REQUIRE_FALSE(fifth.ok());
    CHECK(fifth.error().code == errc::otp_locked);
    CHECK(fifth.error().retry_after == 15min);
    REQUIRE(f.store.snapshot().otp_lockouts.at(phone).locked_until);
    CHECK(*f.store.snapshot().otp_lockouts.at(phone).locked_until == f.clock.now() + 15min);
}

TEST_CASE("while locked, the right code and a new request are otp_locked with the time left", "[core][otp]") {
    fixture f;
    const auto code = f.request_code();
    for (int i = 0; i < 5; ++i) (void)f.verify(wrong(code));
    f.clock.advance(2min);

    const auto right = f.verify(code);
    REQUIRE_FALSE(right.ok());
    CHECK(right.error().code == errc::otp_locked);
    CHECK(right.error().retry_after == 13min);

    const auto request = f.otp.request(phone, "", "sms");
    REQUIRE_FALSE(request.ok());
    CHECK(request.error().code == errc::otp_locked);
    CHECK(request.error().retry_after == 13min);
    CHECK(f.notifier.sent().size() == 1);

    f.clock.advance(12min + 59s);
    const auto last_second = f.otp.request(phone, "", "sms");
    REQUIRE_FALSE(last_second.ok());
    CHECK(last_second.error().code == errc::otp_locked);
    CHECK(last_second.error().retry_after == 1s);
    CHECK(f.verify(code).error().code == errc::otp_locked);
    CHECK(f.store.snapshot().sessions.empty());
}

TEST_CASE("the lock voids the code in flight: after 15:00 it is refused, and a new request works", "[core][otp]") {
    fixture f;
    const auto code = f.request_code();
    for (int i = 0; i < 5; ++i) (void)f.verify(wrong(code));
    const auto locked_at = f.clock.now();
    CHECK(f.store.snapshot().otp_codes.at(0).consumed_at == locked_at);

    f.clock.advance(15min);
    const auto old = f.verify(code);
    REQUIRE_FALSE(old.ok());
    // Voided, not merely expired: an expired right code would answer otp_expired.
    CHECK(old.error().code == errc::invalid_otp);

    const auto fresh = f.request_code();
    CHECK(f.verify(fresh).ok());
}

TEST_CASE("the lock voids the code in flight even when the code would outlive the lock", "[core][otp]") {
    test::fake_clock clock;
    test::counting_random rng;
    test::fake_digest digest;
    test::fake_codec codec;
    test::recording_notifier notifier;
    test::memory_store store;
    token_service tokens{store, codec, digest, rng, clock, token_settings{}};
    agent_service agents{store, rng, clock};
    REQUIRE(agents.register_agent({"612345678", "+212", "Amina", "Benali", "amina@example.com"}).ok());
    otp_settings s;
    s.ttl = 1h;  // longer than the lock
    s.lockout.lock_for = 15min;
    s.reveal_codes = true;
    otp_service otp(store, notifier, digest, rng, clock, tokens, s);

    const auto sent = otp.request(phone, "", "sms");
    REQUIRE(sent.ok());
    const auto code = *sent->debug_code;
    for (int i = 0; i < 5; ++i) (void)otp.verify(phone, "", wrong(code), from);
    clock.advance(15min);
    const auto old = otp.verify(phone, "", code, from);
    REQUIRE_FALSE(old.ok());
    CHECK(old.error().code == errc::invalid_otp);
}

TEST_CASE("a correct code resets the count of wrong codes", "[core][otp]") {
    fixture f;
    const auto first = f.request_code();
    for (int i = 0; i < 4; ++i) REQUIRE(f.verify(wrong(first)).error().code == errc::invalid_otp);
    REQUIRE(f.verify(first).ok());

    f.clock.advance(60s);
    const auto second = f.request_code();
    for (int left = 4; left >= 1; --left) {
        const auto r = f.verify(wrong(second));
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == errc::invalid_otp);
        CHECK(r.error().attempts_remaining == left);
    }
    CHECK(f.verify(second).ok());
}

TEST_CASE("wrong codes for an unknown number count and lock exactly as for a known one", "[core][otp]") {
    fixture f;
    const std::string stranger = "+33698765432";
    REQUIRE(f.otp.request(stranger, "", "sms").ok());
    for (int left = 4; left >= 1; --left) {
        const auto r = f.verify("123456", stranger);
        CHECK(r.error().code == errc::invalid_otp);
        CHECK(r.error().attempts_remaining == left);
    }
    const auto fifth = f.verify("123456", stranger);
    CHECK(fifth.error().code == errc::otp_locked);
    CHECK(fifth.error().retry_after == 15min);
    CHECK(f.notifier.sent().empty());
}

TEST_CASE("a suspended agent's right code is account_disabled and opens no session", "[core][otp]") {
    fixture f;
    f.store.write([&](repositories& r) {
        auto a = *r.agents.find_by_phone(phone);
        a.status = agent_status::suspended;
        r.agents.update(a);
    });
    const auto code = f.request_code();
    const auto r = f.verify(code);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == errc::account_disabled);
    CHECK(f.store.snapshot().sessions.empty());
}

TEST_CASE("a bad phone number or a code that is not 6 digits is validation_failed naming the field", "[core][otp]") {
    fixture f;
    SECTION("request with a bad phone") {
        for (const std::string bad : {"+14155552671", "0612345678", "+21261234567", "hello"}) {
            const auto r = f.otp.request(bad, "", "sms");
            REQUIRE_FALSE(r.ok());
            CHECK(r.error().code == errc::validation_failed);
            CHECK(fields_of(r.error()) == std::vector<std::string>{"phone_number"});
        }
        const auto other_country = f.otp.request("612345678", "+44", "sms");
        CHECK(fields_of(other_country.error()) == std::vector<std::string>{"phone_number"});
        CHECK(f.notifier.sent().empty());
    }
    SECTION("verify with a bad phone") {
        const auto r = f.verify("123456", "+4479111234");
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == errc::validation_failed);
        CHECK(fields_of(r.error()) == std::vector<std::string>{"phone_number"});
    }
    SECTION("verify with a bad code") {
        const auto code = f.request_code();
        for (const std::string bad : {"12345", "abcdef", "1234567", "", "12 345", "12345a"}) {
            const auto r = f.verify(bad);
            REQUIRE_FALSE(r.ok());
            CHECK(r.error().code == errc::validation_failed);
            CHECK(fields_of(r.error()) == std::vector<std::string>{"code"});
        }
        // Malformed codes are not guesses: they do not count towards the lock.
        const auto wrong_one = f.verify(wrong(code));
        CHECK(wrong_one.error().attempts_remaining == 4);
    }
    SECTION("verify with both bad") {
        const auto r = f.verify("abcdef", "+1");
        CHECK(fields_of(r.error()) == std::vector<std::string>{"phone_number", "code"});
    }
}

TEST_CASE("of 16 threads verifying the same right code at once, exactly one succeeds", "[core][otp][concurrency]") {
    fixture f;
    const auto code = f.request_code();
    std::atomic<int> ok{0};
    std::atomic<int> failed{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 16; ++i)
        threads.emplace_back([&] {
            if (f.verify(code).ok()) ++ok;
            else ++failed;
        });
    for (auto& t : threads) t.join();
    CHECK(ok == 1);
    CHECK(failed == 15);
    CHECK(f.store.snapshot().sessions.size() == 1);
    // The losers presented the right code: no guess, so the winner's number is not locked by them.
    CHECK(f.store.snapshot().otp_lockouts.at(phone).failures == 0);
    CHECK_FALSE(f.store.snapshot().otp_lockouts.at(phone).locked_until);
    f.clock.advance(60s);
    CHECK(f.verify(f.request_code()).ok());
}

TEST_CASE("concurrent wrong codes cannot slip past the fifth-attempt lock", "[core][otp][concurrency]") {
    fixture f;
    const auto code = f.request_code();
    std::atomic<int> invalid{0};
    std::atomic<int> locked{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 16; ++i)
        threads.emplace_back([&] {
            const auto r = f.verify(wrong(code));
            if (r.ok()) return;
            if (r.error().code == errc::invalid_otp) ++invalid;
            if (r.error().code == errc::otp_locked) ++locked;
        });
    for (auto& t : threads) t.join();
    CHECK(invalid == 4);
    CHECK(locked == 12);
    CHECK(f.verify(code).error().code == errc::otp_locked);
}
