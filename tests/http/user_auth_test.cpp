// /api/auth/* over real sockets: every route's success and every failure code of API.md "Users" for them.
#include "tests/http/app_fixture.hpp"

#include <mutex>
#include <thread>

using namespace authd;
using namespace authd::test;
using namespace std::chrono_literals;

namespace {
const std::string ana = R"({"email":"ana@example.com","password":"correct-horse","name":"Ana","username":"ana"})";
const std::string ana_login = R"({"email":"ana@example.com","password":"correct-horse"})";
const std::string ana_wrong = R"({"email":"ana@example.com","password":"wrong-horse"})";

std::string login_token(api& c, const std::string& field = "accessToken") {
    auto r = c.post("/api/auth/login", ana_login);
    REQUIRE(r.status == 200);
    return json_string(r.body, field);
}
}  // namespace

TEST_CASE("register answers 201 with the new user and the customer role", "[http][users]") {
    running_app app;
    auto c = app.client();
    auto r = c.post("/api/auth/register", ana);
    REQUIRE(r.status == 201);
    CHECK(r.header("Content-Type") == "application/json");
    CHECK(json_string(r.body, "email") == "ana@example.com");
    CHECK(json_string(r.body, "userId").size() == 36);
    CHECK(r.body.find(R"("roles":["customer"])") != std::string::npos);
    CHECK(r.body.find("password") == std::string::npos);
}

TEST_CASE("register lists every bad field in one 400", "[http][users]") {
    running_app app;
    auto c = app.client();
    auto r = c.post("/api/auth/register", R"({"email":"nope","password":"short","name":""})");
    REQUIRE(r.status == 400);
    CHECK(r.header("Content-Type") == "application/problem+json");
    CHECK(json_string(r.body, "code") == "validation_failed");
    CHECK(r.body.find(R"("field":"email")") != std::string::npos);
    CHECK(r.body.find(R"("field":"password")") != std::string::npos);
    CHECK(r.body.find(R"("field":"name")") != std::string::npos);

    auto missing = c.post("/api/auth/register", "{}");
    REQUIRE(missing.status == 400);
    CHECK(missing.body.find(R"("field":"email","message":"is required")") != std::string::npos);

    auto wrong_type = c.post("/api/auth/register", R"({"email":5,"password":"correct-horse","name":"Ana"})");
    REQUIRE(wrong_type.status == 400);
    CHECK(wrong_type.body.find(R"("field":"email","message":"must be a string")") != std::string::npos);
}

TEST_CASE("a body that is not JSON is 400 malformed_json, a JSON body sent as text is 415", "[http][conventions]") {
    running_app app;
    auto c = app.client();
    auto bad = c.post("/api/auth/register", "{\"email\":");
    CHECK(bad.status == 400);
    CHECK(json_string(bad.body, "code") == "malformed_json");
    auto array = c.post("/api/auth/register", "[1,2]");
    CHECK(array.status == 400);
    auto text = c.call("POST", "/api/auth/register", ana, {{"Content-Type", "text/plain"}});
    CHECK(text.status == 415);
    auto charset = c.call("POST", "/api/auth/register", ana, {{"Content-Type", "application/json; charset=utf-8"}});
    CHECK(charset.status == 201);
}

TEST_CASE("a NUL or another control character in a text field is 400 naming the field, on every backend",
          "[http][users]") {
    running_app app;
    auto c = app.client();
    for (const std::string name : {R"(Ana\u0000Evil)", R"(Ana\u001b[31m)", R"(Ana\u007f)"}) {
        auto r = c.post("/api/auth/register",
                        R"({"email":"nul@example.com","password":"correct-horse","name":")" + name + "\"}");
        CHECK(r.status == 400);
        CHECK(json_string(r.body, "code") == "validation_failed");
        CHECK(r.body.find(R"("field":"name","message":"must not contain control characters")") != std::string::npos);
    }
    // Tabs and line breaks are text, not control: kept whole.
    auto ok = c.post("/api/auth/register", R"({"email":"tab@example.com","password":"correct-horse","name":"Ana\tB"})");
    CHECK(ok.status == 201);
}

TEST_CASE("a long User-Agent cut inside a character does not break login, on every backend", "[http][users]") {
    running_app app;
    auto c = app.client();
    REQUIRE(c.post("/api/auth/register", ana).status == 201);
    // 254 bytes, then a 3-byte euro sign across byte 255, then invalid UTF-8.
    const std::string agent = std::string(254, 'a') + "\xE2\x82\xAC" + "\xFF\xFE";
    http_client raw(app.app->port());
    auto login = raw.request("POST", "/api/auth/login", R"({"email":"ana@example.com","password":"correct-horse"})",
                             {{"Content-Type", "application/json"}, {"User-Agent", agent}});
    REQUIRE(login.status == 200);
    auto sessions = c.get("/api/auth/sessions", json_string(login.body, "accessToken"));
    REQUIRE(sessions.status == 200);
    CHECK(sessions.body.find("\"userAgent\":\"" + std::string(254, 'a') + "\"") != std::string::npos);
}

