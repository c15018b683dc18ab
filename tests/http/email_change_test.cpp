// E-mail change over real sockets, on the test run's backend: the request (one answer whether or not the address is
// free), the confirmation by API and by the e-mailed link's page, what signs in afterwards, two accounts racing for
// one address, and hostile values. The token is read where a person would: in the e-mail, here the development
// console's copy.
#include <catch2/catch.hpp>

#include <algorithm>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/http/app_fixture.hpp"

using namespace authd;
using namespace authd::test;

namespace {
const std::vector<std::pair<std::string, std::string>> form{{"Content-Type", "application/x-www-form-urlencoded"}};

bool has(const std::string& body, const std::string& text) { return body.find(text) != std::string::npos; }

void register_user(api& c, const std::string& email) {
    REQUIRE(c.post("/api/auth/register", R"({"email":")" + email + R"(","password":"correct-horse","name":"Ana"})")
                .status == 201);
}

int login_status(api& c, const std::string& email, const std::string& password = "correct-horse") {
    return c.post("/api/auth/login", R"({"email":")" + email + R"(","password":")" + password + "\"}").status;
}

std::string access_token(api& c, const std::string& email) {
    auto r = c.post("/api/auth/login", R"({"email":")" + email + R"(","password":"correct-horse"})");
    REQUIRE(r.status == 200);
    return json_string(r.body, "accessToken");
}

std::string change_body(const std::string& new_email, const std::string& password = "correct-horse") {
    return R"({"newEmail":")" + new_email + R"(","password":")" + password + "\"}";
}

struct mail {
    std::string to, subject, body;
};

/// The development mailbox, newest first.
std::vector<mail> mailbox(api& c) {
    const auto doc = c.get("/api/v1/dev/messages").body;
    const std::string start = R"({"channel":")";
    std::vector<mail> out;
    for (auto at = doc.find(start); at != std::string::npos;) {
        const auto next = doc.find(start, at + 1);
        const auto one = doc.substr(at, next == std::string::npos ? std::string::npos : next - at);
        out.push_back({json_string(one, "to"), json_string(one, "subject"), json_string(one, "body")});
        at = next;
    }
    return out;
}

const std::string token_marker = "e-mail change token is ";
const std::string notice_marker = "asked to change its e-mail address";

/// The tokens of the e-mail change mails sent to `to`, newest first.
std::vector<std::string> change_tokens_to(api& c, const std::string& to) {
    std::vector<std::string> out;
    for (const auto& m : mailbox(c)) {
        const auto at = m.body.find(token_marker);
        if (m.to != to || at == std::string::npos) continue;
        const auto start = at + token_marker.size();
        out.push_back(m.body.substr(start, m.body.find(' ', start) - start));
    }
    return out;
}

/// The token of the newest e-mail change mail to `to`, or empty when none went there.
std::string change_token_to(api& c, const std::string& to) {
    const auto tokens = change_tokens_to(c, to);
    return tokens.empty() ? std::string{} : tokens.front();
}

std::size_t mails_to(api& c, const std::string& to) {
    const auto box = mailbox(c);
    return static_cast<std::size_t>(std::count_if(box.begin(), box.end(), [&](const mail& m) { return m.to == to; }));
}

std::size_t notices_to(api& c, const std::string& to) {
    const auto box = mailbox(c);
    return static_cast<std::size_t>(
        std::count_if(box.begin(), box.end(), [&](const mail& m) { return m.to == to && has(m.body, notice_marker); }));
}

std::string email_of(api& c, const std::string& access) {
    auto me = c.get("/api/auth/me", access);
    REQUIRE(me.status == 200);
    return json_string(me.body, "email");
}

/// Enough connections and workers that concurrent requests really run at once.
app::config racing_config() {
    auto cfg = test_config();
    cfg.db_pool_size = 8;
    cfg.worker_threads = 8;
    return cfg;
}
}  // namespace

