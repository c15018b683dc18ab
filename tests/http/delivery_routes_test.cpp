// The routes of delivery: the page an e-mailed verification link opens, and the admin's dead messages.
#include <catch2/catch.hpp>

#include "tests/http/app_fixture.hpp"

using namespace authd;
using namespace authd::test;

namespace {
const std::string cleo =
    R"({"email":"cleo@example.com","password":"correct-horse","first_name":"Cleo","last_name":"Martin"})";
const std::string cleo_login = R"({"email":"cleo@example.com","password":"correct-horse"})";
const std::vector<std::pair<std::string, std::string>> form{{"Content-Type", "application/x-www-form-urlencoded"}};

bool has(const std::string& body, const std::string& text) { return body.find(text) != std::string::npos; }

/// Registers Cleo; her id and the token of the verification e-mail the console channel printed.
std::pair<std::string, std::string> register_cleo(api& c) {
    auto r = c.post("/api/v1/clients", cleo);
    REQUIRE(r.status == 201);
    const auto body = json_string(c.get("/api/v1/dev/messages").body, "body");
    const std::string marker = "verification token is ";
    const auto at = body.find(marker);
    REQUIRE(at != std::string::npos);
    const auto start = at + marker.size();
    return {json_string(r.body, "id"), body.substr(start, body.find_first_of(" .", start) - start)};
}

/// A dead e-mail to amina@example.com (a new message, and a new recipient key, each call), its code valid for 5
/// minutes: the id.
std::int64_t add_dead_message(running_app& app) {
    static int calls = 0;
    ++calls;
    std::int64_t id = 0;
    app.app->store().write([&](repositories& r) {
        queued_message q;
        q.message_id = "6f1c2d3e-4a5b-4c6d-8e7f-90123456789" + std::to_string(calls % 10);
        q.message = outgoing_message{channel::email,
                                     message_kind::otp_code,
                                     "amina@example.com",
                                     "Amina",
                                     "",
                                     seconds{300},
                                     "11111111-1111-4111-8111-111111111111"};
        q.recipient_key = std::string(63, 'a') + std::to_string(calls % 10);
        q.sealed_secret = "not-a-sealed-value";
        q.next_attempt_at = q.created_at = app.clock.now();
        q.expires_at = q.created_at + q.message.lifetime;
        r.messages.add(q);
        const auto claimed = r.messages.claim_due(channel::email, app.clock.now(), app.clock.now() + seconds{60}, 1);
        REQUIRE(claimed.size() == 1);
        id = claimed[0].id;
        REQUIRE(r.messages.mark_dead(id, *claimed[0].lease_until, 8, "connection refused"));
    });
    return id;
}
}  // namespace

TEST_CASE("the verification link's page only shows a form, and the form's POST verifies the address once",
          "[http][delivery]") {
    running_app app;
    auto c = app.client();
    const auto [id, token] = register_cleo(c);

    auto page = c.get("/verify-email?id=" + id + "&token=" + token);
    CHECK(page.status == 200);
    CHECK(page.header("Content-Type") == "text/html; charset=utf-8");
    CHECK(has(page.body, R"(<form method="post" action="/verify-email">)"));
    CHECK(has(page.body, R"(name="token" value=")" + token + "\""));
    // Following the link (a mail scanner does) changes nothing.
    CHECK(json_string(c.post("/api/v1/auth/login", cleo_login).body, "code") == "email_not_verified");

    auto done = c.call("POST", "/verify-email", "id=" + id + "&token=" + token, form);
    CHECK(done.status == 200);
    CHECK(has(done.body, "Your e-mail address is verified"));
    CHECK(json_string(c.post("/api/v1/auth/login", cleo_login).body, "code") != "email_not_verified");

    auto again = c.call("POST", "/verify-email", "id=" + id + "&token=" + token, form);
    CHECK(again.status == 400);
    CHECK(has(again.body, "This link does not work"));
    // Two e-mails queued (the verification, then the sign-in code of the login after it); the first one sent by the
    // console channel when the test read it, the second not yet.
    const auto metrics = c.get("/metrics").body;
    CHECK(has(metrics, R"(authd_messages_total{channel="email",outcome="queued"} 2)"));
    CHECK(has(metrics, R"(authd_messages_total{channel="email",outcome="sent"} 1)"));
    CHECK(has(metrics, R"(authd_messages_total{channel="sms",outcome="queued"} 0)"));
}

