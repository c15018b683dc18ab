// Passwords over real sockets, on the test run's backend: forgot (one answer for every address), reset by API and by
// the e-mailed link's page, change; what each ends. The reset token is read where a person would: in the e-mail,
// here the development console's copy.
#include <catch2/catch.hpp>

#include <latch>
#include <memory>
#include <thread>

#include "tests/http/app_fixture.hpp"

using namespace authd;
using namespace authd::test;

namespace {
const std::vector<std::pair<std::string, std::string>> form{{"Content-Type", "application/x-www-form-urlencoded"}};

bool has(const std::string& body, const std::string& text) { return body.find(text) != std::string::npos; }

struct signed_in {
    std::string access, refresh;
};

signed_in login(api& c, const std::string& password, const std::string& email = "ana@example.com") {
    auto r = c.post("/api/auth/login", R"({"email":")" + email + R"(","password":")" + password + "\"}");
    REQUIRE(r.status == 200);
    return {json_string(r.body, "accessToken"), json_string(r.body, "refreshToken")};
}

void register_ana(api& c) {
    REQUIRE(
        c.post("/api/auth/register", R"({"email":"ana@example.com","password":"correct-horse","name":"Ana"})").status ==
        201);
}

std::string newest_subject(api& c) { return json_string(c.get("/api/v1/dev/messages").body, "subject"); }
}  // namespace

TEST_CASE("forgot answers the same for an account and for nobody, and only the account gets an e-mail",
          "[http][passwords]") {
    running_app app;
    auto c = app.client();
    register_ana(c);
    const auto before = c.get("/api/v1/dev/messages").body;
    const auto unknown = c.post("/api/auth/password/forgot", R"({"email":"nobody@example.com"})");
    CHECK(c.get("/api/v1/dev/messages").body == before);  // nothing queued for nobody
    const auto known = c.post("/api/auth/password/forgot", R"({"email":"ana@example.com"})");
    CHECK(known.status == 202);
    CHECK(unknown.status == known.status);
    CHECK(unknown.body == known.body);
    CHECK_FALSE(reset_token_mailed(c).empty());
    // The same under /api/v1, for clients and users alike (one identity store).
    const auto v1 = c.post("/api/v1/auth/password/forgot", R"({"email":"nobody@example.com"})");
    CHECK(v1.status == 202);
    CHECK(v1.body == known.body);
}

TEST_CASE("forgot and reset name the fields they refuse", "[http][passwords]") {
    running_app app;
    auto c = app.client();
    auto missing = c.post("/api/auth/password/forgot", "{}");
    CHECK(missing.status == 400);
    CHECK(has(missing.body, R"("field":"email")"));
    CHECK(c.post("/api/auth/password/forgot", R"({"email":"not an address"})").status == 400);
    CHECK(c.post("/api/auth/password/forgot", R"({"email":42})").status == 400);
    CHECK(c.call("POST", "/api/auth/password/forgot", "email=a@example.com", form).status == 415);
    auto reset = c.post("/api/v1/auth/password/reset", R"({"token":"x","password":"short"})");
    CHECK(reset.status == 400);
    CHECK(has(reset.body, R"("field":"password")"));
    auto no_token = c.post("/api/auth/password/reset", R"({"password":"new-horse-battery"})");
    CHECK(no_token.status == 400);
    CHECK(has(no_token.body, R"("field":"token")"));
}

TEST_CASE("a reset through the API sets the password once and signs every session out", "[http][passwords]") {
    running_app app;
    auto c = app.client();
    register_ana(c);
    const auto old = login(c, "correct-horse");
    REQUIRE(c.post("/api/v1/auth/password/forgot", R"({"email":"ana@example.com"})").status == 202);
    const auto token = reset_token_mailed(c);
    REQUIRE_FALSE(token.empty());

    const auto body = R"({"token":")" + token + R"(","password":"new-horse-battery"})";
    CHECK(c.post("/api/v1/auth/password/reset", body).status == 204);
    CHECK(has(newest_subject(c), "password was changed"));
    CHECK(c.get("/api/auth/me", old.access).status == 401);
    CHECK(c.post("/api/auth/refresh", R"({"refreshToken":")" + old.refresh + "\"}").status == 401);
    login(c, "new-horse-battery");
    CHECK(c.post("/api/auth/login", R"({"email":"ana@example.com","password":"correct-horse"})").status == 401);

    auto again = c.post("/api/auth/password/reset", R"({"token":")" + token + R"(","password":"third-horse-battery"})");
    CHECK(again.status == 400);
    CHECK(has(again.body, "invalid_token"));
    login(c, "new-horse-battery");
}

