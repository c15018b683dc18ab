// A user's own account over real sockets: profile, preferences and sessions (API.md "Users").
#include "tests/http/app_fixture.hpp"

using namespace authd;
using namespace authd::test;

namespace {
bool has(const std::string& body, const std::string& part) { return body.find(part) != std::string::npos; }

struct profile_app {
    explicit profile_app(app::config cfg = test_config()) : app(std::move(cfg)) {}
    running_app app;
    api c = app.client();
    std::string ana = sign_in_with_roles(c, app, "ana@example.com", {"customer"});

    http_reply send(const std::string& method, const std::string& target, const std::string& body,
                    const std::string& token) {
        return c.call(method, target, body, api::bearer(token));
    }
    /// Another login of Ana: the whole reply, for its tokens.
    http_reply login_again() {
        auto r = c.post("/api/auth/login", R"({"email":"ana@example.com","password":"correct-horse"})");
        REQUIRE(r.status == 200);
        return r;
    }
};
}  // namespace

// --- profile ----------------------------------------------------------------------------------------------------

TEST_CASE("GET profile answers the same user as me, and 401 without a token", "[http][profile]") {
    profile_app t;
    auto profile = t.c.get("/api/auth/profile", t.ana);
    REQUIRE(profile.status == 200);
    CHECK(profile.body == t.c.get("/api/auth/me", t.ana).body);
    CHECK(has(profile.body, R"("email":"ana@example.com")"));
    CHECK(profile.header("Cache-Control") == "no-store");
    auto anonymous = t.c.get("/api/auth/profile");
    CHECK(anonymous.status == 401);
    CHECK(anonymous.header("WWW-Authenticate"));
}

TEST_CASE("PUT profile changes the name and username and answers the user", "[http][profile]") {
    profile_app t;
    auto r = t.send("PUT", "/api/auth/profile", R"({"name":"Ana María","username":"ana.m"})", t.ana);
    REQUIRE(r.status == 200);
    CHECK(has(r.body, R"("username":"ana.m","name":"Ana María")"));
    CHECK(has(t.c.get("/api/auth/me", t.ana).body, R"("username":"ana.m")"));
    // Absent fields stay; a null username clears it.
    auto cleared = t.send("PUT", "/api/auth/profile", R"({"username":null})", t.ana);
    REQUIRE(cleared.status == 200);
    CHECK(has(cleared.body, R"("username":null,"name":"Ana María")"));
}

TEST_CASE("me answered from memory shows a change made here at once", "[http][profile]") {
    auto cfg = test_config();
    cfg.session_recheck_ms = 60000;  // memory trusted a minute: only the storage's word of the change can refresh it
    profile_app t{cfg};
    // Read twice: the second answer comes from memory (the session and the account were just read).
    REQUIRE(t.c.get("/api/auth/me", t.ana).status == 200);
    REQUIRE(has(t.c.get("/api/auth/me", t.ana).body, R"("username":null,"name":)"));
    REQUIRE(t.send("PUT", "/api/auth/profile", R"({"name":"Ana B","username":"ana.b"})", t.ana).status == 200);
    CHECK(has(t.c.get("/api/auth/me", t.ana).body, R"("username":"ana.b","name":"Ana B")"));
    CHECK(has(t.c.get("/api/auth/profile", t.ana).body, R"("username":"ana.b","name":"Ana B")"));
    REQUIRE(t.send("PUT", "/api/auth/profile", R"({"username":null})", t.ana).status == 200);
    CHECK(has(t.c.get("/api/auth/me", t.ana).body, R"("username":null,"name":"Ana B")"));
}

TEST_CASE("PUT profile lists every bad field in one 400", "[http][profile]") {
    profile_app t;
    auto r = t.send("PUT", "/api/auth/profile", R"({"name":"   ","username":"x"})", t.ana);
    CHECK(r.status == 400);
    CHECK(json_string(r.body, "code") == "validation_failed");
    CHECK(has(r.body, R"("field":"name")"));
    CHECK(has(r.body, R"("field":"username")"));
    CHECK(t.send("PUT", "/api/auth/profile", R"({"name":7})", t.ana).status == 400);
    CHECK(t.send("PUT", "/api/auth/profile", R"({"name":null})", t.ana).status == 400);
    CHECK(json_string(t.send("PUT", "/api/auth/profile", "{nope", t.ana).body, "code") == "malformed_json");
}

