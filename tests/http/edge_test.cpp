// Rate limits, CORS and metrics over real sockets (API.md "Conventions", "Operations").
#include "tests/http/app_fixture.hpp"

#include <cstdint>
#include <limits>
#include <regex>

using namespace authd;
using namespace authd::test;
using namespace std::chrono_literals;

namespace {
const std::string wrong_login = R"({"email":"nobody@example.com","password":"wrong-horse"})";

app::config limited(int per_minute, int auth_per_minute) {
    auto c = test_config();
    c.rate_limit_per_minute = per_minute;
    c.auth_rate_limit_per_minute = auth_per_minute;
    return c;
}
}  // namespace

TEST_CASE("a sixth credential request in a minute from one IP is 429 rate_limited with Retry-After",
          "[http][ratelimit]") {
    running_app app(limited(0, 5));
    app.clock.advance(10s);  // 10 s into a minute: 50 s until the window ends
    auto c = app.client();
    for (int i = 0; i < 5; ++i) {
        auto r = c.post("/api/auth/login", wrong_login);
        CHECK(r.status == 401);
        CHECK(r.header("RateLimit-Limit") == "5");
        CHECK(r.header("RateLimit-Remaining") == std::to_string(4 - i));
    }
    auto sixth = c.post("/api/auth/login", wrong_login);
    CHECK(sixth.status == 429);
    CHECK(json_string(sixth.body, "code") == "rate_limited");
    CHECK(sixth.header("Retry-After") == "50");
    CHECK(sixth.header("RateLimit-Remaining") == "0");
    CHECK(sixth.header("RateLimit-Reset") == "50");
    // Every credential route shares the budget; other routes do not count against it.
    CHECK(c.post("/api/v1/auth/request-otp", R"({"phone_number":"+212612345678"})").status == 429);
    CHECK(c.get("/api/v1/auth/validate").status == 401);
    app.clock.advance(50s);
    CHECK(c.post("/api/auth/login", wrong_login).status == 401);
}

TEST_CASE("every client has 100 requests a minute: by user when signed in, else by IP", "[http][ratelimit]") {
    running_app app(limited(3, 0));
    auto c = app.client();
    const auto ana = sign_in_with_roles(c, app, "ana@example.com", {"customer"});  // 2 requests of the IP's 3
    const auto bea = [&] {
        app.clock.advance(60s);  // a fresh window for the IP
        return sign_in_with_roles(c, app, "bea@example.com", {"customer"});
    }();
    for (int i = 0; i < 3; ++i) CHECK(c.get("/api/auth/me", ana).status == 200);
    auto over = c.get("/api/auth/me", ana);
    CHECK(over.status == 429);
    CHECK(over.header("Retry-After").has_value());
    CHECK(c.get("/api/auth/me", bea).status == 200);  // another user, another budget
    CHECK(c.get("/health").status == 200);            // probes are never limited
    CHECK(c.get("/health/live").status == 200);
}

TEST_CASE("a token whose session has ended is counted per IP, not against its owner, and says so in its 401s",
          "[http][ratelimit]") {
    running_app app(limited(3, 0));
    auto c = app.client();
    const auto revoked = sign_in_with_roles(c, app, "ana@example.com", {"customer"});  // 2 requests of the IP's 3
    const auto login = c.post("/api/auth/login", R"({"email":"ana@example.com","password":"correct-horse"})");
    REQUIRE(login.status == 200);
    const auto kept = json_string(login.body, "accessToken");  // ana's other session
    REQUIRE(c.post("/api/auth/logout", "", revoked).status == 204);
    app.clock.advance(60s);  // fresh windows for the IP and for ana

    // Whoever holds the revoked token: its first use is ana's (only the database could tell it had ended), every
    // later one the sender's address's, answered 401 with the address's budget, then 429 past it.
    const std::vector<std::pair<int, std::string>> expected{{401, "2"}, {401, "2"}, {401, "1"},
                                                            {401, "0"}, {429, "0"}, {429, "0"}};
    for (const auto& [status, remaining] : expected) {
        auto r = c.get("/api/auth/me", revoked);
        CHECK(r.status == status);
        CHECK(r.header("RateLimit-Limit") == "3");
        CHECK(r.header("RateLimit-Remaining") == remaining);
    }
    // ana's own budget lost one request to it, not all of them: her session goes on.
    CHECK(c.get("/api/auth/me", kept).status == 200);
    CHECK(c.get("/api/auth/me", kept).status == 200);
    CHECK(c.get("/api/auth/me", kept).status == 429);
}

TEST_CASE("a limit of 0 turns it off", "[http][ratelimit]") {
    running_app app(limited(0, 0));
    auto c = app.client();
    for (int i = 0; i < 12; ++i) CHECK(c.post("/api/auth/login", wrong_login).status == 401);
    CHECK_FALSE(c.post("/api/auth/login", wrong_login).header("RateLimit-Limit"));
}

