// The admin API over real sockets: users and agents (API.md "Users", /api/admin/*).
#include "tests/http/app_fixture.hpp"

using namespace authd;
using namespace authd::test;

namespace {
bool has(const std::string& body, const std::string& part) { return body.find(part) != std::string::npos; }
const std::string unknown_id = "99999999-9999-4999-8999-999999999999";

struct admin_app {
    running_app app;
    api c = app.client();
    std::string admin = sign_in_with_roles(c, app, "admin@example.com", {"admin"});
    std::string customer = sign_in_with_roles(c, app, "customer@example.com", {"customer"});

    http_reply send(const std::string& method, const std::string& target, const std::string& body,
                    const std::string& token) {
        return c.call(method, target, body, api::bearer(token));
    }
    std::string id_of(const std::string& email) { return user_id_of(app, email); }
    http_reply login(const std::string& email, const std::string& password = "correct-horse") {
        return c.post("/api/auth/login", R"({"email":")" + email + R"(","password":")" + password + "\"}");
    }
    /// Registers the agent Amina and signs her in with a code: her access token and id.
    std::pair<std::string, std::string> agent_signed_in() {
        auto reg = c.post("/api/v1/auth/register",
                          R"({"phone_number":"0612345678","country_code":"+212","first_name":"Amina",)"
                          R"("last_name":"Benali","email":"amina@example.com"})");
        REQUIRE(reg.status == 201);
        auto verify = verify_agent();
        REQUIRE(verify.status == 200);
        return {json_string(verify.body, "access_token"), json_string(reg.body, "id")};
    }
    http_reply verify_agent() {
        app.clock.advance(seconds{61});  // past the resend limit of the previous code
        auto otp = c.post("/api/v1/auth/request-otp", R"({"phone_number":"+212612345678"})");
        REQUIRE(otp.status == 202);
        return c.post("/api/v1/auth/verify-otp",
                      R"({"phone_number":"+212612345678","code":")" + json_string(otp.body, "debug_code") + "\"}");
    }
};
}  // namespace

TEST_CASE("every admin route answers 401 without a token and 403 forbidden without the admin role", "[http][admin]") {
    admin_app t;
    const auto id = t.id_of("customer@example.com");
    const std::vector<std::tuple<std::string, std::string, std::string>> routes{
        {"GET", "/api/admin/users", ""},
        {"GET", "/api/admin/users/" + id, ""},
        {"PATCH", "/api/admin/users/" + id, R"({"isActive":false})"},
        {"DELETE", "/api/admin/users/" + id, ""},
        {"PUT", "/api/admin/users/" + id + "/roles", R"({"roles":["admin"]})"},
        {"POST", "/api/admin/users/" + id + "/unlock", ""},
        {"POST", "/api/admin/users/" + id + "/sessions/revoke", ""},
        {"GET", "/api/admin/agents", ""},
        {"PATCH", "/api/admin/agents/" + unknown_id, R"({"status":"suspended"})"},
    };
    const auto staff = sign_in_with_roles(t.c, t.app, "staff@example.com", {"staff"});
    for (const auto& [method, target, body] : routes) {
        INFO(method << " " << target);
        auto anonymous = t.send(method, target, body, "");
        CHECK(anonymous.status == 401);
        CHECK(anonymous.header("WWW-Authenticate"));
        for (const auto& token : {t.customer, staff}) {
            auto r = t.send(method, target, body, token);
            CHECK(r.status == 403);
            CHECK(json_string(r.body, "code") == "forbidden");
        }
    }
    // Nothing changed.
    CHECK(t.c.get("/api/auth/me", t.customer).status == 200);
}

