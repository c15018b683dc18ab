// Agents over real sockets: every route and every failure code of API.md "Agents".
#include "tests/http/app_fixture.hpp"

#include <stdlib.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <filesystem>
#include <thread>

using namespace authd;
using namespace authd::test;
using namespace std::chrono_literals;

namespace {
const std::string amina =
    R"({"phone_number":"0612345678","country_code":"+212","first_name":"Amina","last_name":"Benali","email":"Amina@Example.com"})";
const std::string louis =
    R"({"phone_number":"6 12 34 56 78","country_code":"+33","first_name":"Louis","last_name":"Martin","email":"louis@example.fr"})";
const std::string amina_phone = "+212612345678";
const std::string amina_sms = R"({"phone_number":"+212612345678"})";

bool has(const std::string& body, const std::string& part) { return body.find(part) != std::string::npos; }

std::string register_amina(api& c) {
    auto r = c.post("/api/v1/auth/register", amina);
    REQUIRE(r.status == 201);
    return json_string(r.body, "id");
}

/// Asks for a code for Amina's number; development mode hands it back.
std::string request_code(api& c, const std::string& body = amina_sms) {
    auto r = c.post("/api/v1/auth/request-otp", body);
    REQUIRE(r.status == 202);
    const auto code = json_string(r.body, "debug_code");
    REQUIRE(code.size() == 6);
    return code;
}

std::string verify_body(const std::string& code, const std::string& phone = amina_phone) {
    return R"({"phone_number":")" + phone + R"(","code":")" + code + "\"}";
}

std::string wrong(const std::string& code) { return code == "000000" ? "111111" : "000000"; }

/// Registers Amina, asks for a code and answers it: the verify-otp reply.
http_reply sign_in(api& c) {
    register_amina(c);
    const auto code = request_code(c);
    auto r = c.post("/api/v1/auth/verify-otp", verify_body(code));
    REQUIRE(r.status == 200);
    return r;
}

std::size_t message_count(api& c) {
    auto r = c.get("/api/v1/dev/messages");
    REQUIRE(r.status == 200);
    std::size_t n = 0;
    for (auto at = r.body.find("\"channel\":"); at != std::string::npos; at = r.body.find("\"channel\":", at + 1)) ++n;
    return n;
}

bool is_six_digits(const std::string& s) {
    return s.size() == 6 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
}  // namespace

// --- register ---------------------------------------------------------------------------------------------------

TEST_CASE("agent register answers 201 with the agent in E.164 and a 6-digit license number", "[http][agents]") {
    running_app app;
    auto c = app.client();
    auto r = c.post("/api/v1/auth/register", amina);
    REQUIRE(r.status == 201);
    CHECK(r.header("Content-Type") == "application/json");
    CHECK(r.header("Location") == "/api/v1/agents/me");
    CHECK(json_string(r.body, "id").size() == 36);
    CHECK(json_string(r.body, "phone_number") == "+212612345678");
    CHECK(json_string(r.body, "country_code") == "+212");
    CHECK(json_string(r.body, "first_name") == "Amina");
    CHECK(json_string(r.body, "last_name") == "Benali");
    CHECK(json_string(r.body, "email") == "amina@example.com");
    CHECK(is_six_digits(json_string(r.body, "license_number")));
    CHECK(has(r.body, R"("agency_id":null)"));
    CHECK(json_string(r.body, "status") == "active");
    CHECK(json_string(r.body, "created_at") == "2026-11-22T00:00:00Z");
    CHECK(json_string(r.body, "updated_at") == "2026-11-22T00:00:00Z");

    auto french = c.post("/api/v1/auth/register", louis);
    REQUIRE(french.status == 201);
    CHECK(json_string(french.body, "phone_number") == "+33612345678");
    CHECK(json_string(french.body, "country_code") == "+33");
    CHECK(json_string(french.body, "license_number") != json_string(r.body, "license_number"));
}