TEST_CASE("of four concurrent resets with one token exactly one sets its password, on every backend",
          "[http][passwords][concurrency]") {
    auto cfg = test_config();
    cfg.db_pool_size = 8;
    cfg.worker_threads = 8;
    cfg.hashing_threads = 4;  // the four hash their passwords at once, then race to spend the token
    running_app app(cfg);
    auto c = app.client();
    register_ana(c);
    REQUIRE(c.post("/api/auth/password/forgot", R"({"email":"ana@example.com"})").status == 202);
    const auto token = reset_token_mailed(c);
    REQUIRE_FALSE(token.empty());

    // One connection each, opened beforehand, released together. No Catch assertion runs off the main thread.
    constexpr std::size_t racers = 4;
    std::vector<std::unique_ptr<http_client>> clients;
    for (std::size_t i = 0; i < racers; ++i) {
        clients.push_back(std::make_unique<http_client>(app.app->port()));
        (void)clients.back()->request("GET", "/health/live");
    }
    std::vector<http_reply> replies(racers);
    std::latch start(racers);
    {
        std::vector<std::thread> threads;
        for (std::size_t i = 0; i < racers; ++i)
            threads.emplace_back([&, i] {
                start.arrive_and_wait();
                try {
                    replies[i] = clients[i]->request("POST", "/api/auth/password/reset",
                                                     R"({"token":")" + token + R"(","password":"racer-)" +
                                                         std::to_string(i) + R"(-horse-battery"})");
                } catch (const std::exception&) {
                    replies[i].status = -1;
                }
            });
        for (auto& t : threads) t.join();
    }
    std::size_t winner = racers;
    int refused = 0;
    for (std::size_t i = 0; i < racers; ++i) {
        if (replies[i].status == 204) winner = i;
        if (replies[i].status == 400 && has(replies[i].body, "invalid_token")) ++refused;
    }
    REQUIRE(winner < racers);
    CHECK(refused == static_cast<int>(racers) - 1);
    // The winner's password is the one that works; every other is refused.
    for (std::size_t i = 0; i < racers; ++i) {
        const auto r = c.post("/api/auth/login", R"({"email":"ana@example.com","password":"racer-)" +
                                                     std::to_string(i) + R"(-horse-battery"})");
        CHECK(r.status == (i == winner ? 200 : 401));
    }
}

TEST_CASE("the reset link's page shows a form, and only its POST sets the password", "[http][passwords]") {
    running_app app;
    auto c = app.client();
    register_ana(c);
    REQUIRE(c.post("/api/auth/password/forgot", R"({"email":"ana@example.com"})").status == 202);
    const auto token = reset_token_mailed(c);
    REQUIRE_FALSE(token.empty());

    auto page = c.get("/reset-password?token=" + token);
    CHECK(page.status == 200);
    CHECK(has(page.body, R"(<form method="post" action="/reset-password">)"));
    CHECK(has(page.body, R"(name="token" value=")" + token + "\""));
    CHECK(has(page.header("Content-Security-Policy").value_or(""), "form-action 'self'"));
    login(c, "correct-horse");  // following the link changed nothing

    CHECK(c.get("/reset-password").status == 400);
    auto weak = c.call("POST", "/reset-password", "token=" + token + "&password=short", form);
    CHECK(weak.status == 400);
    CHECK(has(weak.body, "Choose another password"));
    auto done = c.call("POST", "/reset-password", "token=" + token + "&password=new-horse-battery", form);
    CHECK(done.status == 200);
    CHECK(has(done.body, "Your password is changed"));
    login(c, "new-horse-battery");
    auto reused = c.call("POST", "/reset-password", "token=" + token + "&password=third-horse-battery", form);
    CHECK(reused.status == 400);
    CHECK(has(reused.body, "This link does not work"));

    auto hostile = c.get("/reset-password?token=%22%3E%3Cscript%3Ealert(1)%3C/script%3E");
    CHECK(hostile.status == 200);
    CHECK_FALSE(has(hostile.body, "<script>"));
    CHECK(has(hostile.body, "&quot;&gt;&lt;script&gt;"));
}

TEST_CASE("a reset link of an account disabled since answers 403 account_disabled and works once it is enabled",
          "[http][passwords]") {
    running_app app;
    auto c = app.client();
    register_ana(c);
    const auto admin = sign_in_with_roles(c, app, "root@example.com", {"admin"});
    const auto ana_id = user_id_of(app, "ana@example.com");
    REQUIRE(c.post("/api/auth/password/forgot", R"({"email":"ana@example.com"})").status == 202);
    const auto token = reset_token_mailed(c);
    REQUIRE_FALSE(token.empty());
    REQUIRE(c.call("PATCH", "/api/admin/users/" + ana_id, R"({"isActive":false})", api::bearer(admin)).status == 200);

    const auto body = R"({"token":")" + token + R"(","password":"new-horse-battery"})";
    auto refused = c.post("/api/auth/password/reset", body);
    CHECK(refused.status == 403);
    CHECK(json_string(refused.body, "code") == "account_disabled");
    auto page = c.call("POST", "/reset-password", "token=" + token + "&password=new-horse-battery", form);
    CHECK(page.status == 403);
    CHECK(has(page.body, "This account is disabled"));

    REQUIRE(c.call("PATCH", "/api/admin/users/" + ana_id, R"({"isActive":true})", api::bearer(admin)).status == 200);
    CHECK(c.post("/api/auth/login", R"({"email":"ana@example.com","password":"correct-horse"})").status == 200);
    CHECK(c.post("/api/auth/password/reset", body).status == 204);  // nothing was spent or changed while disabled
    CHECK(c.post("/api/auth/login", R"({"email":"ana@example.com","password":"new-horse-battery"})").status == 200);
}