TEST_CASE("the user list is paged and sorted by e-mail, with a case-insensitive e-mail filter", "[http][admin]") {
    admin_app t;
    sign_in_with_roles(t.c, t.app, "zed@other.org", {"customer"});
    auto first = t.c.get("/api/admin/users?page=0&size=2", t.admin);
    REQUIRE(first.status == 200);
    CHECK(has(first.body, R"("users":[{"userId":")"));
    CHECK(has(first.body, R"("email":"admin@example.com")"));
    CHECK(has(first.body, R"("email":"customer@example.com")"));
    CHECK(has(first.body, R"("page":{"number":0,"size":2,"totalElements":3,"totalPages":2})"));
    CHECK(first.header("Cache-Control") == "no-store");
    auto second = t.c.get("/api/admin/users?page=1&size=2", t.admin);
    CHECK(has(second.body, R"("email":"zed@other.org")"));
    CHECK(has(second.body, R"("page":{"number":1,"size":2,"totalElements":3,"totalPages":2})"));
    auto filtered = t.c.get("/api/admin/users?email=EXAMPLE.COM", t.admin);
    REQUIRE(filtered.status == 200);
    CHECK_FALSE(has(filtered.body, "zed@other.org"));
    CHECK(has(filtered.body, R"("page":{"number":0,"size":20,"totalElements":2,"totalPages":1})"));
    auto none = t.c.get("/api/admin/users?email=nobody", t.admin);
    CHECK(none.body == R"({"users":[],"page":{"number":0,"size":20,"totalElements":0,"totalPages":0}})");
}

TEST_CASE("the user list refuses a size outside 1 to 100, a page outside 0 to 1000000000 and non-numbers with 400",
          "[http][admin]") {
    admin_app t;
    for (const auto* query : {"size=0", "size=101", "page=-1", "size=ten", "page=x", "page=1000000001",
                              "page=2147483648", "page=9223372036854775807"}) {
        auto r = t.c.get(std::string("/api/admin/users?") + query, t.admin);
        INFO(query);
        CHECK(r.status == 400);
        CHECK(json_string(r.body, "code") == "validation_failed");
    }
    CHECK(has(t.c.get("/api/admin/users?size=101", t.admin).body, R"("field":"size")"));
    CHECK(has(t.c.get("/api/admin/users?page=2147483648", t.admin).body,
              R"({"field":"page","message":"must be at most 1000000000"})"));
    CHECK(t.c.get("/api/admin/users?size=100", t.admin).status == 200);
    const auto last = t.c.get("/api/admin/users?page=1000000000", t.admin);  // the last page there is: empty
    CHECK(last.status == 200);
    CHECK(has(last.body, R"("number":1000000000)"));
}

TEST_CASE("a text filter that is not UTF-8 or holds a control character is 400 naming it", "[http][admin]") {
    admin_app t;
    // An invalid byte, an overlong '.', a surrogate, NUL, ESC, DEL.
    for (const auto* bad : {"%FF", "%C0%AE", "%ED%A0%80", "a%00b", "%1B", "%7F"}) {
        INFO(bad);
        for (const auto* list : {"/api/admin/users?email=", "/api/admin/agents?email="}) {
            auto r = t.c.get(list + std::string(bad), t.admin);
            CHECK(r.status == 400);
            CHECK(has(r.body, R"({"field":"email","message":"must be UTF-8 text without control characters"})"));
        }
        auto audit = t.c.get("/api/admin/audit?principal=" + std::string(bad), t.admin);
        CHECK(audit.status == 400);
        CHECK(has(audit.body, R"("field":"principal")"));
    }
    // Text that is fine: non-ASCII letters, and a '%' that starts no escape, taken as it is.
    CHECK(t.c.get("/api/admin/users?email=%C3%A9", t.admin).status == 200);
    CHECK(t.c.get("/api/admin/users?email=100%zz", t.admin).status == 200);
    CHECK(t.c.get("/api/admin/audit?principal=%C3%A9", t.admin).status == 200);
}

TEST_CASE("GET an admin user answers the user, and 404 for an unknown or malformed id", "[http][admin]") {
    admin_app t;
    const auto id = t.id_of("customer@example.com");
    auto r = t.c.get("/api/admin/users/" + id, t.admin);
    REQUIRE(r.status == 200);
    CHECK(has(r.body, R"({"userId":")" + id + R"(","email":"customer@example.com")"));
    CHECK(has(r.body, R"("isActive":true)"));
    for (const auto& bad : {unknown_id, std::string("123"), std::string("not-a-uuid"), id + "0"}) {
        auto missing = t.c.get("/api/admin/users/" + bad, t.admin);
        CHECK(missing.status == 404);
        CHECK(json_string(missing.body, "code") == "not_found");
    }
}

TEST_CASE("disabling a user revokes its tokens at once, and its next login is 403 account_disabled", "[http][admin]") {
    admin_app t;
    const auto id = t.id_of("customer@example.com");
    const auto login = t.login("customer@example.com");
    const auto refresh = json_string(login.body, "refreshToken");
    auto r = t.send("PATCH", "/api/admin/users/" + id, R"({"isActive":false})", t.admin);
    REQUIRE(r.status == 200);
    CHECK(has(r.body, R"("isActive":false)"));
    CHECK(t.c.get("/api/auth/me", t.customer).status == 401);
    CHECK(t.c.post("/api/auth/refresh", R"({"refreshToken":")" + refresh + "\"}").status == 401);
    auto refused = t.login("customer@example.com");
    CHECK(refused.status == 403);
    CHECK(json_string(refused.body, "code") == "account_disabled");
    auto enabled = t.send("PATCH", "/api/admin/users/" + id, R"({"isActive":true})", t.admin);
    CHECK(has(enabled.body, R"("isActive":true)"));
    CHECK(t.login("customer@example.com").status == 200);
}

