// What every response carries, and what every route shares (API.md "Conventions", "Operations").
#include "tests/http/app_fixture.hpp"

#include <thread>

using namespace authd;
using namespace authd::test;

TEST_CASE("every response carries a request id and the security headers", "[http][conventions]") {
    running_app app;
    auto c = app.client();
    for (const auto& r : {c.get("/health"), c.get("/nope"), c.post("/api/auth/login", "{}")}) {
        CHECK(r.header("X-Request-Id").value_or("").size() >= 16);
        CHECK(r.header("X-Content-Type-Options") == "nosniff");
        CHECK(r.header("X-Frame-Options") == "DENY");
        CHECK(r.header("Referrer-Policy") == "no-referrer");
        CHECK(r.header("Content-Security-Policy") == "default-src 'none'; frame-ancestors 'none'");
        CHECK(r.header("Cache-Control") == "no-store");
        CHECK_FALSE(r.header("Strict-Transport-Security"));
    }
}

TEST_CASE("a sane client request id is echoed, an insane one replaced", "[http][conventions]") {
    running_app app;
    auto c = app.client();
    auto echoed = c.call("GET", "/health/live", {}, {{"X-Request-Id", "abc-123_x.y"}});
    CHECK(echoed.header("X-Request-Id") == "abc-123_x.y");
    auto replaced = c.call("GET", "/health/live", {}, {{"X-Request-Id", "<script>"}});
    CHECK(replaced.header("X-Request-Id") != "<script>");
    auto problem = c.call("GET", "/nope", {}, {{"X-Request-Id", "trace-1"}});
    CHECK(json_string(problem.body, "request_id") == "trace-1");
}

TEST_CASE("HSTS is sent when asked for", "[http][conventions]") {
    auto cfg = test_config();
    cfg.hsts = true;
    running_app app(cfg);
    auto c = app.client();
    CHECK(c.get("/health/live").header("Strict-Transport-Security").has_value());
}

TEST_CASE("an unknown route is a 404 problem, a known one with a wrong method 405 with Allow", "[http][conventions]") {
    running_app app;
    auto c = app.client();
    auto missing = c.get("/api/nothing/here");
    CHECK(missing.status == 404);
    CHECK(missing.header("Content-Type") == "application/problem+json");
    CHECK(json_string(missing.body, "code") == "not_found");
    CHECK(missing.body.find(R"("type":"about:blank")") != std::string::npos);
    auto wrong = c.call("DELETE", "/api/v1/auth/validate");
    CHECK(wrong.status == 405);
    CHECK(wrong.header("Allow") == "GET, HEAD, POST");
    CHECK(c.call("OPTIONS", "/api/auth/me").header("Allow") == "GET, HEAD");
}

TEST_CASE("a path has one spelling: doubled or trailing slashes route nowhere", "[http][conventions]") {
    running_app app;
    auto c = app.client();
    CHECK(c.get("/health/live").status == 200);
    for (const auto* other : {"//health/live", "/health//live", "/health/live/", "/health/live//"}) {
        INFO(other);
        const auto r = c.get(other);
        CHECK(r.status == 404);
        CHECK(json_string(r.body, "code") == "not_found");
    }
    // A gateway that guards /api/admin/ by prefix also guards every spelling that reaches the route.
    CHECK(c.get("//api/admin/users").status == 404);
    CHECK(c.get("/api/admin//users").status == 404);
}

TEST_CASE("a body over MAX_BODY_BYTES is 413 and headers over 8 KiB are 431", "[http][conventions]") {
    auto cfg = test_config();
    cfg.max_body_bytes = 1024;
    running_app app(cfg);
    auto c = app.client();
    auto big = c.post("/api/auth/login", "{\"email\":\"" + std::string(2000, 'a') + "\"}");
    CHECK(big.status == 413);
    CHECK(json_string(big.body, "code") == "payload_too_large");
    api d(app.app->port());
    auto headers = d.call("GET", "/health", {}, {{"X-Padding", std::string(9000, 'x')}});
    CHECK(headers.status == 431);
}

TEST_CASE("health, liveness and readiness report the database", "[http][health]") {
    running_app app;
    auto c = app.client();
    auto h = c.get("/health");
    CHECK(h.status == 200);
    CHECK(
        h.body ==
        R"({"status":"ok","checks":{"database":"ok"},"delivery":{"email":{"channel":"console","backlog":0},"sms":{"channel":"console","backlog":0}}})");
    CHECK(c.get("/health/ready").status == 200);
    auto live = c.get("/health/live");
    CHECK(live.status == 200);
    CHECK(live.body == R"({"status":"ok"})");
}