TEST_CASE("e-mail change needs an access token and answers 202 alike for a free and a taken address",
          "[http][email_change]") {
    running_app app;
    auto c = app.client();
    register_user(c, "ana@example.com");
    register_user(c, "bob@example.com");
    const auto access = access_token(c, "ana@example.com");

    auto anonymous = c.post("/api/auth/email/change", change_body("ana.new@example.com"));
    CHECK(anonymous.status == 401);
    CHECK(c.post("/api/auth/email/change", change_body("ana.new@example.com"), "not-a-token").status == 401);
    CHECK(notices_to(c, "ana@example.com") == 0);

    auto taken = c.post("/api/auth/email/change", change_body("Bob@Example.com"), access);
    CHECK(taken.status == 202);
    CHECK(mails_to(c, "bob@example.com") == 0);  // nothing reaches the other account
    CHECK(notices_to(c, "ana@example.com") == 1);

    auto unused = c.post("/api/auth/email/change", change_body("Ana.New@Example.com"), access);
    CHECK(unused.status == 202);
    CHECK(unused.body == taken.body);
    CHECK(unused.header("Content-Type") == taken.header("Content-Type"));
    CHECK(notices_to(c, "ana@example.com") == 2);
    const auto token = change_token_to(c, "ana.new@example.com");
    CHECK(token.size() == 43);

    // Nothing changed yet.
    CHECK(email_of(c, access) == "ana@example.com");
    CHECK(login_status(c, "ana@example.com") == 200);
    CHECK(login_status(c, "bob@example.com") == 200);
}

TEST_CASE("e-mail change names the fields it refuses and counts a wrong password toward the lock",
          "[http][email_change]") {
    running_app app;
    auto c = app.client();
    register_user(c, "ana@example.com");
    const auto access = access_token(c, "ana@example.com");

    auto missing = c.post("/api/auth/email/change", "{}", access);
    CHECK(missing.status == 400);
    CHECK(has(missing.body, R"("field":"newEmail")"));
    CHECK(has(missing.body, R"("field":"password")"));
    auto same = c.post("/api/auth/email/change", change_body("ANA@example.com"), access);
    CHECK(same.status == 400);
    CHECK(has(same.body, R"("field":"newEmail")"));
    auto no_token = c.post("/api/auth/email/confirm", "{}");
    CHECK(no_token.status == 400);
    CHECK(has(no_token.body, R"("field":"token")"));
    auto form_signed_in = form;
    form_signed_in.emplace_back("Authorization", "Bearer " + access);
    CHECK(c.call("POST", "/api/auth/email/change", "newEmail=a%40example.com&password=x", form_signed_in).status ==
          415);

    for (int i = 0; i < 4; ++i) {
        auto wrong = c.post("/api/auth/email/change", change_body("ana.new@example.com", "wrong-horse"), access);
        CHECK(wrong.status == 401);
        CHECK(json_string(wrong.body, "code") == "invalid_credentials");
    }
    auto fifth = c.post("/api/auth/email/change", change_body("ana.new@example.com", "wrong-horse"), access);
    CHECK(fifth.status == 403);
    CHECK(json_string(fifth.body, "code") == "account_locked");
    auto right = c.post("/api/auth/email/change", change_body("ana.new@example.com"), access);
    CHECK(right.status == 403);
    CHECK(login_status(c, "ana@example.com") == 403);  // the lock is the login's own
    CHECK(mails_to(c, "ana.new@example.com") == 0);
    CHECK(notices_to(c, "ana@example.com") == 0);
}

TEST_CASE("the e-mailed change token confirms once, and the account then signs in with the new address only",
          "[http][email_change]") {
    running_app app;
    auto c = app.client();
    register_user(c, "ana@example.com");
    const auto access = access_token(c, "ana@example.com");
    REQUIRE(c.post("/api/auth/email/change", change_body("Ana.New@Example.com"), access).status == 202);
    const auto token = change_token_to(c, "ana.new@example.com");
    REQUIRE_FALSE(token.empty());

    auto done = c.post("/api/auth/email/confirm", R"({"token":")" + token + "\"}");
    CHECK(done.status == 200);
    CHECK(json_string(done.body, "email") == "ana.new@example.com");
    CHECK(has(done.body, R"("emailVerified":true)"));

    CHECK(email_of(c, access) == "ana.new@example.com");  // no session ended
    CHECK(login_status(c, "ana.new@example.com") == 200);
    CHECK(login_status(c, "ANA.NEW@example.com") == 200);
    CHECK(login_status(c, "ana@example.com") == 401);

    auto again = c.post("/api/auth/email/confirm", R"({"token":")" + token + "\"}");
    CHECK(again.status == 400);
    CHECK(json_string(again.body, "code") == "invalid_token");
    CHECK(login_status(c, "ana.new@example.com") == 200);
}