TEST_CASE("change needs the current password and a token, keeps this session and ends the others",
          "[http][passwords]") {
    running_app app;
    auto c = app.client();
    register_ana(c);
    const auto here = login(c, "correct-horse");
    const auto elsewhere = login(c, "correct-horse");

    const auto body = R"({"currentPassword":"correct-horse","newPassword":"new-horse-battery"})";
    CHECK(c.post("/api/auth/password/change", body).status == 401);
    auto wrong = c.post("/api/auth/password/change",
                        R"({"currentPassword":"wrong-horse","newPassword":"new-horse-battery"})", here.access);
    CHECK(wrong.status == 401);
    auto fields = c.post("/api/auth/password/change", R"({"newPassword":"short"})", here.access);
    CHECK(fields.status == 400);
    CHECK(has(fields.body, R"("field":"currentPassword")"));
    CHECK(has(fields.body, R"("field":"newPassword")"));

    CHECK(c.post("/api/auth/password/change", body, here.access).status == 204);
    CHECK(c.get("/api/auth/me", here.access).status == 200);
    CHECK(c.get("/api/auth/me", elsewhere.access).status == 401);
    CHECK(has(newest_subject(c), "password was changed"));
    login(c, "new-horse-battery");
}

TEST_CASE("hostile values at the password routes and the reset page get 400 or 413, never a 500",
          "[http][passwords][hostile]") {
    running_app app;
    auto c = app.client();
    register_ana(c);
    // NUL, bytes that are not UTF-8 (raw and escaped), and values at and past the bounds.
    auto nul = c.post("/api/auth/password/forgot", R"({"email":"ana\u0000@example.com"})");
    CHECK(nul.status == 400);
    CHECK(has(nul.body, R"("field":"email")"));
    CHECK(c.post("/api/auth/password/forgot", "{\"email\":\"ana\xff\xfe@example.com\"}").status == 400);
    CHECK(c.post("/api/auth/password/forgot", R"({"email":")" + std::string(400, 'a') + R"(@example.com"})").status ==
          400);
    CHECK(c.post("/api/auth/password/forgot", R"({"email":{"deep":[[[[1]]]]}})").status == 400);
    CHECK(c.post("/api/auth/password/forgot", R"({"email":")" + std::string(2 << 20, 'a') + "\"}").status == 413);

    auto long_password =
        c.post("/api/auth/password/reset", R"({"token":"x","password":")" + std::string(129, 'k') + "\"}");
    CHECK(long_password.status == 400);
    CHECK(has(long_password.body, R"("field":"password")"));
    auto at_bound = c.post("/api/auth/password/reset", R"({"token":"x","password":")" + std::string(128, 'k') + "\"}");
    CHECK(at_bound.status == 400);
    CHECK(has(at_bound.body, "invalid_token"));  // the password passed its rules: only the token was wrong
    CHECK(c.post("/api/auth/password/reset", R"({"token":"\u0000","password":"new-horse-battery"})").status == 400);
    CHECK(c.post("/api/auth/password/reset", "{\"token\":\"\xc0\x80\",\"password\":\"new-horse-battery\"}").status ==
          400);

    const auto access = login(c, "correct-horse").access;
    auto bad_new = c.post("/api/auth/password/change",
                          R"({"currentPassword":"correct-horse","newPassword":"new\u0000horse\ud800"})", access);
    CHECK(bad_new.status == 400);
    CHECK(c.post("/api/auth/password/change", R"({"currentPassword":7,"newPassword":[]})", access).status == 400);

    CHECK(c.call("POST", "/reset-password", "token=%00%FF%FE&password=%C0%80%C0%80%C0%80", form).status == 400);
    CHECK(c.call("POST", "/reset-password", "token=" + std::string(2 << 20, 'a'), form).status == 413);
    CHECK(c.get("/reset-password?token=%00%FF").status == 200);  // shown escaped, changes nothing
    login(c, "correct-horse");                                   // none of it touched the account
}