TEST_CASE("a full hashing queue answers 503 with Retry-After instead of waiting", "[http][overload]") {
    auto cfg = test_config();
    cfg.hashing_threads = 1;
    cfg.hashing_queue = 1;
    running_app app(cfg);
    std::atomic<int> busy{0}, created{0};
    std::vector<std::thread> clients;
    for (int i = 0; i < 12; ++i)
        clients.emplace_back([&, i] {
            http_client c(app.app->port());
            auto r = c.request("POST", "/api/auth/register",
                               R"({"email":"u)" + std::to_string(i) +
                                   R"(@example.com","password":"correct-horse","name":"U"})");
            if (r.status == 503 && r.header("Retry-After") == "1") ++busy;
            if (r.status == 201) ++created;
        });
    for (auto& t : clients) t.join();
    // One hashes, one waits; the other ten cannot all have been served in between.
    CHECK(busy > 0);
    CHECK(created >= 1);
    CHECK(busy + created == 12);
}

TEST_CASE("token validation is answered while the hashing pool is saturated", "[http][overload]") {
    // With one hashing thread and a queue of one, a login flood fills the hashing pool:
    // if validation shared that pool it would be refused with 503 too.
    auto cfg = test_config();
    cfg.hashing_threads = 1;
    cfg.hashing_queue = 1;
    running_app app(cfg);
    auto c = app.client();
    REQUIRE(
        c.post("/api/auth/register", R"({"email":"ana@example.com","password":"correct-horse","name":"Ana"})").status ==
        201);
    auto login = c.post("/api/auth/login", R"({"email":"ana@example.com","password":"correct-horse"})");
    const auto token = json_string(login.body, "accessToken");
    std::atomic<bool> stop{false};
    std::atomic<int> refused{0};
    std::vector<std::thread> flood;
    for (int i = 0; i < 4; ++i)
        flood.emplace_back([&] {
            http_client f(app.app->port());
            while (!stop)
                if (f.request("POST", "/api/auth/login", R"({"email":"ana@example.com","password":"correct-horse"})")
                        .status == 503)
                    ++refused;
        });
    int validated = 0;
    for (int i = 0; i < 100 || refused == 0; ++i) validated += c.get("/api/v1/auth/validate", token).status == 200;
    stop = true;
    for (auto& t : flood) t.join();
    CHECK(refused > 0);
    CHECK(validated >= 100);
}

TEST_CASE("a body with missing fields and invalid ones gets one 400 naming every bad field, on every route",
          "[http][conventions][validation]") {
    running_app app;
    auto c = app.client();
    const auto admin = sign_in_with_roles(c, app, "admin@example.com", {"admin"});
    const auto ana = sign_in_with_roles(c, app, "ana@example.com", {"customer"});
    struct attempt {
        std::string target, body, token;
        std::vector<std::string> fields;
    };
    const std::vector<attempt> attempts{
        {"/api/auth/register", R"({"email":"nope","password":"short"})", "", {"email", "password", "name"}},
        {"/api/v1/clients",
         R"({"email":"nope","password":"short","first_name":"A"})",
         "",
         {"email", "password", "last_name"}},
        {"/api/v1/auth/register",
         R"({"phone_number":"12","country_code":"+1","first_name":"A","email":"x"})",
         "",
         {"phone_number", "country_code", "last_name", "email"}},
        {"/api/events",
         R"({"eventName":"","totalSeats":0})",
         admin,
         {"eventName", "eventDate", "venueName", "totalSeats", "saleStartTime"}},
        {"/api/products", R"({"name":5,"price":-1})", admin, {"name", "sku", "price"}},
        {"/api/suppliers", R"({"email":7,"contacts":[{"email":"x"}]})", admin, {"name", "email", "contacts[0].name"}},
    };
    for (const auto& a : attempts) {
        INFO(a.target << " " << a.body);
        auto r = c.post(a.target, a.body, a.token);
        CHECK(r.status == 400);
        CHECK(json_string(r.body, "code") == "validation_failed");
        for (const auto& field : a.fields) CHECK(r.body.find("\"field\":\"" + field + "\"") != std::string::npos);
    }
    auto profile = c.call("PUT", "/api/auth/profile", R"({"name":null,"username":"x"})", api::bearer(ana));
    CHECK(profile.status == 400);
    for (const std::string field : {"name", "username"})
        CHECK(profile.body.find("\"field\":\"" + field + "\"") != std::string::npos);
}