TEST_CASE("a confirmed e-mail change voids the reset links sent to the old address", "[http][email_change]") {
    running_app app;
    auto c = app.client();
    register_user(c, "ana@example.com");
    const auto access = access_token(c, "ana@example.com");
    REQUIRE(c.post("/api/auth/password/forgot", R"({"email":"ana@example.com"})").status == 202);
    const auto reset = reset_token_mailed(c);
    REQUIRE_FALSE(reset.empty());
    REQUIRE(c.post("/api/auth/email/change", change_body("ana.new@example.com"), access).status == 202);
    const auto change = change_token_to(c, "ana.new@example.com");
    REQUIRE(c.post("/api/auth/email/confirm", R"({"token":")" + change + "\"}").status == 200);

    auto late = c.post("/api/auth/password/reset", R"({"token":")" + reset + R"(","password":"new-horse-battery"})");
    CHECK(late.status == 400);
    CHECK(json_string(late.body, "code") == "invalid_token");
    CHECK(login_status(c, "ana.new@example.com") == 200);
    CHECK(login_status(c, "ana.new@example.com", "new-horse-battery") == 401);
}

TEST_CASE("a second e-mail change request voids the first link over HTTP too", "[http][email_change]") {
    running_app app;
    auto c = app.client();
    register_user(c, "ana@example.com");
    const auto access = access_token(c, "ana@example.com");
    REQUIRE(c.post("/api/auth/email/change", change_body("first@example.com"), access).status == 202);
    const auto first = change_token_to(c, "first@example.com");
    REQUIRE(c.post("/api/auth/email/change", change_body("second@example.com"), access).status == 202);
    const auto second = change_token_to(c, "second@example.com");
    REQUIRE_FALSE(first.empty());
    REQUIRE_FALSE(second.empty());

    auto old = c.post("/api/auth/email/confirm", R"({"token":")" + first + "\"}");
    CHECK(old.status == 400);
    CHECK(json_string(old.body, "code") == "invalid_token");
    CHECK(c.post("/api/auth/email/confirm", R"({"token":")" + second + "\"}").status == 200);
    CHECK(email_of(c, access) == "second@example.com");
}

TEST_CASE("of two concurrent confirms of two accounts' links to one address exactly one wins and one gets 409",
          "[http][email_change][concurrency]") {
    running_app app(racing_config());
    auto c = app.client();
    register_user(c, "ana@example.com");
    register_user(c, "bob@example.com");
    const auto ana = access_token(c, "ana@example.com");
    const auto bob = access_token(c, "bob@example.com");
    // Both links go out: the address is free at both requests.
    REQUIRE(c.post("/api/auth/email/change", change_body("shared@example.com"), ana).status == 202);
    REQUIRE(c.post("/api/auth/email/change", change_body("shared@example.com"), bob).status == 202);
    const auto tokens = change_tokens_to(c, "shared@example.com");
    REQUIRE(tokens.size() == 2);
    REQUIRE(tokens[0] != tokens[1]);

    // One connection each, opened beforehand, released together. No Catch assertion runs off the main thread.
    const auto port = app.app->port();
    std::vector<std::unique_ptr<http_client>> clients;
    for (std::size_t i = 0; i < 2; ++i) {
        clients.push_back(std::make_unique<http_client>(port));
        (void)clients.back()->request("GET", "/health/live");
    }
    std::vector<http_reply> replies(2);
    std::latch start(2);
    {
        std::vector<std::thread> threads;
        for (std::size_t i = 0; i < 2; ++i)
            threads.emplace_back([&, i] {
                start.arrive_and_wait();
                try {
                    replies[i] =
                        clients[i]->request("POST", "/api/auth/email/confirm", R"({"token":")" + tokens[i] + "\"}");
                } catch (const std::exception&) {
                    replies[i].status = -1;
                }
            });
        for (auto& t : threads) t.join();
    }
    std::vector<int> statuses{replies[0].status, replies[1].status};
    std::sort(statuses.begin(), statuses.end());
    CHECK(statuses == std::vector<int>{200, 409});
    for (const auto& r : replies)
        if (r.status == 409) CHECK(json_string(r.body, "code") == "email_taken");

    // One account has the address; the other kept its own.
    const auto ana_email = email_of(c, ana);
    const auto bob_email = email_of(c, bob);
    CHECK(((ana_email == "shared@example.com") != (bob_email == "shared@example.com")));
    CHECK(((ana_email == "ana@example.com") != (bob_email == "bob@example.com")));
    CHECK(login_status(c, "shared@example.com") == 200);
    CHECK((login_status(c, "ana@example.com") == 200) + (login_status(c, "bob@example.com") == 200) == 1);
}

