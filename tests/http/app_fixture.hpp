#pragma once
// Starts the real application (every adapter, SQLite in memory) on an
// ephemeral port, with a fake clock that tests move instead of sleeping.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "app/composition_root.hpp"
#include "tests/support/exchange_log.hpp"
#include "tests/support/fakes.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/scratch_database.hpp"

namespace authd::test {

inline app::config test_config() {
    app::config c;
    c.host = "127.0.0.1";
    c.port = 0;
    c.database_url = "sqlite:///:memory:";
    c.development = true;
    c.jwt_secret = "test-secret-that-is-at-least-32-bytes-long";
    c.db_encryption_key = "test-encryption-key-at-least-32-bytes!!";
    c.access_log = false;
    c.hashing_threads = 2;
    c.worker_threads = 4;
    c.outbox_relay_interval_ms = 0;  // tests relay the outbox themselves, when they mean to
    c.delivery_interval_ms = 0;      // and deliver messages themselves, before they read them (api::call)
    c.cleanup_interval_minutes = 0;  // and clean up only when a test asks
    // Tests sign in far more than 5 times a minute from 127.0.0.1: the limits are off unless a test turns them on.
    c.rate_limit_per_minute = 0;
    c.auth_rate_limit_per_minute = 0;
    return c;
}

/// An HTTP client that also holds the suite to two rules: no request ever gets a 500, and every exchange is
/// logged for the check against docs/openapi.json (tests/http/openapi_check.mjs).
class api {
public:
    /// `deliver`: runs before a read of /api/v1/dev/messages, so that what the requests before it queued is there.
    explicit api(unsigned short port, std::function<void()> deliver = {})
        : client_(port), deliver_(std::move(deliver)) {}
    http_reply call(const std::string& method, const std::string& target, const std::string& body = {},
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
        auto sent = headers;
        const bool typed = std::any_of(sent.begin(), sent.end(), [](const auto& h) {
            return std::equal(h.first.begin(), h.first.end(), std::string_view("content-type").begin(),
                              std::string_view("content-type").end(),
                              [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
        });
        if (!body.empty() && !typed) sent.emplace_back("Content-Type", "application/json");  // as http_client adds it
        if (deliver_ && target.rfind("/api/v1/dev/messages", 0) == 0) deliver_();
        auto reply = client_.request(method, target, body, std::move(headers));
        CHECK(reply.status != 500);
        log_exchange(method, target, sent, body, reply);
        return reply;
    }
    http_reply get(const std::string& target, const std::string& token = {}) {
        return call("GET", target, {}, bearer(token));
    }
    http_reply post(const std::string& target, const std::string& body, const std::string& token = {}) {
        return call("POST", target, body, bearer(token));
    }
    static std::vector<std::pair<std::string, std::string>> bearer(const std::string& token) {
        if (token.empty()) return {};
        return {{"Authorization", "Bearer " + token}};
    }

private:
    http_client client_;
    std::function<void()> deliver_;
};

struct running_app {
    fake_clock clock;
    scratch_database database;  ///< the backend of this test run (AUTHD_TEST_BACKEND)
    std::unique_ptr<app::application> app;

    /// A config that keeps test_config()'s in-memory SQLite runs on the test run's backend instead.
    explicit running_app(app::config c = test_config()) {
        if (c.database_url == test_config().database_url) c.database_url = database.url();
        app = std::make_unique<app::application>(c, &clock);
        app->start();
    }
    api client() const {
        return api(app->port(), [a = app.get()] { a->deliver_pending(); });
    }
};

/// Registers a user, gives it `roles` straight in the database (no admin API is
/// needed for that), logs in and returns the access token.
inline std::string sign_in_with_roles(api& c, running_app& app, const std::string& email,
                                      const std::vector<std::string>& roles) {
    auto reg = c.post("/api/auth/register", R"({"email":")" + email + R"(","password":"correct-horse","name":"T"})");
    REQUIRE(reg.status == 201);
    app.app->store().write([&](repositories& r) { r.users.set_roles(r.users.find_by_email(email)->id, roles); });
    auto login = c.post("/api/auth/login", R"({"email":")" + email + R"(","password":"correct-horse"})");
    REQUIRE(login.status == 200);
    const auto at = login.body.find("\"accessToken\":\"") + 15;
    return login.body.substr(at, login.body.find('"', at) - at);
}

/// The string value of a top-level member of a JSON object (tests only: no escapes expected).
inline std::string json_string(const std::string& body, const std::string& key) {
    const auto at = body.find("\"" + key + "\":\"");
    if (at == std::string::npos) return {};
    const auto start = at + key.size() + 4;
    return body.substr(start, body.find('"', start) - start);
}

/// The id of the user with this address, read straight from the database.
inline std::string user_id_of(running_app& app, const std::string& email) {
    std::string id;
    app.app->store().read([&](repositories& r) {
        if (const auto u = r.users.find_by_email(email)) id = u->id;
    });
    REQUIRE_FALSE(id.empty());
    return id;
}

/// The token of the newest password reset e-mail in the development mailbox, or empty when the newest e-mail is
/// another.
inline std::string reset_token_mailed(api& c) {
    const auto body = json_string(c.get("/api/v1/dev/messages").body, "body");
    const std::string marker = "password reset token is ";
    const auto at = body.find(marker);
    if (at == std::string::npos) return {};
    const auto start = at + marker.size();
    return body.substr(start, body.find(' ', start) - start);
}

}  // namespace authd::test
