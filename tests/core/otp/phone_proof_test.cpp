// AGENT_PHONE_PROOF: a new agent is pending until a code sent by SMS to its number is verified, and until then no
// code goes to its e-mail address (else whoever registered someone else's number would receive its codes).
#include <catch2/catch.hpp>

#include "core/agents/agent_service.hpp"
#include "core/otp/otp_service.hpp"
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
    agent_service agents{store, rng, clock, 10min, true};
    otp_service otp{store, notifier, digest, rng, clock, tokens, settings()};

    static otp_settings settings() {
        otp_settings s;
        s.phone_proof = true;
        return s;
    }
    agent register_amina() {
        auto a = agents.register_agent({"0612345678", "+212", "Amina", "Benali", "amina@example.com"});
        REQUIRE(a.ok());
        return a.value();
    }
    agent stored(const std::string& id) {
        auto a = agents.find(id);
        REQUIRE(a.ok());
        return a.value();
    }
    /// The code of the last message queued to `recipient`.
    std::optional<std::string> last_code_to(const std::string& recipient) {
        std::optional<std::string> code;
        for (const auto& m : notifier.sent())
            if (m.recipient == recipient && m.kind == message_kind::otp_code) code = m.secret;
        return code;
    }
};
}  // namespace

TEST_CASE("with phone proof a new agent is pending and cannot sign in before its number is proven",
          "[core][otp][agents]") {
    fixture f;
    const auto a = f.register_amina();
    CHECK(a.status == agent_status::pending);
    CHECK_FALSE(a.active());
}

TEST_CASE("with phone proof a pending agent gets no code by e-mail, and the answer is the same as for SMS",
          "[core][otp][agents]") {
    fixture f;
    f.register_amina();
    const auto by_mail = f.otp.request(phone, "", "email");
    REQUIRE(by_mail.ok());
    CHECK(by_mail->method == delivery_method::email);
    CHECK_FALSE(by_mail->debug_code);
    CHECK_FALSE(f.last_code_to("amina@example.com"));
    CHECK(f.notifier.sent().empty());
}

TEST_CASE("with phone proof the first code verified by SMS makes the agent active and signs it in",
          "[core][otp][agents]") {
    fixture f;
    const auto a = f.register_amina();
    REQUIRE(f.otp.request(phone, "", "sms").ok());
    const auto code = f.last_code_to(phone);
    REQUIRE(code);
    const auto login = f.otp.verify(phone, "", *code, from);
    REQUIRE(login.ok());
    CHECK(login->account.status == agent_status::active);
    CHECK(f.stored(a.id).status == agent_status::active);
    CHECK_FALSE(login->tokens.access_token.empty());
    const auto trail = f.store.snapshot().audit_events;
    CHECK(std::any_of(trail.begin(), trail.end(), [&](const audit_event& e) {
        return e.type == audit_type::agent_status_changed && e.principal_id == a.id;
    }));

    // Proven: the e-mail channel now serves it.
    f.clock.advance(2min);
    REQUIRE(f.otp.request(phone, "", "email").ok());
    CHECK(f.last_code_to("amina@example.com"));
}

TEST_CASE("with phone proof a wrong code leaves the agent pending", "[core][otp][agents]") {
    fixture f;
    const auto a = f.register_amina();
    REQUIRE(f.otp.request(phone, "", "sms").ok());
    const auto code = f.last_code_to(phone);
    REQUIRE(code);
    const auto login = f.otp.verify(phone, "", *code == "000000" ? "111111" : "000000", from);
    CHECK(login.error().code == errc::invalid_otp);
    CHECK(f.stored(a.id).status == agent_status::pending);
}

TEST_CASE("without phone proof a new agent is active at once and may take codes by e-mail", "[core][otp][agents]") {
    test::fake_clock clock;
    test::counting_random rng;
    test::memory_store store;
    agent_service agents{store, rng, clock};
    const auto a = agents.register_agent({"0612345678", "+212", "Amina", "Benali", "amina@example.com"});
    REQUIRE(a.ok());
    CHECK(a->status == agent_status::active);
}