TEST_CASE("the e-mail change link's page shows a form, and only its POST changes the address", "[http][email_change]") {
    running_app app;
    auto c = app.client();
    register_user(c, "ana@example.com");
    const auto access = access_token(c, "ana@example.com");
    REQUIRE(c.post("/api/auth/email/change", change_body("ana.new@example.com"), access).status == 202);
    const auto token = change_token_to(c, "ana.new@example.com");
    REQUIRE_FALSE(token.empty());

    auto page = c.get("/confirm-email-change?token=" + token);
    CHECK(page.status == 200);
    CHECK(has(page.header("Content-Type").value_or(""), "text/html"));
    CHECK(has(page.body, R"(<form method="post" action="/confirm-email-change">)"));
    CHECK(has(page.body, R"(name="token" value=")" + token + "\""));
    CHECK(has(page.header("Content-Security-Policy").value_or(""), "form-action 'self'"));
    auto other = c.get("/confirm-email-change?token=x");
    CHECK(other.status == 200);
    CHECK(has(other.header("Content-Type").value_or(""), "text/html"));
    // Following links changed nothing.
    CHECK(email_of(c, access) == "ana@example.com");
    CHECK(login_status(c, "ana@example.com") == 200);
    CHECK(c.get("/confirm-email-change").status == 400);

    auto done = c.call("POST", "/confirm-email-change", "token=" + token, form);
    CHECK(done.status == 200);
    CHECK(has(done.header("Content-Type").value_or(""), "text/html"));
    CHECK(has(done.body, "Your e-mail address is changed"));
    CHECK(email_of(c, access) == "ana.new@example.com");
    CHECK(login_status(c, "ana.new@example.com") == 200);
    CHECK(login_status(c, "ana@example.com") == 401);

    auto reused = c.call("POST", "/confirm-email-change", "token=" + token, form);
    CHECK(reused.status == 400);
    CHECK(has(reused.header("Content-Type").value_or(""), "text/html"));
    CHECK(has(reused.body, "This link does not work"));
    CHECK(c.call("POST", "/confirm-email-change", "token=", form).status == 400);
    CHECK(c.call("POST", "/confirm-email-change", R"({"token":"x"})").status == 415);

    auto hostile = c.get("/confirm-email-change?token=%22%3E%3Cscript%3Ealert(1)%3C/script%3E");
    CHECK(hostile.status == 200);
    CHECK_FALSE(has(hostile.body, "<script>"));
}

TEST_CASE("the e-mail change page answers 409 when another account took the address meanwhile",
          "[http][email_change]") {
    running_app app;
    auto c = app.client();
    register_user(c, "ana@example.com");
    const auto access = access_token(c, "ana@example.com");
    REQUIRE(c.post("/api/auth/email/change", change_body("wanted@example.com"), access).status == 202);
    const auto token = change_token_to(c, "wanted@example.com");
    REQUIRE_FALSE(token.empty());
    register_user(c, "wanted@example.com");

    auto page = c.call("POST", "/confirm-email-change", "token=" + token, form);
    CHECK(page.status == 409);
    CHECK(has(page.body, "This address cannot be used"));
    auto api_answer = c.post("/api/auth/email/confirm", R"({"token":")" + token + "\"}");
    CHECK(api_answer.status == 409);
    CHECK(json_string(api_answer.body, "code") == "email_taken");
    CHECK(email_of(c, access) == "ana@example.com");
    CHECK(login_status(c, "ana@example.com") == 200);
}

