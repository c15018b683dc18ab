// /api/auth/mfa/* and the second step of /api/auth/login over real sockets (API.md "Users",
// TOTP). The authenticator app is oathtool, an independent TOTP implementation, run at the
// fake clock's time.
#include "tests/http/app_fixture.hpp"

#include <array>
#include <cstdio>

using namespace authd;
using namespace authd::test;
using namespace std::chrono_literals;

namespace {
const std::string ana = R"({"email":"ana@example.com","password":"correct-horse","name":"Ana"})";
const std::string ana_login = R"({"email":"ana@example.com","password":"correct-horse"})";

bool has(const std::string& body, const std::string& text) { return body.find(text) != std::string::npos; }

/// What oathtool computes for the base32 secret at the app's clock, `steps` periods away.
std::string oathtool_code(running_app& app, const std::string& secret, int steps = 0) {
    const auto unix_time = app.clock.now().time_since_epoch().count() + 30LL * steps;
    const auto command = "oathtool --totp -b -N @" + std::to_string(unix_time) + " " + secret;
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    REQUIRE(pipe);
    std::array<char, 32> line{};
    REQUIRE(fgets(line.data(), static_cast<int>(line.size()), pipe.get()));
    return std::string(line.data(), 6);
}

std::string login_with(const std::string& extra) {
    return R"({"email":"ana@example.com","password":"correct-horse")" + extra + "}";
}

struct enrolled {
    std::string access;
    std::string secret;
    std::vector<std::string> recovery;
};

/// Registers Ana, signs in, sets TOTP up and verifies it; the clock then moves a step on.
enrolled enrol(running_app& app, api& c) {
    REQUIRE(c.post("/api/auth/register", ana).status == 201);
    auto login = c.post("/api/auth/login", ana_login);
    REQUIRE(login.status == 200);
    enrolled e;
    e.access = json_string(login.body, "accessToken");
    auto setup = c.post("/api/auth/mfa/setup", "", e.access);
    REQUIRE(setup.status == 200);
    e.secret = json_string(setup.body, "secret");
    auto verify = c.post("/api/auth/mfa/verify", R"({"code":")" + oathtool_code(app, e.secret) + R"("})", e.access);
    REQUIRE(verify.status == 200);
    const auto list = verify.body.substr(verify.body.find('['));
    for (std::size_t at = list.find('"'); at != std::string::npos; at = list.find('"', list.find('"', at + 1) + 1))
        e.recovery.push_back(list.substr(at + 1, list.find('"', at + 1) - at - 1));
    app.clock.advance(30s);
    return e;
}
}  // namespace

TEST_CASE("mfa/setup answers a base32 secret and an otpauth URI, and 401 without a token, and 409 once on",
          "[http][mfa]") {
    running_app app;
    auto c = app.client();
    CHECK(c.post("/api/auth/mfa/setup", "").status == 401);
    REQUIRE(c.post("/api/auth/register", ana).status == 201);
    const auto access = json_string(c.post("/api/auth/login", ana_login).body, "accessToken");
    auto setup = c.post("/api/auth/mfa/setup", "", access);
    REQUIRE(setup.status == 200);
    const auto secret = json_string(setup.body, "secret");
    CHECK(secret.size() == 32);
    CHECK(json_string(setup.body, "otpauthUri") == "otpauth://totp/authd:ana%40example.com?secret=" + secret +
                                                       "&issuer=authd&algorithm=SHA1&digits=6&period=30");
    CHECK(setup.header("Cache-Control") == "no-store");
    // At rest the seed is sealed: neither its base32 nor anything readable is stored.
    app.app->store().read([&](repositories& r) {
        const auto u = r.users.find_by_email("ana@example.com");
        REQUIRE(u->totp_secret);
        CHECK(u->totp_secret->rfind("v3.", 0) == 0);
        CHECK(u->totp_secret->find(secret) == std::string::npos);
    });
    REQUIRE(c.post("/api/auth/mfa/verify", R"({"code":")" + oathtool_code(app, secret) + R"("})", access).status ==
            200);
    auto again = c.post("/api/auth/mfa/setup", "", access);
    CHECK(again.status == 409);
    CHECK(json_string(again.body, "code") == "mfa_already_enabled");
}