TEST_CASE("PATCH an admin user answers 400 without a boolean isActive and 404 for an unknown id", "[http][admin]") {
    admin_app t;
    const auto id = t.id_of("customer@example.com");
    for (const auto* body : {"{}", R"({"isActive":"no"})", R"({"isActive":null})"}) {
        auto r = t.send("PATCH", "/api/admin/users/" + id, body, t.admin);
        INFO(body);
        CHECK(r.status == 400);
        CHECK(has(r.body, R"("field":"isActive")"));
    }
    CHECK(t.send("PATCH", "/api/admin/users/" + unknown_id, R"({"isActive":false})", t.admin).status == 404);
    CHECK(t.send("PATCH", "/api/admin/users/bogus", R"({"isActive":false})", t.admin).status == 404);
    CHECK(t.c.get("/api/auth/me", t.customer).status == 200);
}

TEST_CASE("DELETE an admin user answers 204, its tokens stop working, and then 404", "[http][admin]") {
    admin_app t;
    const auto id = t.id_of("customer@example.com");
    CHECK(t.send("DELETE", "/api/admin/users/" + id, "", t.admin).status == 204);
    CHECK(t.c.get("/api/auth/me", t.customer).status == 401);
    CHECK(t.c.get("/api/admin/users/" + id, t.admin).status == 404);
    CHECK(t.send("DELETE", "/api/admin/users/" + id, "", t.admin).status == 404);
    CHECK(t.send("DELETE", "/api/admin/users/x", "", t.admin).status == 404);
    CHECK(t.login("customer@example.com").status == 401);
}

TEST_CASE("PUT roles replaces the roles and the new role works at the next login", "[http][admin]") {
    admin_app t;
    const auto id = t.id_of("customer@example.com");
    auto r = t.send("PUT", "/api/admin/users/" + id + "/roles", R"({"roles":["admin","customer"]})", t.admin);
    REQUIRE(r.status == 200);
    CHECK(has(r.body, R"("roles":["admin","customer"])"));
    const auto promoted = json_string(t.login("customer@example.com").body, "accessToken");
    CHECK(t.c.get("/api/admin/users", promoted).status == 200);
}

TEST_CASE("PUT roles answers 400 naming roles for an unknown, missing or empty list, and 404 for an unknown user",
          "[http][admin]") {
    admin_app t;
    const auto id = t.id_of("customer@example.com");
    for (const auto* body :
         {R"({"roles":["customer","root"]})", R"({"roles":[]})", "{}", R"({"roles":"admin"})", R"({"roles":[1]})"}) {
        auto r = t.send("PUT", "/api/admin/users/" + id + "/roles", body, t.admin);
        INFO(body);
        CHECK(r.status == 400);
        CHECK(json_string(r.body, "code") == "validation_failed");
        CHECK(has(r.body, R"("field":"roles")"));
    }
    CHECK(t.send("PUT", "/api/admin/users/" + unknown_id + "/roles", R"({"roles":["staff"]})", t.admin).status == 404);
    CHECK(has(t.c.get("/api/admin/users/" + id, t.admin).body, R"("roles":["customer"])"));
}

TEST_CASE("unlock clears the login lockout at once, and answers 404 for an unknown user", "[http][admin]") {
    admin_app t;
    const auto id = t.id_of("customer@example.com");
    for (int i = 0; i < 5; ++i) (void)t.login("customer@example.com", "wrong-horse");
    auto locked = t.login("customer@example.com");
    CHECK(locked.status == 403);
    CHECK(json_string(locked.body, "code") == "account_locked");
    CHECK(t.c.post("/api/admin/users/" + id + "/unlock", "", t.admin).status == 204);
    CHECK(t.login("customer@example.com").status == 200);
    CHECK(t.c.post("/api/admin/users/" + unknown_id + "/unlock", "", t.admin).status == 404);
    CHECK(t.c.post("/api/admin/users/nope/unlock", "", t.admin).status == 404);
}