TEST_CASE("an allowed origin is echoed with Vary: Origin, another origin gets no CORS headers", "[http][cors]") {
    running_app app;
    auto c = app.client();
    auto allowed = c.call("GET", "/health/live", {}, {{"Origin", "http://localhost:3000"}});
    CHECK(allowed.header("Access-Control-Allow-Origin") == "http://localhost:3000");
    CHECK(allowed.header("Vary") == "Origin");
    CHECK(allowed.header("Access-Control-Expose-Headers")->find("X-Request-Id") != std::string::npos);
    auto other = c.call("GET", "/health/live", {}, {{"Origin", "https://evil.example"}});
    CHECK_FALSE(other.header("Access-Control-Allow-Origin"));
    CHECK(other.header("Vary") == "Origin");
    CHECK(c.get("/health/live").header("Vary") == "Origin");
}

TEST_CASE("a preflight answers 204 with the allow headers for an allowed origin only", "[http][cors]") {
    running_app app;
    auto c = app.client();
    auto ok = c.call("OPTIONS", "/api/auth/login", {},
                     {{"Origin", "https://inventory.yourdomain.com"},
                      {"Access-Control-Request-Method", "POST"},
                      {"Access-Control-Request-Headers", "content-type,authorization"}});
    CHECK(ok.status == 204);
    CHECK(ok.header("Access-Control-Allow-Origin") == "https://inventory.yourdomain.com");
    CHECK(ok.header("Access-Control-Allow-Methods")->find("POST") != std::string::npos);
    CHECK(ok.header("Access-Control-Allow-Headers")->find("Authorization") != std::string::npos);
    CHECK(ok.header("Access-Control-Max-Age") == "600");
    auto denied = c.call("OPTIONS", "/api/auth/login", {},
                         {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}});
    CHECK(denied.status == 204);
    CHECK_FALSE(denied.header("Access-Control-Allow-Origin"));
    CHECK_FALSE(denied.header("Access-Control-Allow-Methods"));
    auto nowhere = c.call("OPTIONS", "/api/nothing", {},
                          {{"Origin", "http://localhost:3000"}, {"Access-Control-Request-Method", "GET"}});
    CHECK(nowhere.status == 404);
}

TEST_CASE("CORS_ORIGINS replaces the default allow-list", "[http][cors]") {
    auto cfg = test_config();
    cfg.cors_origins = "https://app.example, https://admin.example";
    running_app app(cfg);
    auto c = app.client();
    CHECK(c.call("GET", "/health/live", {}, {{"Origin", "https://admin.example"}})
              .header("Access-Control-Allow-Origin") == "https://admin.example");
    CHECK_FALSE(
        c.call("GET", "/health/live", {}, {{"Origin", "http://localhost:3000"}}).header("Access-Control-Allow-Origin"));
}

TEST_CASE("metrics are Prometheus text: requests by route template and status, latency, auth results, pool, memory",
          "[http][metrics]") {
    auto cfg = test_config();
    cfg.login_lockout_minutes = 15;
    running_app app(cfg);
    auto c = app.client();
    const auto admin = sign_in_with_roles(c, app, "admin@example.com", {"admin"});
    CHECK(c.get("/api/events/42", admin).status == 404);
    CHECK(c.get("/api/events/43", admin).status == 404);
    for (int i = 0; i < 5; ++i) c.post("/api/auth/login", R"({"email":"admin@example.com","password":"wrong-horse"})");
    c.post("/api/v1/auth/request-otp", R"({"phone_number":"+212612345678"})");

    auto m = c.get("/metrics");
    REQUIRE(m.status == 200);
    CHECK(m.header("Content-Type")->rfind("text/plain; version=0.0.4", 0) == 0);
    // Every line is a comment or `name{labels} value` with a number.
    const std::regex sample(
        R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? -?[0-9.e+Inf]+$)");
    std::map<std::string, double> values;
    std::istringstream lines(m.body);
    int samples = 0;
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) continue;
        INFO(line);
        REQUIRE(std::regex_match(line, sample));
        const auto space = line.rfind(' ');
        values[line.substr(0, space)] = std::stod(line.substr(space + 1));
        ++samples;
    }
    CHECK(samples > 20);
    CHECK(values[R"(authd_http_requests_total{route="/api/events/:eventId",method="GET",status="404"})"] == 2);
    CHECK(m.body.find("/api/events/42") == std::string::npos);  // templates, never raw paths
    CHECK(values[R"(authd_http_requests_total{route="/api/auth/login",method="POST",status="200"})"] == 1);
    CHECK(values[R"(authd_http_request_duration_seconds_count{route="/api/events/:eventId"})"] == 2);
    CHECK(values[R"(authd_http_request_duration_seconds_bucket{route="/api/events/:eventId",le="+Inf"})"] == 2);
    CHECK(values[R"(authd_auth_results_total{kind="login",result="success"})"] == 1);
    CHECK(values[R"(authd_auth_results_total{kind="login",result="invalid_credentials"})"] == 4);
    CHECK(values[R"(authd_auth_results_total{kind="login",result="account_locked"})"] == 1);
    CHECK(values[R"(authd_auth_results_total{kind="otp_request",result="success"})"] == 1);
    CHECK(values.count(R"(authd_db_pool_connections{state="in_use"})") == 1);
    CHECK(values["process_resident_memory_bytes"] > 1'000'000);
    CHECK(values.count("authd_log_lines_dropped_total") == 1);
    if (app.database.backend() == "sqlite") {
        // Every write went through the queue, one at a time here: the sign-in, the failed logins and the OTP request
        // each wrote at least once.
        CHECK(values["authd_sqlite_write_batches_total"] >= 7);
        CHECK(values["authd_sqlite_batched_writes_total"] >= 7);
    } else {
        CHECK(values.count("authd_sqlite_write_batches_total") == 0);
        CHECK(values.count("authd_sqlite_batched_writes_total") == 0);
    }
}