TEST_CASE("an e-mail or a username can be registered once: 409 email_taken / username_taken", "[http][users]") {
    running_app app;
    auto c = app.client();
    REQUIRE(c.post("/api/auth/register", ana).status == 201);
    auto again = c.post("/api/auth/register", R"({"email":"ANA@example.com","password":"correct-horse","name":"A"})");
    CHECK(again.status == 409);
    CHECK(json_string(again.body, "code") == "email_taken");
    auto name = c.post("/api/auth/register",
                       R"({"email":"bea@example.com","password":"correct-horse","name":"B","username":"ana"})");
    CHECK(name.status == 409);
    CHECK(json_string(name.body, "code") == "username_taken");
}

TEST_CASE("usernames are case-insensitive on every backend: stored lower-cased, unique and found in any case",
          "[http][users]") {
    running_app app;
    auto c = app.client();
    auto first = c.post("/api/auth/register",
                        R"({"email":"ana@example.com","password":"correct-horse","name":"Ana","username":"Ana.B"})");
    REQUIRE(first.status == 201);
    auto second = c.post("/api/auth/register",
                         R"({"email":"bob@example.com","password":"correct-horse","name":"Bob","username":"ANA.b"})");
    CHECK(second.status == 409);
    CHECK(json_string(second.body, "code") == "username_taken");
    auto login = c.post("/api/auth/login", R"({"username":"aNa.B","password":"correct-horse"})");
    REQUIRE(login.status == 200);
    CHECK(json_string(c.get("/api/auth/me", json_string(login.body, "accessToken")).body, "username") == "ana.b");
}

TEST_CASE("login answers the token pair and the user", "[http][users]") {
    running_app app;
    auto c = app.client();
    REQUIRE(c.post("/api/auth/register", ana).status == 201);
    auto r = c.post("/api/auth/login", ana_login);
    REQUIRE(r.status == 200);
    CHECK(r.header("Cache-Control") == "no-store");
    CHECK(json_string(r.body, "tokenType") == "bearer");
    CHECK(r.body.find(R"("expiresIn":900)") != std::string::npos);
    const auto access = json_string(r.body, "accessToken");
    CHECK(std::count(access.begin(), access.end(), '.') == 2);
    CHECK(json_string(r.body, "refreshToken").size() == 53);  // issue time in 10 hex digits, 256 bits
    CHECK(r.body.find(R"("user":{"userId")") != std::string::npos);
    auto by_name = c.post("/api/auth/login", R"({"username":"ana","password":"correct-horse"})");
    CHECK(by_name.status == 200);
}

TEST_CASE("a wrong password and an unknown e-mail get the same 401 invalid_credentials", "[http][users]") {
    running_app app;
    auto c = app.client();
    REQUIRE(c.post("/api/auth/register", ana).status == 201);
    auto wrong = c.post("/api/auth/login", ana_wrong);
    auto unknown = c.post("/api/auth/login", R"({"email":"nobody@example.com","password":"correct-horse"})");
    CHECK(wrong.status == 401);
    CHECK(unknown.status == 401);
    CHECK(json_string(wrong.body, "code") == "invalid_credentials");
    CHECK(json_string(wrong.body, "detail") == json_string(unknown.body, "detail"));
    auto missing = c.post("/api/auth/login", R"({"email":"ana@example.com"})");
    CHECK(missing.status == 400);
    // An empty e-mail or username names nobody: 400 naming what is missing, not a search for an empty name.
    for (const auto* blank :
         {R"({"email":"","password":"correct-horse"})", R"({"username":"","password":"correct-horse"})",
          R"({"email":"","username":"","password":"correct-horse"})"}) {
        INFO(blank);
        auto r = c.post("/api/auth/login", blank);
        CHECK(r.status == 400);
        CHECK(r.body.find(R"j({"field":"email","message":"is required (or username)"})j") != std::string::npos);
    }
    CHECK(c.post("/api/auth/login", R"({"email":"","username":"ana","password":"correct-horse"})").status == 200);
}