TEST_CASE("the verification page refuses a JSON body, an incomplete link and a wrong token, and escapes what it shows",
          "[http][delivery]") {
    running_app app;
    auto c = app.client();
    const auto [id, token] = register_cleo(c);
    CHECK(c.post("/verify-email", R"({"id":")" + id + R"(","token":")" + token + R"("})").status == 415);
    CHECK(c.get("/verify-email").status == 400);
    CHECK(c.get("/verify-email?id=" + id).status == 400);
    CHECK(c.call("POST", "/verify-email", "id=" + id + "&token=wrong", form).status == 400);
    CHECK(c.call("POST", "/verify-email", "", form).status == 400);
    // Bytes that are not UTF-8, a NUL, and a body past the size limit.
    CHECK(c.call("POST", "/verify-email", "id=%00%FF%FE&token=%C0%80", form).status == 400);
    CHECK(c.call("POST", "/verify-email", "id=" + id + "&token=" + std::string(2 << 20, 'a'), form).status == 413);
    CHECK(c.get("/verify-email?id=%00%FF&token=%C0").status == 200);  // shown escaped, changes nothing
    auto hostile = c.get("/verify-email?id=%3Cscript%3Ealert(1)%3C/script%3E&token=%22%3E%3Cb%3E");
    CHECK(hostile.status == 200);
    CHECK_FALSE(has(hostile.body, "<script>"));
    CHECK_FALSE(has(hostile.body, "\"><b>"));
    CHECK(has(hostile.body, "&lt;script&gt;"));
    CHECK(json_string(c.post("/api/v1/auth/login", cleo_login).body, "code") == "email_not_verified");
}

TEST_CASE("admins list dead messages with masked recipients and send one again once", "[http][delivery][admin]") {
    running_app app;
    auto c = app.client();
    const auto admin = sign_in_with_roles(c, app, "root@example.com", {"admin"});
    const auto customer = sign_in_with_roles(c, app, "cust@example.com", {"customer"});
    const auto id = add_dead_message(app);

    CHECK(c.get("/api/admin/messages/dead", customer).status == 403);
    CHECK(c.get("/api/admin/messages/dead").status == 401);
    auto dead = c.get("/api/admin/messages/dead", admin);
    CHECK(dead.status == 200);
    CHECK(json_string(dead.body, "recipient") == "a***@example.com");
    CHECK_FALSE(has(dead.body, "amina@"));
    CHECK(json_string(dead.body, "lastError") == "connection refused");
    CHECK(json_string(dead.body, "kind") == "otp_code");
    CHECK(json_string(dead.body, "expiresAt") == to_rfc3339(app.clock.now() + seconds{300}));

    const auto path = "/api/admin/messages/" + std::to_string(id) + "/requeue";
    CHECK(c.post(path, "", customer).status == 403);
    CHECK(c.post(path, "", admin).status == 204);
    CHECK(c.post(path, "", admin).status == 404);  // pending now, not dead
    CHECK(c.post("/api/admin/messages/999999/requeue", "", admin).status == 404);
    CHECK(c.post("/api/admin/messages/x/requeue", "", admin).status == 404);
    CHECK(has(c.get("/api/admin/messages/dead", admin).body, R"("messages":[])"));
}

TEST_CASE("an admin requeues every dead message with a valid code at once", "[http][delivery][admin]") {
    running_app app;
    auto c = app.client();
    const auto admin = sign_in_with_roles(c, app, "root@example.com", {"admin"});
    const auto customer = sign_in_with_roles(c, app, "cust@example.com", {"customer"});
    add_dead_message(app);

    CHECK(c.post("/api/admin/messages/requeue-dead", "", customer).status == 403);
    CHECK(c.post("/api/admin/messages/requeue-dead", "").status == 401);
    const auto first = c.post("/api/admin/messages/requeue-dead", "", admin);
    CHECK(first.status == 200);
    CHECK(has(first.body, R"("requeued":1)"));
    CHECK(has(c.get("/api/admin/messages/dead", admin).body, R"("messages":[])"));

    add_dead_message(app);
    app.clock.advance(seconds{300});  // its code has expired: requeuing it would send a dead code
    CHECK(has(c.post("/api/admin/messages/requeue-dead", "", admin).body, R"("requeued":0)"));
}