TEST_CASE("agent register lists every bad field in one 400", "[http][agents]") {
    running_app app;
    auto c = app.client();
    auto r = c.post("/api/v1/auth/register",
                    R"({"phone_number":"12345","country_code":"+212","first_name":"","last_name":" ","email":"nope"})");
    REQUIRE(r.status == 400);
    CHECK(r.header("Content-Type") == "application/problem+json");
    CHECK(json_string(r.body, "code") == "validation_failed");
    CHECK(has(r.body, R"("field":"phone_number")"));
    CHECK(has(r.body, R"("field":"first_name")"));
    CHECK(has(r.body, R"("field":"last_name")"));
    CHECK(has(r.body, R"("field":"email")"));

    auto missing = c.post("/api/v1/auth/register", "{}");
    REQUIRE(missing.status == 400);
    for (const std::string field : {"phone_number", "country_code", "first_name", "last_name", "email"})
        CHECK(has(missing.body, R"("field":")" + field + R"(","message":"is required")"));

    auto wrong_type =
        c.post("/api/v1/auth/register",
               R"({"phone_number":612345678,"country_code":"+212","first_name":"A","last_name":"B","email":"a@b.co"})");
    REQUIRE(wrong_type.status == 400);
    CHECK(has(wrong_type.body, R"("field":"phone_number","message":"must be a string")"));
}

TEST_CASE("agent register refuses a country other than Morocco or France, naming country_code", "[http][agents]") {
    running_app app;
    auto c = app.client();
    for (const std::string country : {"+1", "+44"}) {
        auto r = c.post("/api/v1/auth/register", R"({"phone_number":"612345678","country_code":")" + country +
                                                     R"(","first_name":"A","last_name":"B","email":"a@example.com"})");
        REQUIRE(r.status == 400);
        CHECK(json_string(r.body, "code") == "validation_failed");
        CHECK(has(r.body, R"("field":"country_code")"));
    }
    // A phone of the other country under +212 is a bad phone_number.
    auto other = c.post(
        "/api/v1/auth/register",
        R"({"phone_number":"+33612345678","country_code":"+212","first_name":"A","last_name":"B","email":"a@example.com"})");
    REQUIRE(other.status == 400);
    CHECK(has(other.body, R"("field":"phone_number")"));
}

TEST_CASE("agent register refuses each malformed phone number with 400 naming phone_number", "[http][agents]") {
    running_app app;
    auto c = app.client();
    for (const std::string phone : {"61234567", "6123456789", "0012345678", "06-12-ab-56-78"}) {
        auto r = c.post("/api/v1/auth/register",
                        R"({"phone_number":")" + phone +
                            R"(","country_code":"+212","first_name":"A","last_name":"B","email":"a@example.com"})");
        REQUIRE(r.status == 400);
        CHECK(has(r.body, R"("field":"phone_number")"));
        CHECK_FALSE(has(r.body, R"("field":"email")"));
    }
}

TEST_CASE("agent register answers 400 malformed_json for a body that is not JSON", "[http][agents]") {
    running_app app;
    auto c = app.client();
    auto r = c.post("/api/v1/auth/register", R"({"phone_number":)");
    CHECK(r.status == 400);
    CHECK(json_string(r.body, "code") == "malformed_json");
    CHECK(c.post("/api/v1/auth/register", "[1]").status == 400);
    CHECK(c.post("/api/v1/auth/request-otp", "{").status == 400);
    CHECK(c.post("/api/v1/auth/verify-otp", "nope").status == 400);
}

TEST_CASE("a phone number or an e-mail can be registered once: 409 phone_taken / email_taken", "[http][agents]") {
    running_app app;
    auto c = app.client();
    register_amina(c);
    auto phone = c.post(
        "/api/v1/auth/register",
        R"({"phone_number":"+212 6 12 34 56 78","country_code":"+212","first_name":"X","last_name":"Y","email":"x@example.com"})");
    CHECK(phone.status == 409);
    CHECK(json_string(phone.body, "code") == "phone_taken");
    auto email = c.post(
        "/api/v1/auth/register",
        R"({"phone_number":"612345678","country_code":"+33","first_name":"X","last_name":"Y","email":"AMINA@example.COM"})");
    CHECK(email.status == 409);
    CHECK(json_string(email.body, "code") == "email_taken");
}

// --- request-otp ------------------------------------------------------------------------------------------------

TEST_CASE("request-otp answers 202 with the message, the method, 300 s and the debug code", "[http][agents]") {
    running_app app;
    auto c = app.client();
    register_amina(c);
    auto r = c.post("/api/v1/auth/request-otp", amina_sms);
    REQUIRE(r.status == 202);
    CHECK(!json_string(r.body, "message").empty());
    CHECK(json_string(r.body, "delivery_method") == "sms");
    CHECK(has(r.body, R"("expires_in":300)"));
    const auto code = json_string(r.body, "debug_code");
    CHECK(is_six_digits(code));

    auto messages = c.get("/api/v1/dev/messages");
    REQUIRE(messages.status == 200);
    CHECK(json_string(messages.body, "channel") == "sms");
    CHECK(json_string(messages.body, "to") == amina_phone);
    CHECK(has(json_string(messages.body, "body"), code));
}