TEST_CASE("a change link of an account disabled since answers 403 account_disabled and works once it is enabled",
          "[http][email_change]") {
    running_app app;
    auto c = app.client();
    register_user(c, "ana@example.com");
    const auto admin = sign_in_with_roles(c, app, "root@example.com", {"admin"});
    const auto ana_id = user_id_of(app, "ana@example.com");
    const auto access = access_token(c, "ana@example.com");
    REQUIRE(c.post("/api/auth/email/change", change_body("wanted@example.com"), access).status == 202);
    const auto token = change_token_to(c, "wanted@example.com");
    REQUIRE_FALSE(token.empty());
    REQUIRE(c.call("PATCH", "/api/admin/users/" + ana_id, R"({"isActive":false})", api::bearer(admin)).status == 200);

    auto refused = c.post("/api/auth/email/confirm", R"({"token":")" + token + "\"}");
    CHECK(refused.status == 403);
    CHECK(json_string(refused.body, "code") == "account_disabled");
    auto page = c.call("POST", "/confirm-email-change", "token=" + token, form);
    CHECK(page.status == 403);
    CHECK(has(page.body, "This account is disabled"));

    REQUIRE(c.call("PATCH", "/api/admin/users/" + ana_id, R"({"isActive":true})", api::bearer(admin)).status == 200);
    auto done = c.call("POST", "/confirm-email-change", "token=" + token, form);  // nothing was spent while disabled
    CHECK(done.status == 200);
    CHECK(has(done.body, "Your e-mail address is changed"));
    CHECK(login_status(c, "wanted@example.com") == 200);
}

TEST_CASE("hostile values at the e-mail change routes and page get 400 or 413, never a 500",
          "[http][email_change][hostile]") {
    running_app app;
    auto c = app.client();
    register_user(c, "ana@example.com");
    const auto access = access_token(c, "ana@example.com");
    const auto change = [&](const std::string& body) { return c.post("/api/auth/email/change", body, access); };

    // NUL, bytes that are not UTF-8, wrong JSON types, values past the bounds.
    auto nul = change(R"({"newEmail":"ana.new\u0000@example.com","password":"correct-horse"})");
    CHECK(nul.status == 400);
    CHECK(has(nul.body, R"("field":"newEmail")"));
    CHECK(change("{\"newEmail\":\"ana\xff\xfe@example.com\",\"password\":\"correct-horse\"}").status == 400);
    auto types = change(R"({"newEmail":42,"password":true})");
    CHECK(types.status == 400);
    CHECK(has(types.body, R"("field":"newEmail")"));
    CHECK(has(types.body, R"("field":"password")"));
    CHECK(change(R"({"newEmail":["a@example.com"],"password":{"deep":[[[[1]]]]}})").status == 400);
    CHECK(change(R"({"newEmail":null,"password":"correct-horse"})").status == 400);
    CHECK(change(R"({"newEmail":"ana.new@example.com","password":"correct\u0000horse"})").status == 400);
    CHECK(change("[]").status == 400);
    CHECK(change("not json").status == 400);
    auto long_email = change(change_body(std::string(400, 'a') + "@example.com"));
    CHECK(long_email.status == 400);
    CHECK(has(long_email.body, R"("field":"newEmail")"));
    CHECK(change(R"({"newEmail":")" + std::string(2 << 20, 'a') + "\"}").status == 413);

    CHECK(c.post("/api/auth/email/confirm", R"({"token":"\u0000"})").status == 400);
    CHECK(c.post("/api/auth/email/confirm", R"({"token":7})").status == 400);
    CHECK(c.post("/api/auth/email/confirm", R"({"token":["x"]})").status == 400);
    CHECK(c.post("/api/auth/email/confirm", R"({"token":""})").status == 400);
    CHECK(c.post("/api/auth/email/confirm", "{\"token\":\"\xc0\x80\"}").status == 400);
    auto long_token = c.post("/api/auth/email/confirm", R"({"token":")" + std::string(100000, 'k') + "\"}");
    CHECK(long_token.status == 400);
    CHECK(json_string(long_token.body, "code") == "invalid_token");

    CHECK(c.call("POST", "/confirm-email-change", "token=%00%FF%FE", form).status == 400);
    CHECK(c.call("POST", "/confirm-email-change", "token=" + std::string(2 << 20, 'a'), form).status == 413);
    CHECK(c.get("/confirm-email-change?token=%00%FF").status == 200);  // shown escaped, changes nothing

    // None of it touched the account, nor counted as a wrong password.
    CHECK(email_of(c, access) == "ana@example.com");
    CHECK(mailbox(c).empty());
    for (int i = 0; i < 4; ++i)
        CHECK(c.post("/api/auth/email/change", change_body("ana.new@example.com", "wrong-horse"), access).status ==
              401);
    CHECK(login_status(c, "ana@example.com") == 200);  // four failures, not five: nothing before them counted
}
