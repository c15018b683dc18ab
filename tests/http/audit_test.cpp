// The audit trail over real sockets (GET /api/admin/audit): who may read it, what logins and an admin's action leave
// in it, stamped with the address, User-Agent and X-Request-Id of their request, its filters and their refusals, and
// never a password.
#include "tests/http/app_fixture.hpp"

using namespace authd;
using namespace authd::test;

namespace {
bool has(const std::string& body, const std::string& part) { return body.find(part) != std::string::npos; }
const std::string no_events = R"({"events":[],"page":{"number":0,"size":20,"totalElements":0,"totalPages":0}})";

struct audit_app {
    running_app app;
    api c = app.client();
    std::string admin = sign_in_with_roles(c, app, "admin@example.com", {"admin"});
    std::string customer = sign_in_with_roles(c, app, "customer@example.com", {"customer"});

    std::string id_of(const std::string& email) { return user_id_of(app, email); }
    /// The trail as the admin reads it; `query` starts with '?'.
    http_reply audit(const std::string& query = {}) { return c.get("/api/admin/audit" + query, admin); }
    /// A login from the client "audit-test/1", in the request "req-audit-1".
    http_reply login(const std::string& email, const std::string& password) {
        return c.call("POST", "/api/auth/login", R"({"email":")" + email + R"(","password":")" + password + "\"}",
                      {{"User-Agent", "audit-test/1"}, {"X-Request-Id", "req-audit-1"}});
    }
    /// Registers Ana (with the password correct-horse); her id.
    std::string register_ana() {
        REQUIRE(c.post("/api/auth/register", R"({"email":"ana@example.com","password":"correct-horse","name":"Ana"})")
                    .status == 201);
        return id_of("ana@example.com");
    }
};

/// An event of a login made by audit_app::login, from its "type" to its end, as the list writes it.
std::string login_event(const std::string& outcome, const std::string& principal, const std::string& detail) {
    return R"("type":"sign_in","outcome":")" + outcome + R"(","principalId":")" + principal + R"(","actorId":")" +
           principal + R"(","ip":"127.0.0.1","userAgent":"audit-test/1","requestId":"req-audit-1","detail":")" +
           detail + "\"}";
}
}  // namespace

TEST_CASE("the audit list answers 401 without a token and 403 forbidden without the admin role",
          "[http][admin][audit]") {
    audit_app t;
    auto anonymous = t.c.get("/api/admin/audit");
    CHECK(anonymous.status == 401);
    CHECK(anonymous.header("WWW-Authenticate"));
    const auto staff = sign_in_with_roles(t.c, t.app, "staff@example.com", {"staff"});
    for (const auto& token : {t.customer, staff}) {
        auto r = t.c.get("/api/admin/audit", token);
        CHECK(r.status == 403);
        CHECK(json_string(r.body, "code") == "forbidden");
    }
    CHECK(t.audit().status == 200);
}

TEST_CASE("a failed and a successful login show in the trail with their address, user agent and request id",
          "[http][admin][audit]") {
    audit_app t;
    const auto ana = t.register_ana();
    CHECK(t.login("ana@example.com", "Wrong-Horse-41").status == 401);
    CHECK(t.login("ana@example.com", "correct-horse").status == 200);

    auto r = t.audit("?principal=" + ana + "&type=sign_in");
    REQUIRE(r.status == 200);
    CHECK(r.body.rfind(R"({"events":[{"id":)", 0) == 0);
    const auto succeeded = r.body.find(login_event("success", ana, "password"));
    const auto failed = r.body.find(login_event("failure", ana, "wrong password"));
    CHECK(succeeded != std::string::npos);
    CHECK(failed != std::string::npos);
    CHECK(succeeded < failed);  // newest first
    CHECK(has(r.body, R"("at":"2026-11-22T00:00:00Z","type":"sign_in")"));
    CHECK(has(r.body, R"("page":{"number":0,"size":20,"totalElements":2,"totalPages":1})"));
    CHECK(r.header("Cache-Control") == "no-store");

    // Paged: the newest alone, then the older one.
    auto newest = t.audit("?principal=" + ana + "&type=sign_in&size=1");
    CHECK(has(newest.body, login_event("success", ana, "password")));
    CHECK(has(newest.body, R"("page":{"number":0,"size":1,"totalElements":2,"totalPages":2})"));
    auto older = t.audit("?principal=" + ana + "&type=sign_in&size=1&page=1");
    CHECK(has(older.body, login_event("failure", ana, "wrong password")));
}