TEST_CASE("metrics count the token checks answered from memory: sessions, and signatures with an asymmetric key",
          "[http][metrics]") {
    for (const std::string alg : {"HS256", "EdDSA"}) {
        CAPTURE(alg);
        auto cfg = test_config();
        cfg.jwt_algorithm = alg;
        cfg.session_recheck_ms = 60000;  // nothing read ages out during the test, however slow the build
        running_app app(cfg);
        auto c = app.client();
        const auto token = sign_in_with_roles(c, app, "ann@example.com", {"customer"});
        REQUIRE(c.get("/api/auth/me", token).status == 200);  // its session and signature are known from here on
        constexpr auto none = std::numeric_limits<std::uint64_t>::max();
        const auto value = [&](const std::string& name) {  // absent: none
            const auto body = c.get("/metrics").body;
            const auto at = body.find("\n" + name + " ");
            return at == std::string::npos ? none : std::stoull(body.substr(at + name.size() + 2));
        };
        const std::string sessions = "authd_session_view_lookups_total",
                          signatures = "authd_signature_cache_lookups_total";
        const auto hit = [](const std::string& name) { return name + R"({result="hit"})"; };
        const auto miss = [](const std::string& name) { return name + R"({result="miss"})"; };
        const auto session_hits = value(hit(sessions)), session_misses = value(miss(sessions));
        REQUIRE(session_hits != none);
        REQUIRE(session_misses != none);
        const auto signature_hits = value(hit(signatures)), signature_misses = value(miss(signatures));
        CHECK((signature_hits != none) == (alg == "EdDSA"));  // an HMAC is cheaper than a lookup: HS256 has none
        CHECK((signature_misses != none) == (alg == "EdDSA"));

        // Validate answers on the network thread from memory: one lookup each.
        for (int i = 0; i < 3; ++i) REQUIRE(c.get("/api/v1/auth/validate", token).status == 200);
        CHECK(value(hit(sessions)) == session_hits + 3);
        CHECK(value(miss(sessions)) == session_misses);
        if (alg == "EdDSA") {
            CHECK(value(hit(signatures)) == signature_hits + 3);
            CHECK(value(miss(signatures)) == signature_misses);
        }
        // Signed out here: the session leaves the view, and the next check asks the database, which refuses it. The
        // network thread's miss sends the request to the database at once, not to memory again.
        REQUIRE(c.post("/api/auth/logout", "", token).status == 204);
        const auto hits_after_logout = value(hit(sessions)), misses_after_logout = value(miss(sessions));
        CHECK(c.get("/api/auth/me", token).status == 401);
        CHECK(value(hit(sessions)) == hits_after_logout);
        CHECK(value(miss(sessions)) == misses_after_logout + 1);

        // A new session, checked by validate: the database is read once (the fast path's miss is not counted again
        // on the worker), then memory answers.
        const auto again = c.post("/api/auth/login", R"({"email":"ann@example.com","password":"correct-horse"})");
        REQUIRE(again.status == 200);
        const auto second = json_string(again.body, "accessToken");
        const auto hits_before = value(hit(sessions)), misses_before = value(miss(sessions));
        REQUIRE(c.get("/api/v1/auth/validate", second).status == 200);
        CHECK(value(hit(sessions)) == hits_before);
        CHECK(value(miss(sessions)) == misses_before + 1);
        REQUIRE(c.get("/api/v1/auth/validate", second).status == 200);
        CHECK(value(hit(sessions)) == hits_before + 1);
        CHECK(value(miss(sessions)) == misses_before + 1);
    }
}

TEST_CASE("with Redis unreachable the limits count in the process and /health shows the service degraded",
          "[http][ratelimit]") {
    auto cfg = limited(100, 5);
    cfg.redis_url = "redis://127.0.0.1:1";  // nothing listens there
    running_app app(cfg);
    auto c = app.client();
    for (int i = 0; i < 5; ++i) CHECK(c.post("/api/auth/login", wrong_login).status == 401);
    CHECK(c.post("/api/auth/login", wrong_login).status == 429);  // never "no limit at all"
    auto health = c.get("/health");
    CHECK(health.status == 200);
    CHECK(
        health.body ==
        R"({"status":"degraded","checks":{"database":"ok","redis":"unavailable"},"delivery":{"email":{"channel":"console","backlog":0},"sms":{"channel":"console","backlog":0}}})");
}
