// GET|POST /api/v1/auth/validate, for other services and nginx auth_request.
#include "tests/http/app_fixture.hpp"

#include "core/common/encoding.hpp"

using namespace authd;
using namespace authd::test;
using namespace std::chrono_literals;

namespace {
std::string signed_in_token(api& c) {
    REQUIRE(
        c.post("/api/auth/register", R"({"email":"ana@example.com","password":"correct-horse","name":"Ana"})").status ==
        201);
    auto r = c.post("/api/auth/login", R"({"email":"ana@example.com","password":"correct-horse"})");
    REQUIRE(r.status == 200);
    return json_string(r.body, "accessToken");
}
}  // namespace

TEST_CASE("validate with a bearer header answers the subject, type, roles and X-Auth headers", "[http][validate]") {
    running_app app;
    auto c = app.client();
    const auto token = signed_in_token(c);
    auto r = c.get("/api/v1/auth/validate", token);
    REQUIRE(r.status == 200);
    CHECK(r.body.find(R"("valid":true)") != std::string::npos);
    CHECK(json_string(r.body, "principal_type") == "user");
    CHECK(json_string(r.body, "sub").size() == 36);
    CHECK(json_string(r.body, "session_id").size() == 36);
    CHECK(json_string(r.body, "expires_at") == "2026-11-22T00:15:00Z");
    CHECK(r.header("X-Auth-Subject") == json_string(r.body, "sub"));
    CHECK(r.header("X-Auth-Principal-Type") == "user");
    CHECK(r.header("X-Auth-Roles") == "customer");
}

TEST_CASE("validate accepts the token in a POST body too", "[http][validate]") {
    running_app app;
    auto c = app.client();
    const auto token = signed_in_token(c);
    auto r = c.post("/api/v1/auth/validate", R"({"token":")" + token + "\"}");
    CHECK(r.status == 200);
    CHECK(c.post("/api/v1/auth/validate", "", token).status == 200);
}

TEST_CASE("validate answers 401 with valid:false for a missing, forged, expired or unsigned token",
          "[http][validate]") {
    running_app app;
    auto c = app.client();
    const auto token = signed_in_token(c);

    auto missing = c.get("/api/v1/auth/validate");
    CHECK(missing.status == 401);
    CHECK(missing.body.find(R"("valid":false)") != std::string::npos);
    CHECK(missing.header("WWW-Authenticate") == "Bearer");

    auto forged = token.substr(0, token.size() - 2) + (token.back() == 'A' ? "BB" : "AA");
    CHECK(c.get("/api/v1/auth/validate", forged).status == 401);

    // alg "none" with the real claims and no signature.
    const auto payload = token.substr(token.find('.') + 1, token.rfind('.') - token.find('.') - 1);
    const auto unsigned_token =
        base64url_encode(std::string_view(R"({"alg":"none","typ":"JWT"})")) + "." + payload + ".";
    CHECK(c.get("/api/v1/auth/validate", unsigned_token).status == 401);

    CHECK(c.post("/api/v1/auth/validate", R"({"token":"nope"})").status == 401);
    CHECK(c.post("/api/v1/auth/validate", R"({"token":5})").status == 400);

    app.clock.advance(15min);
    auto expired = c.get("/api/v1/auth/validate", token);
    CHECK(expired.status == 401);
    CHECK(json_string(expired.body, "code") == "invalid_token");
}

TEST_CASE("a refresh token is never accepted as a bearer token", "[http][validate]") {
    running_app app;
    auto c = app.client();
    signed_in_token(c);
    auto r = c.post("/api/auth/login", R"({"email":"ana@example.com","password":"correct-horse"})");
    CHECK(c.get("/api/v1/auth/validate", json_string(r.body, "refreshToken")).status == 401);
}