TEST_CASE("request-otp by e-mail sends the code to the agent's address", "[http][agents]") {
    running_app app;
    auto c = app.client();
    register_amina(c);
    auto r = c.post("/api/v1/auth/request-otp", R"({"phone_number":"+212612345678","delivery_method":"email"})");
    REQUIRE(r.status == 202);
    CHECK(json_string(r.body, "delivery_method") == "email");
    auto messages = c.get("/api/v1/dev/messages");
    CHECK(json_string(messages.body, "channel") == "email");
    CHECK(json_string(messages.body, "to") == "amina@example.com");
    CHECK(has(json_string(messages.body, "body"), json_string(r.body, "debug_code")));
    CHECK(c.post("/api/v1/auth/verify-otp", verify_body(json_string(r.body, "debug_code"))).status == 200);

    auto bad = c.post("/api/v1/auth/request-otp", R"({"phone_number":"+33612345679","delivery_method":"fax"})");
    CHECK(bad.status == 400);
    CHECK(has(bad.body, R"("field":"delivery_method")"));
}

TEST_CASE("request-otp for an unknown number answers the same 202, without a code or a message", "[http][agents]") {
    running_app app;
    auto c = app.client();
    register_amina(c);
    const auto known = c.post("/api/v1/auth/request-otp", amina_sms);
    REQUIRE(known.status == 202);
    const auto before = message_count(c);
    REQUIRE(before == 1);

    auto unknown = c.post("/api/v1/auth/request-otp", R"({"phone_number":"+33698765432"})");
    REQUIRE(unknown.status == 202);
    CHECK(json_string(unknown.body, "message") == json_string(known.body, "message"));
    CHECK(json_string(unknown.body, "delivery_method") == "sms");
    CHECK(has(unknown.body, R"("expires_in":300)"));
    CHECK_FALSE(has(unknown.body, "debug_code"));
    CHECK(message_count(c) == before);
}

TEST_CASE("request-otp refuses a bad phone number with 400 naming phone_number", "[http][agents]") {
    running_app app;
    auto c = app.client();
    for (const std::string body : {R"({"phone_number":"+14155552671"})", R"({"phone_number":"0612345678"})",
                                   R"({"phone_number":"612345678","country_code":"+44"})", R"({})"}) {
        auto r = c.post("/api/v1/auth/request-otp", body);
        REQUIRE(r.status == 400);
        CHECK(json_string(r.body, "code") == "validation_failed");
        CHECK(has(r.body, R"("field":"phone_number")"));
    }
}

TEST_CASE("a second request-otp within 60 s is 429 otp_resend_too_soon with Retry-After", "[http][agents]") {
    running_app app;
    auto c = app.client();
    register_amina(c);
    (void)request_code(c);
    app.clock.advance(45s);
    auto early = c.post("/api/v1/auth/request-otp", amina_sms);
    REQUIRE(early.status == 429);
    CHECK(json_string(early.body, "code") == "otp_resend_too_soon");
    CHECK(early.header("Retry-After") == "15");
    app.clock.advance(14s);
    CHECK(c.post("/api/v1/auth/request-otp", amina_sms).header("Retry-After") == "1");
    app.clock.advance(1s);
    CHECK(c.post("/api/v1/auth/request-otp", amina_sms).status == 202);
    CHECK(message_count(c) == 2);
}

TEST_CASE("request-otp on a locked number is 403 otp_locked with Retry-After", "[http][agents]") {
    running_app app;
    auto c = app.client();
    register_amina(c);
    const auto code = request_code(c);
    for (int i = 0; i < 5; ++i) (void)c.post("/api/v1/auth/verify-otp", verify_body(wrong(code)));
    app.clock.advance(5min);
    auto r = c.post("/api/v1/auth/request-otp", amina_sms);
    REQUIRE(r.status == 403);
    CHECK(json_string(r.body, "code") == "otp_locked");
    CHECK(r.header("Retry-After") == "600");
    app.clock.advance(10min);
    CHECK(c.post("/api/v1/auth/request-otp", amina_sms).status == 202);
}

// --- verify-otp -------------------------------------------------------------------------------------------------