TEST_CASE("PUT profile answers 409 username_taken for another user's username, and 401 without a token",
          "[http][profile]") {
    profile_app t;
    auto bob = t.c.post("/api/auth/register",
                        R"({"email":"bob@example.com","password":"correct-horse","name":"Bob","username":"bob"})");
    REQUIRE(bob.status == 201);
    auto r = t.send("PUT", "/api/auth/profile", R"({"username":"bob"})", t.ana);
    CHECK(r.status == 409);
    CHECK(json_string(r.body, "code") == "username_taken");
    CHECK(t.send("PUT", "/api/auth/profile", R"({"name":"X"})", "").status == 401);
}

TEST_CASE("DELETE profile with a wrong password is 401 invalid_credentials and keeps the account", "[http][profile]") {
    profile_app t;
    auto r = t.send("DELETE", "/api/auth/profile", R"({"password":"wrong-horse"})", t.ana);
    CHECK(r.status == 401);
    CHECK(json_string(r.body, "code") == "invalid_credentials");
    CHECK(t.c.get("/api/auth/me", t.ana).status == 200);
    auto missing = t.send("DELETE", "/api/auth/profile", "{}", t.ana);
    CHECK(missing.status == 400);
    CHECK(has(missing.body, R"("field":"password")"));
    CHECK(t.send("DELETE", "/api/auth/profile", R"({"password":"correct-horse"})", "").status == 401);
}

TEST_CASE("DELETE profile answers 204 and every token of the account stops working", "[http][profile]") {
    profile_app t;
    const auto other = t.login_again();
    const auto other_access = json_string(other.body, "accessToken");
    const auto other_refresh = json_string(other.body, "refreshToken");
    auto r = t.send("DELETE", "/api/auth/profile", R"({"password":"correct-horse"})", t.ana);
    CHECK(r.status == 204);
    CHECK(t.c.get("/api/auth/me", t.ana).status == 401);
    CHECK(t.c.get("/api/auth/profile", other_access).status == 401);
    CHECK(t.c.post("/api/v1/auth/validate", "", other_access).status == 401);
    CHECK(t.c.post("/api/auth/refresh", R"({"refreshToken":")" + other_refresh + "\"}").status == 401);
    auto login = t.c.post("/api/auth/login", R"({"email":"ana@example.com","password":"correct-horse"})");
    CHECK(login.status == 401);
    // The e-mail is free again.
    CHECK(
        t.c.post("/api/auth/register", R"({"email":"ana@example.com","password":"correct-horse","name":"A"})").status ==
        201);
}

// --- preferences ------------------------------------------------------------------------------------------------

TEST_CASE("a new user's preferences are the empty object", "[http][preferences]") {
    profile_app t;
    auto r = t.c.get("/api/auth/preferences", t.ana);
    REQUIRE(r.status == 200);
    CHECK(r.body == R"({"preferences":{}})");
    CHECK(t.c.get("/api/auth/preferences").status == 401);
}

TEST_CASE("PUT replaces the preferences and PATCH merges top-level keys, a null removing one", "[http][preferences]") {
    profile_app t;
    auto put = t.send("PUT", "/api/auth/preferences", R"({"theme":"dark","lang":"fr"})", t.ana);
    REQUIRE(put.status == 200);
    CHECK(has(put.body, R"("theme":"dark")"));
    CHECK(has(put.body, R"("lang":"fr")"));
    auto replaced = t.send("PUT", "/api/auth/preferences", R"({"layout":{"cols":2}})", t.ana);
    REQUIRE(replaced.status == 200);
    CHECK(replaced.body == R"({"preferences":{"layout":{"cols":2}}})");
    auto patched = t.send("PATCH", "/api/auth/preferences", R"({"theme":"light","layout":{"rows":3}})", t.ana);
    REQUIRE(patched.status == 200);
    CHECK(has(patched.body, R"("theme":"light")"));
    CHECK(has(patched.body, R"("layout":{"rows":3})"));  // top-level merge: a nested object is replaced whole
    auto removed = t.send("PATCH", "/api/auth/preferences", R"({"layout":null,"gone":null})", t.ana);
    REQUIRE(removed.status == 200);
    CHECK(removed.body == R"({"preferences":{"theme":"light"}})");
    CHECK(t.c.get("/api/auth/preferences", t.ana).body == R"({"preferences":{"theme":"light"}})");
}

