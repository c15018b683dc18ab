// /api/v1/clients*, /api/v1/auth/login, verify_mfa, refresh_token and /api/v1/me over real
// sockets: every route and failure code of API.md "Clients". E-mails are read back from the
// mock notifier (GET /api/v1/dev/messages, development mode).
#include "tests/http/app_fixture.hpp"

using namespace authd;
using namespace authd::test;
using namespace std::chrono_literals;

namespace {
const std::string cleo =
    R"({"email":"cleo@example.com","password":"correct-horse","first_name":"Cleo","last_name":"Martin","phone_number":"+33612345678"})";
const std::string cleo_login = R"({"email":"cleo@example.com","password":"correct-horse"})";
const std::string unknown_id = "99999999-9999-4999-8999-999999999999";

bool has(const std::string& body, const std::string& text) { return body.find(text) != std::string::npos; }

/// The word after `marker` in the newest e-mail the mock notifier kept.
std::string from_last_mail(api& c, const std::string& marker) {
    auto messages = c.get("/api/v1/dev/messages");
    REQUIRE(messages.status == 200);
    const auto body = json_string(messages.body, "body");
    const auto at = body.find(marker);
    REQUIRE(at != std::string::npos);
    const auto start = at + marker.size();
    return body.substr(start, body.find_first_of(" .", start) - start);
}

std::string register_cleo(api& c) {
    auto r = c.post("/api/v1/clients", cleo);
    REQUIRE(r.status == 201);
    return json_string(r.body, "id");
}

std::string verified_cleo(api& c) {
    const auto id = register_cleo(c);
    const auto token = from_last_mail(c, "verification token is ");
    REQUIRE(c.post("/api/v1/clients/" + id + "/verify_email", R"({"token":")" + token + R"("})").status == 200);
    return id;
}

std::string mfa_body(const std::string& token, const std::string& code) {
    return R"({"mfa_token":")" + token + R"(","code":")" + code + R"("})";
}

/// A full client login: password, then the e-mailed code. Returns the verify_mfa reply.
http_reply full_login(api& c) {
    auto first = c.post("/api/v1/auth/login", cleo_login);
    REQUIRE(first.status == 200);
    const auto token = json_string(first.body, "mfa_token");
    return c.post("/api/v1/auth/verify_mfa", mfa_body(token, from_last_mail(c, "sign-in code is ")));
}

std::vector<std::string> client_events(running_app& app) {
    std::vector<std::string> out;
    app.app->store().write([&](repositories& r) {
        for (const auto& m : r.outbox.next_unprocessed(100))
            if (m.aggregate_type == "CLIENT") out.push_back(m.event_type);
    });
    return out;
}
}  // namespace

TEST_CASE("POST /api/v1/clients answers 201 with an unverified client and e-mails a token", "[http][clients]") {
    running_app app;
    auto c = app.client();
    auto r = c.post("/api/v1/clients", cleo);
    REQUIRE(r.status == 201);
    const auto id = json_string(r.body, "id");
    CHECK(id.size() == 36);
    CHECK(r.header("Location") == "/api/v1/clients/" + id);
    CHECK(json_string(r.body, "email") == "cleo@example.com");
    CHECK(json_string(r.body, "first_name") == "Cleo");
    CHECK(json_string(r.body, "last_name") == "Martin");
    CHECK(json_string(r.body, "phone_number") == "+33612345678");
    CHECK(has(r.body, R"("email_verified":false)"));
    CHECK_FALSE(has(r.body, "password"));
    CHECK(r.header("Cache-Control") == "no-store");
    auto messages = c.get("/api/v1/dev/messages");
    CHECK(json_string(messages.body, "channel") == "email");
    CHECK(json_string(messages.body, "to") == "cleo@example.com");
    CHECK(from_last_mail(c, "verification token is ").size() == 43);
}