TEST_CASE("verify-otp answers 200 with a Bearer pair valid 24 h and the agent", "[http][agents]") {
    running_app app;
    auto c = app.client();
    const auto id = register_amina(c);
    const auto code = request_code(c);
    auto r = c.post("/api/v1/auth/verify-otp", verify_body(code));
    REQUIRE(r.status == 200);
    CHECK(r.header("Cache-Control") == "no-store");
    const auto access = json_string(r.body, "access_token");
    CHECK(std::count(access.begin(), access.end(), '.') == 2);
    CHECK(json_string(r.body, "refresh_token").size() == 53);  // issue time in 10 hex digits, 256 bits
    CHECK(json_string(r.body, "token_type") == "Bearer");
    CHECK(has(r.body, R"("expires_in":86400)"));
    CHECK(has(r.body, R"("agent":{"id":")" + id + "\""));
    CHECK(json_string(r.body, "phone_number") == amina_phone);
    CHECK(is_six_digits(json_string(r.body, "license_number")));

    app.clock.advance(24h - 1s);
    CHECK(c.get("/api/v1/agents/me", access).status == 200);
    app.clock.advance(1s);
    CHECK(c.get("/api/v1/agents/me", access).status == 401);
}

TEST_CASE("national digits with country_code work in request-otp and verify-otp", "[http][agents]") {
    running_app app;
    auto c = app.client();
    register_amina(c);
    const auto code = request_code(c, R"({"phone_number":"06 12 34 56 78","country_code":"+212"})");
    CHECK(json_string(c.get("/api/v1/dev/messages").body, "to") == amina_phone);
    auto r = c.post("/api/v1/auth/verify-otp",
                    R"({"phone_number":"0612345678","country_code":"+212","code":")" + code + "\"}");
    CHECK(r.status == 200);
}

TEST_CASE("a wrong code is 401 invalid_otp with the attempts remaining", "[http][agents]") {
    running_app app;
    auto c = app.client();
    register_amina(c);
    const auto code = request_code(c);
    for (int left = 4; left >= 1; --left) {
        auto r = c.post("/api/v1/auth/verify-otp", verify_body(wrong(code)));
        REQUIRE(r.status == 401);
        CHECK(json_string(r.body, "code") == "invalid_otp");
        CHECK(has(r.body, "\"attempts_remaining\":" + std::to_string(left)));
    }
    CHECK(c.post("/api/v1/auth/verify-otp", verify_body(code)).status == 200);
}

TEST_CASE("verify-otp refuses a code that is not 6 digits with 400 naming code", "[http][agents]") {
    running_app app;
    auto c = app.client();
    for (const std::string code : {"12345", "abcdef"}) {
        auto r = c.post("/api/v1/auth/verify-otp", verify_body(code));
        REQUIRE(r.status == 400);
        CHECK(json_string(r.body, "code") == "validation_failed");
        CHECK(has(r.body, R"("field":"code")"));
    }
    auto missing = c.post("/api/v1/auth/verify-otp", R"({"phone_number":"+212612345678"})");
    CHECK(missing.status == 400);
    CHECK(has(missing.body, R"("field":"code","message":"is required")"));
}

TEST_CASE("a code is 401 otp_expired 5 minutes after its request", "[http][agents]") {
    running_app app;
    auto c = app.client();
    register_amina(c);
    const auto code = request_code(c);
    app.clock.advance(5min);
    auto r = c.post("/api/v1/auth/verify-otp", verify_body(code));
    REQUIRE(r.status == 401);
    CHECK(json_string(r.body, "code") == "otp_expired");
}

TEST_CASE("a code works once: the second verify-otp with it is 401", "[http][agents]") {
    running_app app;
    auto c = app.client();
    register_amina(c);
    const auto code = request_code(c);
    REQUIRE(c.post("/api/v1/auth/verify-otp", verify_body(code)).status == 200);
    auto again = c.post("/api/v1/auth/verify-otp", verify_body(code));
    CHECK(again.status == 401);
    CHECK(json_string(again.body, "code") == "invalid_otp");
    // A spent code is no guess: the next wrong code is the first failure.
    auto next = c.post("/api/v1/auth/verify-otp", verify_body(wrong(code)));
    CHECK(next.status == 401);
    CHECK(has(next.body, R"("attempts_remaining":4)"));
}