TEST_CASE("an empty JSON body is 400 malformed_json and leaves the preferences alone", "[http][preferences]") {
    profile_app t;
    REQUIRE(t.send("PUT", "/api/auth/preferences", R"({"theme":"dark"})", t.ana).status == 200);
    for (const char* method : {"PUT", "PATCH"}) {
        auto r = t.c.call(method, "/api/auth/preferences", "",
                          {{"Authorization", "Bearer " + t.ana}, {"Content-Type", "application/json"}});
        CHECK(r.status == 400);
        CHECK(json_string(r.body, "code") == "malformed_json");
    }
    CHECK(t.c.get("/api/auth/preferences", t.ana).body == R"({"preferences":{"theme":"dark"}})");
}

TEST_CASE("preferences that are not a JSON object are refused with 400", "[http][preferences]") {
    profile_app t;
    for (const auto* method : {"PUT", "PATCH"}) {
        auto array = t.send(method, "/api/auth/preferences", R"(["dark"])", t.ana);
        CHECK(array.status == 400);
        CHECK(has(array.body, R"("field":"preferences")"));
        CHECK(t.send(method, "/api/auth/preferences", "42", t.ana).status == 400);
        auto broken = t.send(method, "/api/auth/preferences", R"({"theme":)", t.ana);
        CHECK(broken.status == 400);
        CHECK(json_string(broken.body, "code") == "malformed_json");
        CHECK(t.send(method, "/api/auth/preferences", "{}", "").status == 401);
    }
    CHECK(t.c.get("/api/auth/preferences", t.ana).body == R"({"preferences":{}})");
}

TEST_CASE("preferences holding U+0000 in a name or a string are refused naming preferences", "[http][preferences]") {
    profile_app t;
    REQUIRE(t.send("PUT", "/api/auth/preferences", R"({"theme":"dark"})", t.ana).status == 200);
    for (const auto* method : {"PUT", "PATCH"})
        for (const auto* body : {R"({"a":"x\u0000y"})", R"({"a\u0000":1})", R"({"a":{"b":["ok","\u0000"]}})"}) {
            INFO(method << " " << body);
            auto r = t.send(method, "/api/auth/preferences", body, t.ana);
            CHECK(r.status == 400);
            CHECK(has(r.body, R"("field":"preferences")"));
        }
    // An escaped backslash before "u0000" is six characters of text, not a NUL.
    CHECK(t.send("PATCH", "/api/auth/preferences", R"({"path":"C:\\u0000"})", t.ana).status == 200);
    const auto kept = t.c.get("/api/auth/preferences", t.ana).body;  // in any order: JSONB sorts the names
    CHECK(has(kept, R"("path":"C:\\u0000")"));
    CHECK(has(kept, R"("theme":"dark")"));
}

TEST_CASE("preferences over 64 KiB serialized are refused naming preferences, 64 KiB exactly is kept",
          "[http][preferences]") {
    profile_app t;
    const std::string fits = R"({"k":")" + std::string(64 * 1024 - 8, 'x') + "\"}";
    CHECK(t.send("PUT", "/api/auth/preferences", fits, t.ana).status == 200);
    auto over = t.send("PATCH", "/api/auth/preferences", R"({"more":1})", t.ana);
    CHECK(over.status == 400);
    CHECK(json_string(over.body, "code") == "validation_failed");
    CHECK(has(over.body, R"("field":"preferences")"));
    // A body over the limit is refused before it is parsed.
    const auto too_big =
        t.send("PUT", "/api/auth/preferences", R"({"k":")" + std::string(70 * 1024, 'y') + "\"}", t.ana);
    CHECK(too_big.status == 413);
    CHECK(json_string(too_big.body, "code") == "payload_too_large");
    CHECK(t.c.get("/api/auth/preferences", t.ana).body == R"({"preferences":)" + fits + "}");
}