TEST_CASE("client registration lists every bad field in one 400, and a taken e-mail is 409", "[http][clients]") {
    running_app app;
    auto c = app.client();
    auto bad = c.post("/api/v1/clients",
                      R"({"email":"nope","password":"short","first_name":"","last_name":" ","phone_number":"0612"})");
    REQUIRE(bad.status == 400);
    CHECK(json_string(bad.body, "code") == "validation_failed");
    for (const auto* field : {"email", "password", "first_name", "last_name", "phone_number"})
        CHECK(has(bad.body, std::string(R"("field":")") + field + '"'));
    auto missing =
        c.post("/api/v1/clients", R"({"email":"cleo@example.com","password":"correct-horse","first_name":"C"})");
    CHECK(missing.status == 400);
    CHECK(has(missing.body, R"("field":"last_name","message":"is required")"));
    register_cleo(c);
    auto taken = c.post("/api/v1/clients", cleo);
    CHECK(taken.status == 409);
    CHECK(json_string(taken.body, "code") == "email_taken");
    CHECK(c.post("/api/v1/clients", "{\"email\":").status == 400);
}

TEST_CASE("verify_email takes the e-mailed token once: 400 invalid_token otherwise, 404 for unknown ids",
          "[http][clients]") {
    running_app app;
    auto c = app.client();
    const auto id = register_cleo(c);
    const auto token = R"({"token":")" + from_last_mail(c, "verification token is ") + R"("})";
    auto wrong = c.post("/api/v1/clients/" + id + "/verify_email", R"({"token":"wrong"})");
    CHECK(wrong.status == 400);
    CHECK(json_string(wrong.body, "code") == "invalid_token");
    auto missing = c.post("/api/v1/clients/" + id + "/verify_email", "{}");
    CHECK(missing.status == 400);
    CHECK(has(missing.body, R"("field":"token")"));
    CHECK(c.post("/api/v1/clients/" + unknown_id + "/verify_email", token).status == 404);
    CHECK(c.post("/api/v1/clients/not-an-id/verify_email", token).status == 404);
    auto ok = c.post("/api/v1/clients/" + id + "/verify_email", token);
    REQUIRE(ok.status == 200);
    CHECK(has(ok.body, R"("email_verified":true)"));
    auto again = c.post("/api/v1/clients/" + id + "/verify_email", token);
    CHECK(again.status == 400);
    CHECK(json_string(again.body, "code") == "invalid_token");
}

TEST_CASE("a verification token older than 24 hours is 400 invalid_token", "[http][clients]") {
    running_app app;
    auto c = app.client();
    const auto id = register_cleo(c);
    const auto token = R"({"token":")" + from_last_mail(c, "verification token is ") + R"("})";
    app.clock.advance(24h);
    auto late = c.post("/api/v1/clients/" + id + "/verify_email", token);
    CHECK(late.status == 400);
    CHECK(json_string(late.body, "code") == "invalid_token");
}

TEST_CASE("resend_verification: 429 within a minute, then 202 with a new token, and 409 once verified",
          "[http][clients]") {
    running_app app;
    auto c = app.client();
    const auto id = register_cleo(c);
    const auto first = from_last_mail(c, "verification token is ");
    app.clock.advance(15s);
    auto soon = c.post("/api/v1/clients/" + id + "/resend_verification", "");
    CHECK(soon.status == 429);
    CHECK(json_string(soon.body, "code") == "resend_too_soon");
    CHECK(soon.header("Retry-After") == "45");
    app.clock.advance(45s);
    auto sent = c.post("/api/v1/clients/" + id + "/resend_verification", "");
    CHECK(sent.status == 202);
    const auto second = from_last_mail(c, "verification token is ");
    CHECK(second != first);
    CHECK(c.post("/api/v1/clients/" + id + "/verify_email", R"({"token":")" + first + R"("})").status == 400);
    CHECK(c.post("/api/v1/clients/" + id + "/verify_email", R"({"token":")" + second + R"("})").status == 200);
    auto done = c.post("/api/v1/clients/" + id + "/resend_verification", "");
    CHECK(done.status == 409);
    CHECK(json_string(done.body, "code") == "already_verified");
    CHECK(c.post("/api/v1/clients/" + unknown_id + "/resend_verification", "").status == 404);
}

TEST_CASE("resend_verification for a password user is 404, as for an unknown id, and sends nothing",
          "[http][clients]") {
    running_app app;
    auto c = app.client();
    auto reg = c.post("/api/auth/register", R"({"email":"ana@example.com","password":"correct-horse","name":"Ana"})");
    REQUIRE(reg.status == 201);
    const auto id = json_string(reg.body, "userId");
    REQUIRE_FALSE(id.empty());
    const auto mails_before = c.get("/api/v1/dev/messages").body;
    auto r = c.post("/api/v1/clients/" + id + "/resend_verification", "");
    CHECK(r.status == 404);
    CHECK(json_string(r.body, "code") == "not_found");
    CHECK(c.get("/api/v1/dev/messages").body == mails_before);
}

TEST_CASE("an unverified client gets 403 email_not_verified at login, with the right password only",
          "[http][clients]") {
    running_app app;
    auto c = app.client();
    register_cleo(c);
    auto wrong = c.post("/api/v1/auth/login", R"({"email":"cleo@example.com","password":"wrong-horse"})");
    CHECK(wrong.status == 401);
    CHECK(json_string(wrong.body, "code") == "invalid_credentials");
    auto unknown = c.post("/api/v1/auth/login", R"({"email":"nobody@example.com","password":"wrong-horse"})");
    CHECK(unknown.status == 401);
    CHECK(json_string(unknown.body, "detail") == json_string(wrong.body, "detail"));
    auto unverified = c.post("/api/v1/auth/login", cleo_login);
    CHECK(unverified.status == 403);
    CHECK(json_string(unverified.body, "code") == "email_not_verified");
    // The same rule at the users' login route: one identity store.
    CHECK(json_string(c.post("/api/auth/login", cleo_login).body, "code") == "email_not_verified");
    CHECK(c.post("/api/v1/auth/login", "{}").status == 400);
    auto username = c.post("/api/v1/auth/login", R"({"email":"cleo","password":"correct-horse"})");
    CHECK(username.status == 400);
    CHECK(has(username.body, R"("field":"email")"));
}

TEST_CASE("a verified client logs in with the e-mailed code and gets tokens and itself", "[http][clients]") {
    running_app app;
    auto c = app.client();
    const auto id = verified_cleo(c);
    auto first = c.post("/api/v1/auth/login", cleo_login);
    REQUIRE(first.status == 200);
    CHECK(has(first.body, R"("mfa_required":true)"));
    CHECK(json_string(first.body, "delivery_method") == "email");
    CHECK(has(first.body, R"("expires_in":300)"));
    const auto mfa_token = json_string(first.body, "mfa_token");
    const auto code = from_last_mail(c, "sign-in code is ");
    CHECK(code.size() == 6);
    // The mfa_token is no bearer token.
    CHECK(c.get("/api/v1/me", mfa_token).status == 401);

    auto done = c.post("/api/v1/auth/verify_mfa", mfa_body(mfa_token, code));
    REQUIRE(done.status == 200);
    CHECK(json_string(done.body, "token_type") == "Bearer");
    CHECK(has(done.body, R"("expires_in":900)"));
    CHECK(has(done.body, R"("client":{"id":")" + id));
    CHECK(done.header("Cache-Control") == "no-store");
    const auto access = json_string(done.body, "access_token");
    auto me = c.get("/api/v1/me", access);
    REQUIRE(me.status == 200);
    CHECK(json_string(me.body, "id") == id);
    CHECK(has(me.body, R"("email_verified":true)"));
    auto self = c.get("/api/v1/clients/" + id, access);
    CHECK(self.status == 200);
    CHECK(json_string(self.body, "email") == "cleo@example.com");
    // The code and the challenge are spent.
    auto again = c.post("/api/v1/auth/verify_mfa", mfa_body(mfa_token, code));
    CHECK(again.status == 401);
    CHECK(json_string(again.body, "code") == "mfa_expired");
    CHECK(client_events(app) ==
          std::vector<std::string>{"client.registered", "client.email_verified", "client.logged_in"});
}

TEST_CASE("refresh_token rotates the client's pair, and a rotated token later revokes the session", "[http][clients]") {
    running_app app;
    auto c = app.client();
    verified_cleo(c);
    auto done = full_login(c);
    REQUIRE(done.status == 200);
    const auto refresh = json_string(done.body, "refresh_token");
    auto next = c.post("/api/v1/auth/refresh_token", R"({"refresh_token":")" + refresh + R"("})");
    REQUIRE(next.status == 200);
    CHECK(json_string(next.body, "refresh_token") != refresh);
    CHECK(c.get("/api/v1/me", json_string(next.body, "access_token")).status == 200);
    app.clock.advance(11s);
    auto reused = c.post("/api/v1/auth/refresh_token", R"({"refresh_token":")" + refresh + R"("})");
    CHECK(reused.status == 401);
    CHECK(json_string(reused.body, "code") == "refresh_token_reused");
    auto bogus = c.post("/api/v1/auth/refresh_token", R"({"refresh_token":"bogus"})");
    CHECK(bogus.status == 401);
    CHECK(c.post("/api/v1/auth/refresh_token", "{}").status == 400);
}

TEST_CASE("wrong codes are 401 invalid_mfa_code, and the fifth failure in a row locks the account",
          "[http][clients][lockout]") {
    running_app app;
    auto c = app.client();
    verified_cleo(c);
    // Two failures at the users' login route count too: one failure counter per account.
    for (int i = 0; i < 2; ++i)
        CHECK(c.post("/api/auth/login", R"({"email":"cleo@example.com","password":"wrong-horse"})").status == 401);
    auto first = c.post("/api/v1/auth/login", cleo_login);
    const auto token = json_string(first.body, "mfa_token");
    const auto code = from_last_mail(c, "sign-in code is ");
    const std::string wrong = code == "000000" ? "111111" : "000000";
    auto w1 = c.post("/api/v1/auth/verify_mfa", mfa_body(token, wrong));
    CHECK(w1.status == 401);
    CHECK(json_string(w1.body, "code") == "invalid_mfa_code");
    CHECK(has(w1.body, R"("attempts_remaining":2)"));
    CHECK(c.post("/api/v1/auth/verify_mfa", mfa_body(token, wrong)).status == 401);
    auto locked = c.post("/api/v1/auth/verify_mfa", mfa_body(token, wrong));
    CHECK(locked.status == 403);
    CHECK(json_string(locked.body, "code") == "account_locked");
    CHECK(locked.header("Retry-After") == "900");
    // The lock voided the challenge: even the right code is refused now.
    auto late = c.post("/api/v1/auth/verify_mfa", mfa_body(token, code));
    CHECK(late.status == 401);
    CHECK(json_string(late.body, "code") == "mfa_expired");
    auto relogin = c.post("/api/v1/auth/login", cleo_login);
    CHECK(relogin.status == 403);
    CHECK(json_string(relogin.body, "code") == "account_locked");
    app.clock.advance(15min);
    CHECK(full_login(c).status == 200);
    const auto metrics = c.get("/metrics").body;
    CHECK(has(metrics, R"(authd_auth_results_total{kind="mfa_verify",result="invalid_mfa_code"} 2)"));
    CHECK(has(metrics, R"(authd_auth_results_total{kind="mfa_verify",result="account_locked"} 1)"));
    CHECK(has(metrics, R"(authd_auth_results_total{kind="mfa_verify",result="success"} 1)"));
}

TEST_CASE("a challenge expires after five minutes: 401 mfa_expired", "[http][clients]") {
    running_app app;
    auto c = app.client();
    verified_cleo(c);
    auto first = c.post("/api/v1/auth/login", cleo_login);
    const auto code = from_last_mail(c, "sign-in code is ");
    app.clock.advance(5min);
    auto late = c.post("/api/v1/auth/verify_mfa", mfa_body(json_string(first.body, "mfa_token"), code));
    CHECK(late.status == 401);
    CHECK(json_string(late.body, "code") == "mfa_expired");
    CHECK(c.post("/api/v1/auth/verify_mfa", R"({"mfa_token":"x"})").status == 400);
}

TEST_CASE("a client at /api/auth/login gets 401 mfa_required with an mfaToken and finishes at verify_mfa",
          "[http][clients]") {
    running_app app;
    auto c = app.client();
    verified_cleo(c);
    auto r = c.post("/api/auth/login", cleo_login);
    REQUIRE(r.status == 401);
    CHECK(json_string(r.body, "code") == "mfa_required");
    CHECK(json_string(r.body, "deliveryMethod") == "email");
    CHECK(r.header("WWW-Authenticate") == "Bearer");
    const auto token = json_string(r.body, "mfaToken");
    REQUIRE(token.size() == 43);
    auto done = c.post("/api/v1/auth/verify_mfa", mfa_body(token, from_last_mail(c, "sign-in code is ")));
    CHECK(done.status == 200);
}

TEST_CASE("an account without a second factor gets tokens at once from /api/v1/auth/login", "[http][clients]") {
    running_app app;
    auto c = app.client();
    REQUIRE(
        c.post("/api/auth/register", R"({"email":"ana@example.com","password":"correct-horse","name":"Ana"})").status ==
        201);
    auto r = c.post("/api/v1/auth/login", R"({"email":"ana@example.com","password":"correct-horse"})");
    REQUIRE(r.status == 200);
    CHECK_FALSE(has(r.body, "mfa_required"));
    CHECK(has(r.body, R"("expires_in":900)"));
    CHECK(json_string(r.body, "name") == "Ana");
    auto me = c.get("/api/v1/me", json_string(r.body, "access_token"));
    CHECK(me.status == 200);
    CHECK(json_string(me.body, "email") == "ana@example.com");
    CHECK(client_events(app).empty());  // client.* events are for clients
}

TEST_CASE("a disabled client gets 403 account_disabled at /api/v1/auth/login", "[http][clients]") {
    running_app app;
    auto c = app.client();
    const auto id = verified_cleo(c);
    app.app->store().write([&](repositories& r) {
        auto u = *r.users.find_by_id(id);
        u.is_active = false;
        r.users.update(u);
    });
    auto r = c.post("/api/v1/auth/login", cleo_login);
    CHECK(r.status == 403);
    CHECK(json_string(r.body, "code") == "account_disabled");
}

TEST_CASE("GET /api/v1/clients/:id is for that client or an admin: 401, 403, 404", "[http][clients]") {
    running_app app;
    auto c = app.client();
    const auto id = verified_cleo(c);
    CHECK(c.get("/api/v1/clients/" + id).status == 401);
    const auto other = sign_in_with_roles(c, app, "bob@example.com", {"customer"});
    auto forbidden = c.get("/api/v1/clients/" + id, other);
    CHECK(forbidden.status == 403);
    CHECK(json_string(forbidden.body, "code") == "forbidden");
    const auto admin = sign_in_with_roles(c, app, "root@example.com", {"admin"});
    auto read = c.get("/api/v1/clients/" + id, admin);
    CHECK(read.status == 200);
    CHECK(json_string(read.body, "email") == "cleo@example.com");
    CHECK(c.get("/api/v1/clients/" + unknown_id, admin).status == 404);
    CHECK(c.get("/api/v1/clients/not-an-id", admin).status == 404);
}

TEST_CASE("GET /api/v1/me answers an agent as an agent, and 401 without a token", "[http][clients][agents]") {
    running_app app;
    auto c = app.client();
    CHECK(c.get("/api/v1/me").status == 401);
    REQUIRE(
        c.post(
             "/api/v1/auth/register",
             R"({"phone_number":"612345678","country_code":"+212","first_name":"Amina","last_name":"B","email":"amina@example.com"})")
            .status == 201);
    auto otp = c.post("/api/v1/auth/request-otp", R"({"phone_number":"+212612345678"})");
    const auto code = json_string(otp.body, "debug_code");
    auto login = c.post("/api/v1/auth/verify-otp", R"({"phone_number":"+212612345678","code":")" + code + R"("})");
    REQUIRE(login.status == 200);
    auto me = c.get("/api/v1/me", json_string(login.body, "access_token"));
    CHECK(me.status == 200);
    CHECK(json_string(me.body, "phone_number") == "+212612345678");
    CHECK(has(me.body, "license_number"));
}

TEST_CASE("verify_mfa counts against the credential rate limit", "[http][clients][ratelimit]") {
    auto cfg = test_config();
    cfg.auth_rate_limit_per_minute = 5;
    running_app app(cfg);
    auto c = app.client();
    for (int i = 0; i < 5; ++i) CHECK(c.post("/api/v1/auth/verify_mfa", mfa_body("x", "123456")).status == 401);
    auto limited = c.post("/api/v1/auth/verify_mfa", mfa_body("x", "123456"));
    CHECK(limited.status == 429);
    CHECK(json_string(limited.body, "code") == "rate_limited");
}