TEST_CASE("an admin disabling a user shows in the trail as account_disabled with the admin as actor",
          "[http][admin][audit]") {
    audit_app t;
    const auto customer = t.id_of("customer@example.com");
    const auto admin = t.id_of("admin@example.com");
    REQUIRE(t.c.call("PATCH", "/api/admin/users/" + customer, R"({"isActive":false})", api::bearer(t.admin)).status ==
            200);

    auto r = t.audit("?principal=" + customer + "&type=account_disabled");
    REQUIRE(r.status == 200);
    CHECK(has(r.body, R"("type":"account_disabled","outcome":"success","principalId":")" + customer +
                          R"(","actorId":")" + admin + R"(","ip":"127.0.0.1",)"));
    CHECK(has(r.body, R"("page":{"number":0,"size":20,"totalElements":1,"totalPages":1})"));
    // The principal is the account acted on, not the admin who acted.
    CHECK(t.audit("?principal=" + admin + "&type=account_disabled").body == no_events);
}

TEST_CASE("the audit list's since is inclusive and its until exclusive", "[http][admin][audit]") {
    audit_app t;  // the admin signed in at the fake clock's start, 2026-11-22T00:00:00Z
    const auto admin = t.id_of("admin@example.com");
    const auto signed_in = "?principal=" + admin + "&type=sign_in";
    CHECK(has(t.audit(signed_in + "&since=2026-11-22T00:00:00Z&until=2026-11-22T00:00:01Z").body,
              R"("totalElements":1,)"));
    CHECK(t.audit(signed_in + "&until=2026-11-22T00:00:00Z").body == no_events);
    CHECK(t.audit(signed_in + "&since=2026-11-22T00:00:01Z").body == no_events);

    t.app.clock.advance(seconds{3600});
    const auto again = t.c.post("/api/auth/login", R"({"email":"admin@example.com","password":"correct-horse"})");
    REQUIRE(again.status == 200);
    t.admin = json_string(again.body, "accessToken");  // the first token expired meanwhile
    auto later = t.audit(signed_in + "&since=2026-11-22T01:00:00Z");
    CHECK(has(later.body, R"("at":"2026-11-22T01:00:00Z")"));
    CHECK(has(later.body, R"("totalElements":1,)"));
    CHECK(has(t.audit(signed_in).body, R"("totalElements":2,)"));
}

TEST_CASE("the audit list answers 400 naming a bad type, since, until, size or page", "[http][admin][audit]") {
    audit_app t;
    const std::vector<std::pair<std::string, std::string>> cases{
        {"type=bogus", "type"},
        {"type=SIGN_IN", "type"},
        {"since=notatime", "since"},
        {"until=yesterday", "until"},
        {"since=2026-11-22T00:00:00Z&until=2026-11-22T00:00:00Z", "until"},
        {"since=2026-11-22T00:00:00Z&until=2026-11-21T00:00:00Z", "until"},
        {"size=101", "size"},
        {"size=0", "size"},
        {"size=ten", "size"},
        {"page=-1", "page"},
        {"page=1000000001", "page"},
        {"page=9223372036854775807", "page"},
    };
    for (const auto& [query, field] : cases) {
        INFO(query);
        auto r = t.audit("?" + query);
        CHECK(r.status == 400);
        CHECK(json_string(r.body, "code") == "validation_failed");
        CHECK(has(r.body, R"("field":")" + field + "\""));
    }
    CHECK(t.audit("?size=100&type=account_registered").status == 200);
}

TEST_CASE("no audit event holds a password, nor the e-mail typed at a login for an unknown account",
          "[http][admin][audit]") {
    audit_app t;
    t.register_ana();
    CHECK(t.login("ana@example.com", "Wrong-Horse-41").status == 401);
    CHECK(t.login("ghost@example.com", "Ghost-Horse-42").status == 401);
    CHECK(t.login("ana@example.com", "correct-horse").status == 200);

    auto r = t.audit("?size=100");
    REQUIRE(r.status == 200);
    CHECK(has(r.body, login_event("failure", "", "unknown account")));
    CHECK(has(r.body, login_event("failure", t.id_of("ana@example.com"), "wrong password")));
    for (const auto* secret : {"correct-horse", "Wrong-Horse-41", "Ghost-Horse-42", "ghost@example.com"}) {
        INFO(secret);
        CHECK_FALSE(has(r.body, secret));
    }
}