TEST_CASE("the fifth wrong code is 403 otp_locked, and the right code stays refused for 15 minutes", "[http][agents]") {
    running_app app;
    auto c = app.client();
    register_amina(c);
    const auto code = request_code(c);
    for (int i = 0; i < 4; ++i) REQUIRE(c.post("/api/v1/auth/verify-otp", verify_body(wrong(code))).status == 401);
    auto fifth = c.post("/api/v1/auth/verify-otp", verify_body(wrong(code)));
    REQUIRE(fifth.status == 403);
    CHECK(json_string(fifth.body, "code") == "otp_locked");
    CHECK(fifth.header("Retry-After") == "900");

    app.clock.advance(1min);
    auto right = c.post("/api/v1/auth/verify-otp", verify_body(code));
    CHECK(right.status == 403);
    CHECK(json_string(right.body, "code") == "otp_locked");
    CHECK(right.header("Retry-After") == "840");

    app.clock.advance(14min);
    auto voided = c.post("/api/v1/auth/verify-otp", verify_body(code));
    CHECK(voided.status == 401);
    CHECK(json_string(voided.body, "code") == "invalid_otp");
    const auto fresh = request_code(c);
    CHECK(c.post("/api/v1/auth/verify-otp", verify_body(fresh)).status == 200);
}

// --- refresh, logout, validate ----------------------------------------------------------------------------------

TEST_CASE("an agent's refresh answers a new pair in the same session", "[http][agents]") {
    running_app app;
    auto c = app.client();
    const auto login = sign_in(c);
    const auto first = json_string(login.body, "refresh_token");
    auto r = c.post("/api/v1/auth/refresh", R"({"refresh_token":")" + first + "\"}");
    REQUIRE(r.status == 200);
    CHECK(r.header("Cache-Control") == "no-store");
    const auto access = json_string(r.body, "access_token");
    CHECK(json_string(r.body, "refresh_token") != first);
    CHECK(json_string(r.body, "refresh_token").size() == 53);  // issue time in 10 hex digits, 256 bits
    CHECK(json_string(r.body, "token_type") == "Bearer");
    CHECK(has(r.body, R"("expires_in":86400)"));
    auto v1 = c.get("/api/v1/auth/validate", json_string(login.body, "access_token"));
    auto v2 = c.get("/api/v1/auth/validate", access);
    REQUIRE(v2.status == 200);
    CHECK(json_string(v2.body, "session_id") == json_string(v1.body, "session_id"));
    CHECK(c.get("/api/v1/agents/me", access).status == 200);
}

TEST_CASE("an agent's refresh refuses an unknown token with 401 invalid_refresh_token", "[http][agents]") {
    running_app app;
    auto c = app.client();
    auto r = c.post("/api/v1/auth/refresh", R"({"refresh_token":"bm90LWEtdG9rZW4"})");
    CHECK(r.status == 401);
    CHECK(json_string(r.body, "code") == "invalid_refresh_token");
    auto missing = c.post("/api/v1/auth/refresh", "{}");
    CHECK(missing.status == 400);
    CHECK(has(missing.body, R"("field":"refresh_token")"));
}

TEST_CASE("an agent's rotated refresh token replayed after 11 s is 401 refresh_token_reused", "[http][agents]") {
    running_app app;
    auto c = app.client();
    const auto login = sign_in(c);
    const auto first = json_string(login.body, "refresh_token");
    auto second = c.post("/api/v1/auth/refresh", R"({"refresh_token":")" + first + "\"}");
    REQUIRE(second.status == 200);
    app.clock.advance(11s);
    auto replay = c.post("/api/v1/auth/refresh", R"({"refresh_token":")" + first + "\"}");
    CHECK(replay.status == 401);
    CHECK(json_string(replay.body, "code") == "refresh_token_reused");
    // The whole session ended with it.
    CHECK(c.get("/api/v1/agents/me", json_string(second.body, "access_token")).status == 401);
    auto newest =
        c.post("/api/v1/auth/refresh", R"({"refresh_token":")" + json_string(second.body, "refresh_token") + "\"}");
    CHECK(newest.status == 401);
}

TEST_CASE("an agent's logout answers 204, then validate and agents/me are 401", "[http][agents]") {
    running_app app;
    auto c = app.client();
    const auto login = sign_in(c);
    const auto access = json_string(login.body, "access_token");
    const auto refresh = json_string(login.body, "refresh_token");
    CHECK(c.post("/api/v1/auth/logout", "", access).status == 204);
    auto validate = c.get("/api/v1/auth/validate", access);
    CHECK(validate.status == 401);
    CHECK(has(validate.body, R"("valid":false)"));
    CHECK(c.get("/api/v1/agents/me", access).status == 401);
    CHECK(c.post("/api/v1/auth/refresh", R"({"refresh_token":")" + refresh + "\"}").status == 401);
    CHECK(c.post("/api/v1/auth/logout", "", access).status == 401);
    CHECK(c.post("/api/v1/auth/logout", "").status == 401);
}

