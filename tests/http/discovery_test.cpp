// The discovery document and token introspection (RFC 7662) over real sockets, on every backend: what a downstream
// service reads to verify tokens on its own, and the answer it gets when it asks authd instead (a logout counts at
// once; anything but a live access token is just {"active":false}).
#include <chrono>
#include <future>

#include "adapters/storage/soci_store.hpp"
#include "core/common/encoding.hpp"
#include "tests/http/app_fixture.hpp"
#include "tests/support/set_on_exit.hpp"

using namespace authd;
using namespace authd::test;
using namespace std::chrono_literals;

namespace {
bool has(const std::string& body, const std::string& part) { return body.find(part) != std::string::npos; }

const std::string gateway_secret = "gateway-secret+0123456789/abcdefghij";  // '+': see the Basic test

app::config introspecting_config() {
    auto c = test_config();
    c.app_url = "https://auth.example.com";
    c.introspection_clients = {{"gateway", gateway_secret}, {"billing", "billing-secret-0123456789-abcdefghij"}};
    return c;
}

std::vector<std::pair<std::string, std::string>> form_headers(std::string basic = {}) {
    std::vector<std::pair<std::string, std::string>> h{{"Content-Type", "application/x-www-form-urlencoded"}};
    if (!basic.empty()) h.emplace_back("Authorization", "Basic " + basic);
    return h;
}

/// HTTP Basic credentials: standard base64 (with padding) of "id:secret".
std::string basic(const std::string& id, const std::string& secret) {
    auto b = base64url_encode(id + ":" + secret);
    for (char& c : b) c = c == '-' ? '+' : c == '_' ? '/' : c;
    while (b.size() % 4 != 0) b += '=';
    return b;
}

http_reply introspect(api& c, const std::string& token, const std::string& credentials) {
    return c.call("POST", "/oauth2/introspect", "token=" + token + "&token_type_hint=access_token",
                  form_headers(credentials));
}
}  // namespace

TEST_CASE("the discovery document names the issuer, the key set, the algorithm and the introspection endpoint",
          "[http][keys][discovery]") {
    running_app t(introspecting_config());
    auto c = t.client();
    for (const auto* path : {"/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"}) {
        auto d = c.get(path);
        REQUIRE(d.status == 200);
        CHECK(json_string(d.body, "issuer") == "authd");
        CHECK(json_string(d.body, "jwks_uri") == "https://auth.example.com/.well-known/jwks.json");
        CHECK(json_string(d.body, "introspection_endpoint") == "https://auth.example.com/oauth2/introspect");
        CHECK(has(d.body, R"("access_token_signing_alg_values_supported":["HS256"])"));
        CHECK(has(d.body,
                  R"("introspection_endpoint_auth_methods_supported":["client_secret_basic","client_secret_post"])"));
        // Nothing authd does not do.
        CHECK_FALSE(has(d.body, "authorization_endpoint"));
        CHECK_FALSE(has(d.body, "token_endpoint\""));
        CHECK_FALSE(has(d.body, "id_token"));
        CHECK(d.header("Cache-Control") == std::optional<std::string>("public, max-age=300"));
    }
}