TEST_CASE("five failed logins in a row lock the account for 15 minutes with Retry-After", "[http][users][lockout]") {
    running_app app;
    auto c = app.client();
    REQUIRE(c.post("/api/auth/register", ana).status == 201);
    for (int i = 0; i < 4; ++i) CHECK(c.post("/api/auth/login", ana_wrong).status == 401);
    auto fifth = c.post("/api/auth/login", ana_wrong);
    CHECK(fifth.status == 403);
    CHECK(json_string(fifth.body, "code") == "account_locked");
    CHECK(fifth.header("Retry-After") == "900");
    app.clock.advance(5min);
    auto right = c.post("/api/auth/login", ana_login);
    CHECK(right.status == 403);
    CHECK(right.header("Retry-After") == "600");
    app.clock.advance(10min);
    CHECK(c.post("/api/auth/login", ana_login).status == 200);
}

TEST_CASE("me answers the signed-in user and 401 without a valid token", "[http][users]") {
    running_app app;
    auto c = app.client();
    REQUIRE(c.post("/api/auth/register", ana).status == 201);
    const auto token = login_token(c);
    auto me = c.get("/api/auth/me", token);
    REQUIRE(me.status == 200);
    CHECK(json_string(me.body, "email") == "ana@example.com");
    CHECK(me.body.find(R"("mfaEnabled":false)") != std::string::npos);

    auto none = c.get("/api/auth/me");
    CHECK(none.status == 401);
    CHECK(none.header("WWW-Authenticate") == "Bearer");
    auto garbage = c.get("/api/auth/me", "not.a.token");
    CHECK(garbage.status == 401);
    CHECK(garbage.header("WWW-Authenticate")->find("invalid_token") != std::string::npos);
    auto basic = c.call("GET", "/api/auth/me", {}, {{"Authorization", "Basic YTpi"}});
    CHECK(basic.status == 401);
}

TEST_CASE("an access token stops working when it expires after 15 minutes", "[http][users]") {
    running_app app;
    auto c = app.client();
    REQUIRE(c.post("/api/auth/register", ana).status == 201);
    const auto token = login_token(c);
    app.clock.advance(15min - 1s);
    CHECK(c.get("/api/auth/me", token).status == 200);
    app.clock.advance(1s);
    CHECK(c.get("/api/auth/me", token).status == 401);
}

TEST_CASE("refresh rotates the pair, the old token works within 10 s, then it revokes the session", "[http][tokens]") {
    running_app app;
    auto c = app.client();
    REQUIRE(c.post("/api/auth/register", ana).status == 201);
    const auto first = login_token(c, "refreshToken");
    auto second = c.post("/api/auth/refresh", R"({"refreshToken":")" + first + "\"}");
    REQUIRE(second.status == 200);
    const auto newest = json_string(second.body, "refreshToken");
    CHECK(newest != first);
    CHECK(json_string(second.body, "tokenType") == "bearer");
    CHECK(c.get("/api/auth/me", json_string(second.body, "accessToken")).status == 200);

    app.clock.advance(9s);
    CHECK(c.post("/api/auth/refresh", R"({"refreshToken":")" + first + "\"}").status == 200);
    app.clock.advance(1s);  // 10 s: the window is 10 s, not 10 s and the rest of a second
    auto replay = c.post("/api/auth/refresh", R"({"refreshToken":")" + first + "\"}");
    CHECK(replay.status == 401);
    CHECK(json_string(replay.body, "code") == "refresh_token_reused");
    auto after = c.post("/api/auth/refresh", R"({"refreshToken":")" + newest + "\"}");
    CHECK(after.status == 401);
    CHECK(json_string(after.body, "code") == "invalid_refresh_token");
}

TEST_CASE("with REFRESH_REUSE_GRACE_SECONDS=0 ten parallel refreshes of one token leave at most one live pair",
          "[http][tokens]") {
    auto cfg = test_config();
    cfg.refresh_reuse_grace_seconds = 0;
    running_app app(cfg);
    auto c = app.client();
    REQUIRE(c.post("/api/auth/register", ana).status == 201);
    const auto first = login_token(c, "refreshToken");
    std::mutex mutex;
    std::vector<std::string> access_tokens;
    int reused = 0;
    {
        std::vector<std::thread> threads;
        for (int i = 0; i < 10; ++i)
            threads.emplace_back([&] {
                auto mine = app.client();
                const auto r = mine.post("/api/auth/refresh", R"({"refreshToken":")" + first + "\"}");
                std::lock_guard lock(mutex);
                if (r.status == 200) access_tokens.push_back(json_string(r.body, "accessToken"));
                else if (json_string(r.body, "code") == "refresh_token_reused") ++reused;
            });
        for (auto& t : threads) t.join();
    }
    CHECK(access_tokens.size() + static_cast<std::size_t>(reused) == 10);
    int live = 0;
    for (const auto& token : access_tokens) live += c.get("/api/auth/me", token).status == 200 ? 1 : 0;
    CHECK(live <= 1);
    // A reuse after the rotation, even in the same second, answers refresh_token_reused.
    CHECK(json_string(c.post("/api/auth/refresh", R"({"refreshToken":")" + first + "\"}").body, "code") ==
          "refresh_token_reused");
}