TEST_CASE("mfa/verify: 409 before setup, 400 invalid_totp for a wrong code, 200 with ten recovery codes",
          "[http][mfa]") {
    running_app app;
    auto c = app.client();
    REQUIRE(c.post("/api/auth/register", ana).status == 201);
    const auto access = json_string(c.post("/api/auth/login", ana_login).body, "accessToken");
    auto early = c.post("/api/auth/mfa/verify", R"({"code":"123456"})", access);
    CHECK(early.status == 409);
    CHECK(json_string(early.body, "code") == "mfa_not_set_up");
    const auto secret = json_string(c.post("/api/auth/mfa/setup", "", access).body, "secret");
    const auto right = oathtool_code(app, secret);
    auto wrong = c.post("/api/auth/mfa/verify",
                        R"({"code":")" + std::string(right == "000000" ? "111111" : "000000") + R"("})", access);
    CHECK(wrong.status == 400);
    CHECK(json_string(wrong.body, "code") == "invalid_totp");
    CHECK(c.post("/api/auth/mfa/verify", "{}", access).status == 400);
    auto ok = c.post("/api/auth/mfa/verify", R"({"code":")" + right + R"("})", access);
    REQUIRE(ok.status == 200);
    CHECK(has(ok.body, R"("mfaEnabled":true)"));
    CHECK(std::count(ok.body.begin(), ok.body.end(), '-') == 50);  // ten "xxxx-xxxx-xxxx-xxxx-xxxx-xxxx" codes
    auto me = c.get("/api/auth/me", access);
    CHECK(has(me.body, R"("mfaEnabled":true)"));
}

TEST_CASE("with TOTP on, login is 401 mfa_required with an mfaToken unless a valid totpCode comes", "[http][mfa]") {
    running_app app;
    auto c = app.client();
    const auto e = enrol(app, c);
    auto first = c.post("/api/auth/login", ana_login);
    REQUIRE(first.status == 401);
    CHECK(json_string(first.body, "code") == "mfa_required");
    CHECK(json_string(first.body, "deliveryMethod") == "totp");
    CHECK(first.header("WWW-Authenticate") == "Bearer");
    const auto mfa_token = json_string(first.body, "mfaToken");
    CHECK(mfa_token.size() == 43);
    CHECK(c.get("/api/auth/me", mfa_token).status == 401);  // never a bearer token

    const auto code = oathtool_code(app, e.secret);
    auto one_step = c.post("/api/auth/login", login_with(R"(,"totpCode":")" + code + R"(")"));
    REQUIRE(one_step.status == 200);
    CHECK(json_string(one_step.body, "accessToken").size() > 20);
    // The same code again is a replay: refused.
    auto replay = c.post("/api/auth/login", login_with(R"(,"totpCode":")" + code + R"(")"));
    CHECK(replay.status == 401);
    CHECK(json_string(replay.body, "code") == "mfa_required");
    // The completed login ended the challenge that was still open.
    auto ended = c.post("/api/v1/auth/verify_mfa",
                        R"({"mfa_token":")" + mfa_token + R"(","code":")" + oathtool_code(app, e.secret, 1) + R"("})");
    CHECK(ended.status == 401);
    CHECK(json_string(ended.body, "code") == "mfa_expired");
    // The two-step flow, with the challenge the replay opened and the next step's code.
    app.clock.advance(30s);
    auto two_step = c.post("/api/v1/auth/verify_mfa", R"({"mfa_token":")" + json_string(replay.body, "mfaToken") +
                                                          R"(","code":")" + oathtool_code(app, e.secret) + R"("})");
    INFO(two_step.body);
    REQUIRE(two_step.status == 200);
    CHECK(c.get("/api/auth/me", json_string(two_step.body, "access_token")).status == 200);
}

TEST_CASE("a recovery code finishes a login once", "[http][mfa]") {
    running_app app;
    auto c = app.client();
    const auto e = enrol(app, c);
    REQUIRE(e.recovery.size() == 10);
    auto with_recovery = c.post("/api/auth/login", login_with(R"(,"totpCode":")" + e.recovery[0] + R"(")"));
    CHECK(with_recovery.status == 200);
    auto reused = c.post("/api/auth/login", login_with(R"(,"totpCode":")" + e.recovery[0] + R"(")"));
    CHECK(reused.status == 401);
    const auto token = json_string(reused.body, "mfaToken");
    auto second =
        c.post("/api/v1/auth/verify_mfa", R"({"mfa_token":")" + token + R"(","code":")" + e.recovery[1] + R"("})");
    CHECK(second.status == 200);
}

TEST_CASE("five wrong totpCodes in a row lock the account", "[http][mfa][lockout]") {
    running_app app;
    auto c = app.client();
    enrol(app, c);
    for (int i = 0; i < 4; ++i)
        CHECK(c.post("/api/auth/login", login_with(R"(,"totpCode":"zzzzz-zzzzz")")).status == 401);
    auto locked = c.post("/api/auth/login", login_with(R"(,"totpCode":"zzzzz-zzzzz")"));
    CHECK(locked.status == 403);
    CHECK(json_string(locked.body, "code") == "account_locked");
    CHECK(locked.header("Retry-After") == "900");
}