// --- sessions ---------------------------------------------------------------------------------------------------

TEST_CASE("GET sessions lists the caller's live sessions and marks the current one", "[http][sessions]") {
    profile_app t;
    t.login_again();
    auto r = t.c.get("/api/auth/sessions", t.ana);
    REQUIRE(r.status == 200);
    CHECK(has(r.body, R"("sessions":[{"id":")"));
    CHECK(has(
        r.body,
        R"("createdAt":"2026-11-22T00:00:00Z","lastUsedAt":"2026-11-22T00:00:00Z","expiresAt":"2026-11-29T00:00:00Z")"));
    CHECK(has(r.body, R"("ip":"127.0.0.1","current":true})"));
    CHECK(has(r.body, R"("current":false})"));
    CHECK(has(r.body, R"("userAgent":)"));
    CHECK(t.c.get("/api/auth/sessions").status == 401);
}

TEST_CASE("DELETE sessions/:id ends that session only, and 404 for unknown, foreign or malformed ids",
          "[http][sessions]") {
    profile_app t;
    const auto second = t.login_again();
    const auto second_access = json_string(second.body, "accessToken");
    const auto bob = sign_in_with_roles(t.c, t.app, "bob@example.com", {"customer"});
    auto list = [&](const std::string& token) { return t.c.get("/api/auth/sessions", token).body; };
    // Bob's only session id, from his list.
    const auto bob_list = list(bob);
    const auto bob_session = bob_list.substr(bob_list.find(R"("id":")") + 6, 36);
    auto foreign = t.send("DELETE", "/api/auth/sessions/" + bob_session, "", t.ana);
    CHECK(foreign.status == 404);
    CHECK(json_string(foreign.body, "code") == "not_found");
    CHECK(t.c.get("/api/auth/me", bob).status == 200);
    CHECK(t.send("DELETE", "/api/auth/sessions/99999999-9999-4999-8999-999999999999", "", t.ana).status == 404);
    CHECK(t.send("DELETE", "/api/auth/sessions/not-a-session", "", t.ana).status == 404);
    CHECK(t.send("DELETE", "/api/auth/sessions/" + bob_session, "", "").status == 401);

    // Ana ends her second session from the first.
    const auto ana_list = list(second_access);
    const auto current_at = ana_list.find(R"("current":true)");
    const auto id_at = ana_list.rfind(R"("id":")", current_at) + 6;
    const auto second_session = ana_list.substr(id_at, 36);
    CHECK(t.send("DELETE", "/api/auth/sessions/" + second_session, "", t.ana).status == 204);
    CHECK(t.c.get("/api/auth/me", second_access).status == 401);
    CHECK(t.c.get("/api/auth/me", t.ana).status == 200);
    CHECK(t.send("DELETE", "/api/auth/sessions/" + second_session, "", t.ana).status == 404);
    CHECK_FALSE(has(list(t.ana), second_session));
}

TEST_CASE("logout-all answers 204 and revokes every session of the caller, no one else's", "[http][sessions]") {
    profile_app t;
    const auto second = t.login_again();
    const auto bob = sign_in_with_roles(t.c, t.app, "bob@example.com", {"customer"});
    auto r = t.c.post("/api/auth/logout-all", "", t.ana);
    CHECK(r.status == 204);
    CHECK(t.c.get("/api/auth/me", t.ana).status == 401);
    CHECK(t.c.get("/api/auth/me", json_string(second.body, "accessToken")).status == 401);
    CHECK(t.c.post("/api/auth/refresh", R"({"refreshToken":")" + json_string(second.body, "refreshToken") + "\"}")
              .status == 401);
    CHECK(t.c.get("/api/auth/me", bob).status == 200);
    CHECK(t.c.post("/api/auth/logout-all", "").status == 401);
}