TEST_CASE("validate answers principal_type agent and the role agent, by header or by body", "[http][agents]") {
    running_app app;
    auto c = app.client();
    const auto login = sign_in(c);
    const auto access = json_string(login.body, "access_token");
    const auto id = json_string(login.body, "id");

    auto by_header = c.get("/api/v1/auth/validate", access);
    REQUIRE(by_header.status == 200);
    CHECK(has(by_header.body, R"("valid":true)"));
    CHECK(json_string(by_header.body, "sub") == id);
    CHECK(json_string(by_header.body, "principal_type") == "agent");
    CHECK(has(by_header.body, R"("roles":["agent"])"));
    CHECK(json_string(by_header.body, "session_id").size() == 36);
    CHECK(json_string(by_header.body, "expires_at") == "2026-11-23T00:00:00Z");
    CHECK(by_header.header("X-Auth-Subject") == id);
    CHECK(by_header.header("X-Auth-Principal-Type") == "agent");
    CHECK(by_header.header("X-Auth-Roles") == "agent");

    auto by_body = c.post("/api/v1/auth/validate", R"({"token":")" + access + "\"}");
    REQUIRE(by_body.status == 200);
    CHECK(json_string(by_body.body, "principal_type") == "agent");
    CHECK(has(by_body.body, R"("roles":["agent"])"));
    CHECK(by_body.header("X-Auth-Subject") == id);
    CHECK(by_body.header("X-Auth-Principal-Type") == "agent");
    CHECK(by_body.header("X-Auth-Roles") == "agent");
}

// --- agents/me --------------------------------------------------------------------------------------------------

TEST_CASE("GET agents/me answers the signed-in agent, and 401 without a token", "[http][agents]") {
    running_app app;
    auto c = app.client();
    const auto login = sign_in(c);
    auto me = c.get("/api/v1/agents/me", json_string(login.body, "access_token"));
    REQUIRE(me.status == 200);
    CHECK(me.header("Cache-Control") == "no-store");
    CHECK(json_string(me.body, "id") == json_string(login.body, "id"));
    CHECK(json_string(me.body, "phone_number") == amina_phone);
    CHECK(json_string(me.body, "email") == "amina@example.com");
    CHECK(json_string(me.body, "license_number") == json_string(login.body, "license_number"));

    auto none = c.get("/api/v1/agents/me");
    CHECK(none.status == 401);
    CHECK(none.header("WWW-Authenticate") == "Bearer");
    CHECK(c.get("/api/v1/agents/me", "not.a.token").status == 401);
    CHECK(c.call("PATCH", "/api/v1/agents/me", R"({"first_name":"X"})").status == 401);
}

TEST_CASE("agents/me is 403 forbidden for a user's token", "[http][agents]") {
    running_app app;
    auto c = app.client();
    REQUIRE(
        c.post("/api/auth/register", R"({"email":"ana@example.com","password":"correct-horse","name":"Ana"})").status ==
        201);
    auto login = c.post("/api/auth/login", R"({"email":"ana@example.com","password":"correct-horse"})");
    REQUIRE(login.status == 200);
    const auto token = json_string(login.body, "accessToken");
    auto me = c.get("/api/v1/agents/me", token);
    CHECK(me.status == 403);
    CHECK(json_string(me.body, "code") == "forbidden");
    auto patch = c.call("PATCH", "/api/v1/agents/me", R"({"first_name":"X"})", api::bearer(token));
    CHECK(patch.status == 403);
}

