// Users: /api/auth/* with camelCase JSON (API.md "Users").
#include "adapters/http/body.hpp"
#include "adapters/http/dto/user_json.hpp"
#include "adapters/http/routes.hpp"

namespace authd::http {
namespace {

response register_user(services& s, exchange& x) {
    registration r;
    r.email = x.required_string("email").value_or("");
    r.password = x.required_string("password").value_or("");
    r.name = x.required_string("name").value_or("");
    r.username = x.string("username");
    // Not answered yet: the core adds its own findings, and one 400 lists them all.
    auto created = s.auth.register_user(std::move(r), std::move(x.found));
    if (!created) return problem_from(x.req, created.error());
    json::writer w;
    w.begin_object()
        .field("userId", created->id)
        .field("email", created->email)
        .field("name", created->name)
        .field("roles", created->roles)
        .end_object();
    auto res = json_response(201, std::move(w).str());
    res.set_header("Location", "/api/auth/me");
    return res;
}

response login(services& s, exchange& x) {
    // An empty name names nobody: it counts as absent, so that a form sent blank is told what it lacks.
    const auto given = [&](const char* field) {
        auto text = x.string(field);
        return text && !text->empty() ? text : std::nullopt;
    };
    auto email = given("email");
    auto username = given("username");
    auto password = x.required_string("password");
    auto totp_code = x.string("totpCode");
    if (!email && !username) x.found.add("email", "is required (or username)");
    if (!x.found.ok()) return problem_from(x.req, x.found.to_failure());
    auto done = s.auth.login({email ? *email : *username, *password, totp_code}, client_of(x.req));
    if (!done) return problem_from(x.req, done.error());
    if (done->mfa) {
        // A second factor is on: finish with totpCode here, or with the mfaToken at /api/v1/auth/verify_mfa.
        failure pending = fail(errc::mfa_required);
        pending.challenge = std::move(done->mfa);
        return problem_from(x.req, pending);
    }
    json::writer w;
    w.begin_object()
        .field("accessToken", done->tokens->access_token)
        .field("refreshToken", done->tokens->refresh_token)
        .field("tokenType", "bearer")
        .field("expiresIn", static_cast<std::int64_t>(done->tokens->expires_in.count()))
        .key("user");
    write_user(w, done->account);
    return json_response(200, std::move(w.end_object()).str());
}

response refresh(services& s, exchange& x) {
    auto token = x.required_string("refreshToken");
    if (!x.found.ok()) return problem_from(x.req, x.found.to_failure());
    auto pair = s.tokens.refresh(*token);
    if (!pair) return problem_from(x.req, pair.error());
    json::writer w;
    w.begin_object()
        .field("accessToken", pair->access_token)
        .field("refreshToken", pair->refresh_token)
        .field("tokenType", "bearer")
        .field("expiresIn", static_cast<std::int64_t>(pair->expires_in.count()))
        .end_object();
    return json_response(200, std::move(w).str());
}

response me(services& s, exchange& x) {
    auto u = s.auth.current_user(x.who());
    if (!u) return problem_from(x.req, u.error());
    return user_response(u.value());
}

/// /me on the network thread, when both the session and the account were read within the recheck interval.
std::optional<response> me_from_memory(services& s, exchange& x) {
    const auto u = s.auth.current_user_from_memory(x.who());
    if (!u) return std::nullopt;
    return user_response(*u);
}

}  // namespace

void add_user_auth_routes(router& r, services& s) {
    const access_rule user_only{true, {}, principal_type::user};
    const auto json = body_kind::json_object;
    const auto credential = rate_class::credential;
    r.add({.method = "POST",
           .path = "/api/auth/register",
           .pool = pool_kind::hashing,
           .body = json,
           .limits = credential,
           .handler = bind(s, register_user)});
    r.add({.method = "POST",
           .path = "/api/auth/login",
           .pool = pool_kind::hashing,
           .body = json,
           .limits = credential,
           .metric = "login",
           .handler = bind(s, login)});
    r.add({.method = "POST",
           .path = "/api/auth/refresh",
           .body = json,
           .limits = credential,
           .metric = "refresh",
           .handler = bind(s, refresh)});
    r.add({.method = "GET",
           .path = "/api/auth/me",
           .access = user_only,
           .handler = bind(s, me),
           .quick = [&s](exchange& x) { return me_from_memory(s, x); }});
}

}  // namespace authd::http