TEST_CASE("mfa/disable needs the password and a code: 400, 401, then 200 and login needs no code", "[http][mfa]") {
    running_app app;
    auto c = app.client();
    const auto e = enrol(app, c);
    CHECK(c.post("/api/auth/mfa/disable", "{}", e.access).status == 400);
    CHECK(c.post("/api/auth/mfa/disable", R"({"password":"correct-horse","code":"1"})").status == 401);
    auto wrong_password = c.post("/api/auth/mfa/disable",
                                 R"({"password":"wrong-horse","code":")" + oathtool_code(app, e.secret) + R"("})",
                                 e.access);
    CHECK(wrong_password.status == 401);
    CHECK(json_string(wrong_password.body, "code") == "invalid_credentials");
    auto wrong_code = c.post("/api/auth/mfa/disable", R"({"password":"correct-horse","code":"zzzzz-zzzzz"})", e.access);
    CHECK(wrong_code.status == 400);
    CHECK(json_string(wrong_code.body, "code") == "invalid_totp");
    auto off = c.post("/api/auth/mfa/disable",
                      R"({"password":"correct-horse","code":")" + oathtool_code(app, e.secret) + R"("})", e.access);
    REQUIRE(off.status == 200);
    CHECK(has(off.body, R"("mfaEnabled":false)"));
    CHECK(c.post("/api/auth/login", ana_login).status == 200);
    auto again = c.post("/api/auth/mfa/disable", R"({"password":"correct-horse","code":"123456"})", e.access);
    CHECK(again.status == 409);
    CHECK(json_string(again.body, "code") == "mfa_not_enabled");
}

TEST_CASE("a token from a sign-in past the reauthentication window turns TOTP on only with the password",
          "[http][mfa]") {
    running_app app;
    auto c = app.client();
    REQUIRE(c.post("/api/auth/register", ana).status == 201);
    const auto access = json_string(c.post("/api/auth/login", ana_login).body, "accessToken");
    const auto secret = json_string(c.post("/api/auth/mfa/setup", "", access).body, "secret");
    app.clock.advance(10min + 1s);  // the access token still works (15 minutes), the sign-in is not recent any more

    auto stale = c.post("/api/auth/mfa/verify", R"({"code":")" + oathtool_code(app, secret) + R"("})", access);
    CHECK(stale.status == 403);
    CHECK(json_string(stale.body, "code") == "reauthentication_required");
    auto wrong = c.post("/api/auth/mfa/verify",
                        R"({"code":")" + oathtool_code(app, secret) + R"(","password":"wrong-horse"})", access);
    CHECK(wrong.status == 401);
    auto ok = c.post("/api/auth/mfa/verify",
                     R"({"code":")" + oathtool_code(app, secret) + R"(","password":"correct-horse"})", access);
    CHECK(ok.status == 200);
    CHECK(has(ok.body, R"("mfaEnabled":true)"));
}

TEST_CASE("a login waiting for its second factor is void once its account's sessions end", "[http][mfa]") {
    running_app app;
    auto c = app.client();
    const auto e = enrol(app, c);
    const auto admin = sign_in_with_roles(c, app, "root@example.com", {"admin"});
    const auto ana_id = user_id_of(app, "ana@example.com");
    auto first = c.post("/api/auth/login", ana_login);
    REQUIRE(json_string(first.body, "code") == "mfa_required");
    const auto mfa_token = json_string(first.body, "mfaToken");

    const auto ending = GENERATE(as<std::string>{}, "nothing", "logout-all", "password change", "password reset",
                                 "admin revoke", "admin disable and enable");
    INFO(ending);
    const auto as_admin = api::bearer(admin);
    if (ending == "logout-all") {
        REQUIRE(c.post("/api/auth/logout-all", "", e.access).status == 204);
    } else if (ending == "password change") {
        REQUIRE(c.post("/api/auth/password/change",
                       R"({"currentPassword":"correct-horse","newPassword":"new-horse-battery"})", e.access)
                    .status == 204);
    } else if (ending == "password reset") {
        REQUIRE(c.post("/api/auth/password/forgot", R"({"email":"ana@example.com"})").status == 202);
        REQUIRE(c.post("/api/auth/password/reset",
                       R"({"token":")" + reset_token_mailed(c) + R"(","password":"new-horse-battery"})")
                    .status == 204);
    } else if (ending == "admin revoke") {
        REQUIRE(c.call("POST", "/api/admin/users/" + ana_id + "/sessions/revoke", "", as_admin).status == 204);
    } else if (ending == "admin disable and enable") {
        REQUIRE(c.call("PATCH", "/api/admin/users/" + ana_id, R"({"isActive":false})", as_admin).status == 200);
        REQUIRE(c.call("PATCH", "/api/admin/users/" + ana_id, R"({"isActive":true})", as_admin).status == 200);
    }

    auto second = c.post("/api/v1/auth/verify_mfa",
                         R"({"mfa_token":")" + mfa_token + R"(","code":")" + oathtool_code(app, e.secret) + R"("})");
    if (ending == "nothing") {
        CHECK(second.status == 200);
    } else {
        CHECK(second.status == 401);
        CHECK(json_string(second.body, "code") == "mfa_expired");
    }
}