TEST_CASE("PATCH agents/me changes the names and the e-mail, never the license number or phone", "[http][agents]") {
    running_app app;
    auto c = app.client();
    const auto first = json_string(sign_in(c).body, "access_token");
    app.clock.advance(1h);
    // The e-mail receives the agent's codes: a token from a sign-in an hour ago may not move it.
    auto stale = c.call("PATCH", "/api/v1/agents/me", R"({"email":"thief@example.com"})", api::bearer(first));
    CHECK(stale.status == 403);
    CHECK(json_string(stale.body, "code") == "reauthentication_required");
    const auto login = c.post("/api/v1/auth/verify-otp", verify_body(request_code(c)));  // signs in again
    REQUIRE(login.status == 200);
    const auto token = json_string(login.body, "access_token");
    auto r = c.call(
        "PATCH", "/api/v1/agents/me",
        R"({"first_name":"Amina-Rose","last_name":"El Idrissi","email":"New@Example.com","license_number":"000000","phone_number":"+33612345678"})",
        api::bearer(token));
    REQUIRE(r.status == 200);
    CHECK(json_string(r.body, "first_name") == "Amina-Rose");
    CHECK(json_string(r.body, "last_name") == "El Idrissi");
    CHECK(json_string(r.body, "email") == "new@example.com");
    CHECK(json_string(r.body, "license_number") == json_string(login.body, "license_number"));
    CHECK(json_string(r.body, "phone_number") == amina_phone);
    CHECK(json_string(r.body, "updated_at") == "2026-11-22T01:00:00Z");

    auto me = c.get("/api/v1/agents/me", token);
    CHECK(json_string(me.body, "first_name") == "Amina-Rose");
    CHECK(json_string(me.body, "email") == "new@example.com");

    auto partial = c.call("PATCH", "/api/v1/agents/me", R"({"last_name":"Alaoui"})", api::bearer(token));
    REQUIRE(partial.status == 200);
    CHECK(json_string(partial.body, "first_name") == "Amina-Rose");
    CHECK(json_string(partial.body, "last_name") == "Alaoui");
}

TEST_CASE("PATCH agents/me refuses a bad e-mail with 400 and another agent's e-mail with 409", "[http][agents]") {
    running_app app;
    auto c = app.client();
    REQUIRE(c.post("/api/v1/auth/register", louis).status == 201);
    const auto login = sign_in(c);
    const auto token = json_string(login.body, "access_token");

    auto bad = c.call("PATCH", "/api/v1/agents/me", R"({"email":"nope","first_name":""})", api::bearer(token));
    REQUIRE(bad.status == 400);
    CHECK(json_string(bad.body, "code") == "validation_failed");
    CHECK(has(bad.body, R"("field":"email")"));
    CHECK(has(bad.body, R"("field":"first_name")"));

    auto taken = c.call("PATCH", "/api/v1/agents/me", R"({"email":"LOUIS@example.fr"})", api::bearer(token));
    REQUIRE(taken.status == 409);
    CHECK(json_string(taken.body, "code") == "email_taken");
    CHECK(json_string(c.get("/api/v1/agents/me", token).body, "email") == "amina@example.com");

    CHECK(c.call("PATCH", "/api/v1/agents/me", "{", api::bearer(token)).status == 400);
}

// --- dev messages -----------------------------------------------------------------------------------------------

TEST_CASE("dev/messages lists the SMS with its code in development mode", "[http][agents]") {
    running_app app;
    auto c = app.client();
    register_amina(c);
    auto empty = c.get("/api/v1/dev/messages");
    REQUIRE(empty.status == 200);
    CHECK(has(empty.body, R"("messages":[])"));
    const auto code = request_code(c);
    auto r = c.get("/api/v1/dev/messages");
    REQUIRE(r.status == 200);
    CHECK(json_string(r.body, "channel") == "sms");
    CHECK(json_string(r.body, "to") == amina_phone);
    CHECK(json_string(r.body, "body") == "Your authd code is " + code + ". It expires in 5 minutes.");
    CHECK(json_string(r.body, "sent_at") == "2026-11-22T00:00:00Z");
}

TEST_CASE("outside development mode dev/messages is 404 and request-otp carries no debug_code", "[http][agents]") {
    auto cfg = test_config();
    cfg.development = false;
    running_app app(cfg);
    auto c = app.client();
    register_amina(c);
    CHECK(c.get("/api/v1/dev/messages").status == 404);
    auto r = c.post("/api/v1/auth/request-otp", amina_sms);
    REQUIRE(r.status == 202);
    CHECK_FALSE(has(r.body, "debug_code"));
    CHECK(has(r.body, R"("expires_in":300)"));
}

// --- concurrency ------------------------------------------------------------------------------------------------