TEST_CASE("refresh refuses unknown tokens with 401 and a missing field with 400", "[http][tokens]") {
    running_app app;
    auto c = app.client();
    auto unknown = c.post("/api/auth/refresh", R"({"refreshToken":"bm90LWEtdG9rZW4"})");
    CHECK(unknown.status == 401);
    CHECK(json_string(unknown.body, "code") == "invalid_refresh_token");
    CHECK(c.post("/api/auth/refresh", "{}").status == 400);

    // Of the shape authd issues (an issue time in hex, then 43 characters), and unknown: a time moved on by a second, the
    // last character changed, the largest time, and the token without its time. Each is looked up, none is found, and
    // the real token still works.
    REQUIRE(c.post("/api/auth/register", ana).status == 201);
    const auto real = login_token(c, "refreshToken");
    REQUIRE(real.size() == 53);
    auto later = real;
    later[9] = later[9] == '0' ? '1' : '0';
    auto last_changed = real;
    last_changed.back() = last_changed.back() == 'A' ? 'B' : 'A';
    for (const auto& forged : {later, last_changed, "ffffffffff" + real.substr(10), real.substr(10)}) {
        auto r = c.post("/api/auth/refresh", R"({"refreshToken":")" + forged + "\"}");
        CHECK(r.status == 401);
        CHECK(json_string(r.body, "code") == "invalid_refresh_token");
    }
    CHECK(c.post("/api/auth/refresh", R"({"refreshToken":")" + real + "\"}").status == 200);
}

TEST_CASE("logout revokes the session: its access and refresh tokens stop working at once", "[http][tokens]") {
    running_app app;
    auto c = app.client();
    REQUIRE(c.post("/api/auth/register", ana).status == 201);
    auto login = c.post("/api/auth/login", ana_login);
    const auto access = json_string(login.body, "accessToken");
    const auto refresh = json_string(login.body, "refreshToken");
    CHECK(c.post("/api/auth/logout", "", access).status == 204);
    CHECK(c.get("/api/auth/me", access).status == 401);
    CHECK(c.get("/api/v1/auth/validate", access).status == 401);
    CHECK(c.post("/api/auth/refresh", R"({"refreshToken":")" + refresh + "\"}").status == 401);
    CHECK(c.post("/api/auth/logout", "", access).status == 401);
    CHECK(c.post("/api/auth/logout", "").status == 401);
}

TEST_CASE("a disabled account gets 403 account_disabled at login, and only with the right password", "[http][users]") {
    running_app app;
    auto c = app.client();
    REQUIRE(c.post("/api/auth/register", ana).status == 201);
    app.app->store().write([&](repositories& r) {
        auto u = *r.users.find_by_email("ana@example.com");
        u.is_active = false;
        r.users.update(u);
    });
    auto disabled = c.post("/api/auth/login", ana_login);
    CHECK(disabled.status == 403);
    CHECK(json_string(disabled.body, "code") == "account_disabled");
    CHECK(c.post("/api/auth/login", ana_wrong).status == 401);  // no hint for a wrong password
}

TEST_CASE("a legacy bcrypt hash logs in and is upgraded to argon2id on that login", "[http][users]") {
    running_app app;
    auto c = app.client();
    REQUIRE(c.post("/api/auth/register", ana).status == 201);
    // Made by `mkpasswd -m bcrypt -R 12 'correct horse battery staple'` (whois 5.5.17): cost 12, as the older specs produced.
    const std::string bcrypt = "$2b$12$s19Lo6XND5erNta1xuyKWOqasnH/Ik7u1CjkuTPZheYD0xLBAgura";
    app.app->store().write([&](repositories& r) {
        auto u = *r.users.find_by_email("ana@example.com");
        u.password_hash = bcrypt;
        r.users.update(u);
    });
    CHECK(c.post("/api/auth/login", ana_login).status == 401);
    REQUIRE(
        c.post("/api/auth/login", R"({"email":"ana@example.com","password":"correct horse battery staple"})").status ==
        200);
    std::string stored;
    app.app->store().read([&](repositories& r) { stored = r.users.find_by_email("ana@example.com")->password_hash; });
    CHECK(stored.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0) == 0);
    CHECK(
        c.post("/api/auth/login", R"({"email":"ana@example.com","password":"correct horse battery staple"})").status ==
        200);
}