TEST_CASE("the admin agent list is paged like the user list", "[http][admin]") {
    admin_app t;
    auto empty = t.c.get("/api/admin/agents", t.admin);
    REQUIRE(empty.status == 200);
    CHECK(empty.body == R"({"agents":[],"page":{"number":0,"size":20,"totalElements":0,"totalPages":0}})");
    const auto [token, id] = t.agent_signed_in();
    auto r = t.c.get("/api/admin/agents?page=0&size=1", t.admin);
    REQUIRE(r.status == 200);
    CHECK(has(r.body, R"("agents":[{"id":")" + id + R"(","phone_number":"+212612345678")"));
    CHECK(has(r.body, R"("status":"active")"));
    CHECK(has(r.body, R"("page":{"number":0,"size":1,"totalElements":1,"totalPages":1})"));
    CHECK(has(t.c.get("/api/admin/agents?email=AMINA", t.admin).body, R"("totalElements":1)"));
    CHECK(t.c.get("/api/admin/agents?size=0", t.admin).status == 400);
}

TEST_CASE("suspending an agent revokes its tokens, and verify-otp then answers 403 account_disabled", "[http][admin]") {
    admin_app t;
    const auto [token, id] = t.agent_signed_in();
    auto r = t.send("PATCH", "/api/admin/agents/" + id, R"({"status":"suspended"})", t.admin);
    REQUIRE(r.status == 200);
    CHECK(has(r.body, R"("status":"suspended")"));
    CHECK(t.c.get("/api/v1/agents/me", token).status == 401);
    auto verify = t.verify_agent();
    CHECK(verify.status == 403);
    CHECK(json_string(verify.body, "code") == "account_disabled");
    CHECK(t.send("PATCH", "/api/admin/agents/" + id, R"({"status":"active"})", t.admin).status == 200);
    CHECK(t.verify_agent().status == 200);
}

TEST_CASE("PATCH an admin agent answers 400 for a status other than active or suspended, and 404 for an unknown id",
          "[http][admin]") {
    admin_app t;
    const auto [token, id] = t.agent_signed_in();
    for (const auto* body : {R"({"status":"deleted"})", "{}", R"({"status":1})"}) {
        auto r = t.send("PATCH", "/api/admin/agents/" + id, body, t.admin);
        INFO(body);
        CHECK(r.status == 400);
        CHECK(has(r.body, R"("field":"status")"));
    }
    CHECK(t.send("PATCH", "/api/admin/agents/" + unknown_id, R"({"status":"suspended"})", t.admin).status == 404);
    CHECK(t.send("PATCH", "/api/admin/agents/nope", R"({"status":"suspended"})", t.admin).status == 404);
    CHECK(t.c.get("/api/v1/agents/me", token).status == 200);
}

TEST_CASE("an admin cannot disable, delete or demote their own account: 409 cannot_change_own_account",
          "[http][admin]") {
    admin_app t;
    const auto me = t.id_of("admin@example.com");
    for (const auto& [method, target, body] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"PATCH", "/api/admin/users/" + me, R"({"isActive":false})"},
             {"DELETE", "/api/admin/users/" + me, ""},
             {"PUT", "/api/admin/users/" + me + "/roles", R"({"roles":["staff"]})"}}) {
        INFO(method << " " << target);
        auto r = t.send(method, target, body, t.admin);
        CHECK(r.status == 409);
        CHECK(json_string(r.body, "code") == "cannot_change_own_account");
    }
    CHECK(t.c.get("/api/admin/users/" + me, t.admin).status == 200);  // still an active admin
}

TEST_CASE("an admin ends a user's sessions without disabling the account", "[http][admin]") {
    admin_app t;
    const auto id = t.id_of("customer@example.com");
    auto r = t.send("POST", "/api/admin/users/" + id + "/sessions/revoke", "", t.admin);
    CHECK(r.status == 204);
    CHECK(t.c.get("/api/auth/me", t.customer).status == 401);
    CHECK(t.login("customer@example.com").status == 200);  // the account still signs in
    CHECK(t.send("POST", "/api/admin/users/" + unknown_id + "/sessions/revoke", "", t.admin).status == 404);
}