namespace {
/// `count` POSTs of `body` to `path`, each on a connection of its own opened beforehand, released together so
/// that they race; their statuses in order (-1 for a failed connection).
std::vector<int> fire_together(unsigned short port, int count, const std::string& path, const std::string& body) {
    const auto n = static_cast<std::size_t>(count);
    std::vector<std::unique_ptr<http_client>> clients;
    for (std::size_t i = 0; i < n; ++i) {
        clients.push_back(std::make_unique<http_client>(port));
        (void)clients.back()->request("GET", "/health/live");
    }
    std::vector<int> statuses(n, 0);
    std::atomic<std::size_t> ready{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < n; ++i)
        threads.emplace_back([&, i] {
            ++ready;
            while (!go.load()) std::this_thread::yield();
            try {
                statuses[i] = clients[i]->request("POST", path, body).status;
            } catch (const std::exception&) {
                statuses[i] = -1;
            }
        });
    while (ready.load() < n) std::this_thread::yield();
    go = true;
    for (auto& t : threads) t.join();
    return statuses;
}

/// Enough connections and workers that concurrent requests really run at once.
app::config racing_config() {
    auto cfg = test_config();
    cfg.db_pool_size = 8;
    cfg.worker_threads = 8;
    return cfg;
}
}  // namespace

TEST_CASE("of ten concurrent request-otp for one number exactly one is 202 and one code goes out, on every backend",
          "[http][agents][concurrency]") {
    running_app app(racing_config());
    auto c = app.client();
    register_amina(c);
    const auto statuses = fire_together(app.app->port(), 10, "/api/v1/auth/request-otp", amina_sms);
    CHECK(std::count(statuses.begin(), statuses.end(), 202) == 1);
    CHECK(std::count(statuses.begin(), statuses.end(), 429) == 9);
    const auto messages = c.get("/api/v1/dev/messages").body;
    std::size_t sms = 0;
    for (auto at = messages.find("authd code is"); at != std::string::npos; at = messages.find("authd code is", at + 1))
        ++sms;
    CHECK(sms == 1);
}

TEST_CASE("of 20 concurrent verify-otp with the same right code exactly one is 200, the rest 401",
          "[http][agents][concurrency]") {
    std::array<char, 32> dir_template{};
    const std::string pattern = "/tmp/authd-agents-XXXXXX";
    std::copy(pattern.begin(), pattern.end(), dir_template.begin());
    REQUIRE(mkdtemp(dir_template.data()) != nullptr);
    const std::filesystem::path dir(dir_template.data());
    struct cleanup {
        std::filesystem::path path;
        ~cleanup() {
            std::error_code ignored;
            std::filesystem::remove_all(path, ignored);
        }
    } remove_dir{dir};

    std::vector<int> statuses;
    int next_request = 0;
    {
        auto cfg = test_config();
        cfg.database_url = "sqlite:///" + (dir / "authd.db").string();
        cfg.db_pool_size = 8;
        cfg.worker_threads = 8;
        running_app app(cfg);
        auto c = app.client();
        register_amina(c);
        const auto code = request_code(c);
        const auto body = verify_body(code);

        statuses = fire_together(app.app->port(), 20, "/api/v1/auth/verify-otp", body);
        // The losers presented the right code: they do not lock the winner's number.
        app.clock.advance(60s);
        next_request = c.post("/api/v1/auth/request-otp", amina_sms).status;
    }
    INFO("statuses: " << [&] {
        std::string s;
        for (const int st : statuses) s += std::to_string(st) + " ";
        return s;
    }());
    CHECK(std::count(statuses.begin(), statuses.end(), 200) == 1);
    CHECK(std::count(statuses.begin(), statuses.end(), 401) == 19);
    CHECK(next_request == 202);
}

TEST_CASE("a suspension racing a verify-otp never leaves a working token, on every backend",
          "[http][agents][concurrency]") {
    running_app app(racing_config());
    auto c = app.client();
    const auto id = register_amina(c);
    const auto admin = sign_in_with_roles(c, app, "admin@example.com", {"admin"});
    const std::string suspend = R"({"status":"suspended"})";
    for (int round = 0; round < 8; ++round) {  // bounded: each round is one race
        INFO("round " << round);
        REQUIRE(c.call("PATCH", "/api/admin/agents/" + id, R"({"status":"active"})", api::bearer(admin)).status == 200);
        app.clock.advance(61s);  // past the resend interval
        const auto body = verify_body(request_code(c));
        http_client login_client(app.app->port()), admin_client(app.app->port());
        http_reply login;
        std::thread racer([&] { login = login_client.request("POST", "/api/v1/auth/verify-otp", body); });
        const auto suspended =
            admin_client.request("PATCH", "/api/admin/agents/" + id, suspend, {{"Authorization", "Bearer " + admin}});
        racer.join();
        REQUIRE(suspended.status == 200);
        if (login.status == 200)  // the login came first: the suspension revoked its session
            CHECK(c.get("/api/v1/agents/me", json_string(login.body, "access_token")).status == 401);
        else CHECK(json_string(login.body, "code") == "account_disabled");
    }
}