TEST_CASE(
    "without introspection clients the document has no introspection endpoint, and without APP_URL it is "
    "built from the Host and never cached",
    "[http][keys][discovery]") {
    auto cfg = test_config();
    cfg.jwt_algorithm = "EdDSA";
    running_app t(cfg);
    auto c = t.client();
    auto d = c.get("/.well-known/openid-configuration");
    REQUIRE(d.status == 200);
    CHECK(json_string(d.body, "jwks_uri") ==
          "http://127.0.0.1:" + std::to_string(t.app->port()) + "/.well-known/jwks.json");
    CHECK(has(d.body, R"("access_token_signing_alg_values_supported":["EdDSA"])"));
    CHECK_FALSE(has(d.body, "introspection"));
    CHECK(d.header("Cache-Control") == std::optional<std::string>("no-store"));
    CHECK(c.call("GET", "/.well-known/openid-configuration", {}, {{"Host", "evil.example/<script>"}}).status == 400);
    // Not a host name with an optional port: no URL is built from it.
    for (const auto* bad : {":80", "[::1", "x:", "127.0.0.1:99999", "127.0.0.1:0", "a:b:c", "[::1]x",
                            "[::1]:", "[not-v6]:80", "host:+80", "[::1]:123456"}) {
        INFO(bad);
        CHECK(c.call("GET", "/.well-known/openid-configuration", {}, {{"Host", bad}}).status == 400);
    }
    for (const auto* good : {"auth.example.com", "auth.example.com:8443", "127.0.0.1:65535", "[::1]", "[::1]:80"}) {
        INFO(good);
        const auto ok = c.call("GET", "/.well-known/openid-configuration", {}, {{"Host", good}});
        CHECK(ok.status == 200);
        CHECK(json_string(ok.body, "jwks_uri") == "http://" + std::string(good) + "/.well-known/jwks.json");
    }

    // An absolute-form target (what a client sends to a proxy) names the host itself, over any Host header.
    const auto port = t.app->port();
    const auto absolute = authd::test::raw_exchange(port,
                                                    "GET http://auth.example:8443/.well-known/openid-configuration "
                                                    "HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
                                                    5s);
    CHECK(absolute.starts_with("HTTP/1.1 200 "));
    CHECK(has(absolute, R"("jwks_uri":"http://auth.example:8443/.well-known/jwks.json")"));
    CHECK_FALSE(has(absolute, "evil.example"));
    // With userinfo it names nothing a server may trust: no route has it.
    CHECK(authd::test::raw_exchange(port,
                                    "GET http://user@auth.example/.well-known/openid-configuration HTTP/1.1\r\n"
                                    "Host: auth.example\r\nConnection: close\r\n\r\n",
                                    5s)
              .starts_with("HTTP/1.1 404 "));

    // No client can authenticate: introspection refuses everyone.
    const auto token = sign_in_with_roles(c, t, "ann@example.com", {"customer"});
    CHECK(introspect(c, token, basic("gateway", gateway_secret)).status == 401);
}

TEST_CASE("introspection answers a live access token with its claims, and active false once its session ends",
          "[http][keys][introspection]") {
    running_app t(introspecting_config());
    auto c = t.client();
    const auto token = sign_in_with_roles(c, t, "ann@example.com", {"admin", "customer"});
    const auto me = c.get("/api/auth/me", token);
    REQUIRE(me.status == 200);

    auto r = introspect(c, token, basic("gateway", gateway_secret));
    REQUIRE(r.status == 200);
    CHECK(has(r.body, R"("active":true)"));
    std::string id;
    t.app->store().read([&](repositories& repos) { id = repos.users.find_by_email("ann@example.com")->id; });
    CHECK(json_string(r.body, "sub") == id);
    CHECK(json_string(r.body, "token_type") == "Bearer");
    CHECK(json_string(r.body, "principal_type") == "user");
    CHECK(json_string(r.body, "scope") == "admin customer");
    CHECK(has(r.body, R"("roles":["admin","customer"])"));
    CHECK(json_string(r.body, "iss") == "authd");
    CHECK_FALSE(json_string(r.body, "sid").empty());
    const auto now = t.clock.now().time_since_epoch().count();
    CHECK(has(r.body, "\"iat\":" + std::to_string(now)));
    CHECK(has(r.body, "\"exp\":" + std::to_string(now + 15 * 60)));
    CHECK(r.header("Cache-Control") == std::optional<std::string>("no-store"));

    // Basic as curl -u sends it (not form-encoded): the secret's '+' is taken as it is, as well as form-encoded.
    CHECK(has(introspect(c, token, basic("gateway", "gateway-secret%2B0123456789%2Fabcdefghij")).body,
              R"("active":true)"));

    // client_secret_post works as well as Basic.
    auto posted = c.call("POST", "/oauth2/introspect",
                         "token=" + token + "&client_id=billing&client_secret=billing-secret-0123456789-abcdefghij",
                         form_headers());
    REQUIRE(posted.status == 200);
    CHECK(has(posted.body, R"("active":true)"));

    // A form larger than the network thread reads (8 KiB) is read by a worker, with the same answer.
    auto padded = c.call("POST", "/oauth2/introspect", "token=" + token + "&padding=" + std::string(9000, 'x'),
                         form_headers(basic("gateway", gateway_secret)));
    CHECK(has(padded.body, R"("active":true)"));

    REQUIRE(c.post("/api/auth/logout", "", token).status == 204);
    auto after = introspect(c, token, basic("gateway", gateway_secret));
    REQUIRE(after.status == 200);
    CHECK(after.body == R"({"active":false})");
}

TEST_CASE("introspection says only active false for anything but a live access token", "[http][keys][introspection]") {
    running_app t(introspecting_config());
    auto c = t.client();
    auto login_user = [&] {
        sign_in_with_roles(c, t, "bob@example.com", {"customer"});
        return c.post("/api/auth/login", R"({"email":"bob@example.com","password":"correct-horse"})");
    };
    const auto login = login_user();
    REQUIRE(login.status == 200);
    const auto access = json_string(login.body, "accessToken");
    const auto refresh = json_string(login.body, "refreshToken");
    const auto credentials = basic("gateway", gateway_secret);

    std::string tampered = access;
    tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
    for (const auto& token : {refresh, tampered, std::string("not-a-token"), std::string(5000, 'x')}) {
        auto r = introspect(c, token, credentials);
        REQUIRE(r.status == 200);
        CHECK(r.body == R"({"active":false})");
    }
    // Hostile bytes in the form: a NUL, bytes that are not UTF-8, a token cut at a NUL.
    for (const auto* token : {"%00", "%FF%FE%00abc", "a%00b.c.d"}) {
        CAPTURE(token);
        auto r = c.call("POST", "/oauth2/introspect", std::string("token=") + token, form_headers(credentials));
        REQUIRE(r.status == 200);
        CHECK(r.body == R"({"active":false})");
    }
    CHECK(c.call("POST", "/oauth2/introspect", "token=" + access.substr(0, 20) + "%00" + access.substr(20),
                 form_headers(credentials))
              .body == R"({"active":false})");
    for (const auto* form :
         {"token=x&client_id=gateway%00&client_secret=x", "token=x&client_id=%FF&client_secret=%FF%00"})
        CHECK(c.call("POST", "/oauth2/introspect", form, form_headers()).status == 401);

    // Expired: the clock moves past the token's 15 minutes.
    t.clock.advance(std::chrono::minutes{16});
    CHECK(introspect(c, access, credentials).body == R"({"active":false})");
}

TEST_CASE("introspection refuses a caller without valid client credentials and a request without a token",
          "[http][keys][introspection]") {
    running_app t(introspecting_config());
    auto c = t.client();
    const auto token = sign_in_with_roles(c, t, "cy@example.com", {"customer"});

    for (const auto& credentials :
         {std::string{}, basic("gateway", "wrong-secret-0123456789-abcdefghijkl"), basic("nobody", gateway_secret),
          basic("gateway", ""), std::string("not base64!"), std::string("Z2F0ZXdheQ==")}) {
        auto r = introspect(c, token, credentials);
        CHECK(r.status == 401);
        CHECK(json_string(r.body, "error") == "invalid_client");
        CHECK(r.header("WWW-Authenticate") == std::optional<std::string>("Basic realm=\"authd\""));
        CHECK_FALSE(has(r.body, "active"));
    }
    // A bearer token is not client authentication.
    CHECK(c.call("POST", "/oauth2/introspect", "token=" + token,
                 {{"Content-Type", "application/x-www-form-urlencoded"}, {"Authorization", "Bearer " + token}})
              .status == 401);
    // Two ways of authenticating at once.
    CHECK(c.call("POST", "/oauth2/introspect", "token=" + token + "&client_id=gateway&client_secret=" + gateway_secret,
                 form_headers(basic("gateway", gateway_secret)))
              .status == 401);

    auto missing = c.call("POST", "/oauth2/introspect", "token_type_hint=access_token",
                          form_headers(basic("gateway", gateway_secret)));
    CHECK(missing.status == 400);
    CHECK(json_string(missing.body, "error") == "invalid_request");
    CHECK(c.call("POST", "/oauth2/introspect", R"({"token":")" + token + "\"}",
                 {{"Content-Type", "application/json"}, {"Authorization", "Basic " + basic("gateway", gateway_secret)}})
              .status == 415);
    CHECK(c.get("/oauth2/introspect").status == 405);
}

TEST_CASE("introspection forms of hostile bytes, and at and past the 8 KiB the network thread reads, get 4xx or 200",
          "[http][keys][introspection]") {
    running_app t(introspecting_config());
    auto c = t.client();
    const auto token = sign_in_with_roles(c, t, "hu@example.com", {"customer"});
    const auto gateway = form_headers(basic("gateway", gateway_secret));
    // A NUL, bytes that are not UTF-8, a broken escape and a lone '%' in the token: no live token, nothing else.
    for (const auto& bad : {token + std::string(1, '\0'), std::string("\xff\xfe\xc3\x28"), std::string("%zz%4"),
                            std::string("%"), std::string(4000, '%')}) {
        auto r = c.call("POST", "/oauth2/introspect", "token=" + bad, gateway);
        CHECK(r.status == 200);
        CHECK(r.body == R"({"active":false})");
    }
    // The same bytes as client credentials: refused, never a 500.
    for (const auto& bad :
         {std::string(1, '\0'), std::string("\xff\xfe"), std::string("%zz"), std::string(3000, '&')}) {
        auto r = c.call("POST", "/oauth2/introspect",
                        "token=" + token + "&client_id=gateway" + bad + "&client_secret=" + gateway_secret + bad,
                        form_headers());
        CHECK(r.status == 401);
    }
    // A form of exactly 8 KiB is read on the network thread, one byte more by a worker: the same answer.
    for (const std::size_t size : {std::size_t{8 * 1024}, std::size_t{8 * 1024 + 1}}) {
        auto body = "token=" + token + "&padding=";
        body += std::string(size - body.size(), 'x');
        REQUIRE(body.size() == size);
        CHECK(has(c.call("POST", "/oauth2/introspect", body, gateway).body, R"("active":true)"));
    }
}

TEST_CASE("introspection answers an unknown caller and a token the session view knows while the only worker is busy",
          "[http][keys][introspection]") {
    auto cfg = introspecting_config();
    cfg.worker_threads = 1;
    cfg.session_recheck_ms = 60000;  // the session view trusts what it read for the whole test, however slow
    running_app t(cfg);
    auto c = t.client();
    const auto token = sign_in_with_roles(c, t, "bo@example.com", {"customer"});
    auto known = introspect(c, token, basic("gateway", gateway_secret));  // the session view has the session now
    REQUIRE(has(known.body, R"("active":true)"));
    const auto sid = json_string(known.body, "sid");
    // Connections opened first (http_client, not api: a Catch2 check is no thread's but the test's own).
    http_client for_logout(t.app->port()), for_unknown(t.app->port()), for_live(t.app->port());
    for (auto* h : {&for_logout, &for_unknown, &for_live}) REQUIRE(h->request("GET", "/health/live").status == 200);

    // The only worker stuck: a logout waits for the session's row, which a write held open here has locked.
    std::promise<void> locked, release;
    std::future<void> holder;
    std::future<http_reply> logout, unknown, live;
    const set_on_exit lets_holder_commit(release);  // after the futures: it lets the holder go before they join
    holder = std::async(std::launch::async, [&] {
        t.app->store().write([&](repositories& r) {
            const auto s = r.sessions.find(sid);
            r.sessions.touch(sid, s->last_used_at, s->expires_at);
            locked.set_value();
            release.get_future().wait();
        });
    });
    CHECK(locked.get_future().wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    logout = std::async(std::launch::async,
                        [&] { return for_logout.request("POST", "/api/auth/logout", "", api::bearer(token)); });
    // Only once the logout holds the worker does an answer below prove that it needed none.
    if (t.database.backend() == "sqlite") {
        auto* sqlite = dynamic_cast<storage::soci_store*>(&t.app->store());
        const auto bound = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (sqlite->queued_writes() == 0 && std::chrono::steady_clock::now() < bound) std::this_thread::yield();
        REQUIRE(sqlite->queued_writes() == 1);  // behind the held write, in the process's queue of SQLite writers
    } else {
        REQUIRE(t.database.a_statement_waits());  // for the session's row lock
    }

    // Callers that are no client must not queue behind it (a flood of them would hold every worker), and a gateway's
    // check of a live token needs no worker either: both are answered on the network thread.
    const auto form = "token=" + token;
    unknown = std::async(std::launch::async, [&] {
        return for_unknown.request("POST", "/oauth2/introspect", form,
                                   form_headers(basic("gateway", "wrong-secret-0123456789-abcdefghijkl")));
    });
    live = std::async(std::launch::async, [&] {
        return for_live.request("POST", "/oauth2/introspect", form, form_headers(basic("gateway", gateway_secret)));
    });
    const bool unknown_answered = unknown.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
    const bool live_answered = live.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
    CHECK(unknown_answered);
    CHECK(live_answered);
    release.set_value();
    holder.get();
    CHECK(unknown.get().status == 401);
    CHECK(has(live.get().body, R"("active":true)"));  // answered while the logout was still waiting
    CHECK(logout.get().status == 204);
    CHECK(introspect(c, token, basic("gateway", gateway_secret)).body == R"({"active":false})");
}

TEST_CASE("introspection of an EdDSA token names the audience when JWT_AUDIENCE is set",
          "[http][keys][introspection]") {
    auto cfg = introspecting_config();
    cfg.jwt_algorithm = "EdDSA";
    cfg.jwt_audience = "https://api.example.com";
    running_app t(cfg);
    auto c = t.client();
    const auto token = sign_in_with_roles(c, t, "dee@example.com", {"customer"});
    auto r = introspect(c, token, basic("gateway", gateway_secret));
    REQUIRE(r.status == 200);
    CHECK(has(r.body, R"("active":true)"));
    CHECK(json_string(r.body, "aud") == "https://api.example.com");
    CHECK(has(c.get("/.well-known/openid-configuration").body, R"(["EdDSA"])"));
}
