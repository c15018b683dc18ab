// Users: /api/auth/* with camelCase JSON (API.md "Users").
#include "adapters/http/body.hpp"
#include "adapters/http/routes.hpp"
#include "adapters/http/user_json.hpp"

namespace authd::http {
namespace {

response register_user(services& s, request& req) {
    response bad;
    auto body = read_object(req, bad);
    if (!body) return bad;
    validator v;
    registration r;
    r.email = body->required_string("email", v).value_or("");
    r.password = body->required_string("password", v).value_or("");
    r.name = body->required_string("name", v).value_or("");
    r.username = body->string("username", v);
    // Not answered yet: the core adds its own findings, and one 400 lists them all.
    auto created = s.auth.register_user(std::move(r), std::move(v));
    if (!created) return problem_from(req, created.error());
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

response login(services& s, request& req) {
    response bad;
    auto body = read_object(req, bad);
    if (!body) return bad;
    validator v;
    auto email = body->string("email", v);
    auto username = body->string("username", v);
    auto password = body->required_string("password", v);
    auto totp_code = body->string("totpCode", v);
    if (!email && !username) v.add("email", "is required (or username)");
    if (!v.ok()) return problem_from(req, v.to_failure());
    auto done = s.auth.login({email ? *email : *username, *password, totp_code}, client_of(req));
    if (!done) return problem_from(req, done.error());
    if (done->mfa) {
        // A second factor is on: finish with totpCode here, or with the mfaToken at /api/v1/auth/verify_mfa.
        failure pending = fail(errc::mfa_required);
        pending.challenge = std::move(done->mfa);
        return problem_from(req, pending);
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

response refresh(services& s, request& req) {
    response bad;
    auto body = read_object(req, bad);
    if (!body) return bad;
    validator v;
    auto token = body->required_string("refreshToken", v);
    if (!v.ok()) return problem_from(req, v.to_failure());
    auto pair = s.tokens.refresh(*token);
    if (!pair) return problem_from(req, pair.error());
    json::writer w;
    w.begin_object()
        .field("accessToken", pair->access_token)
        .field("refreshToken", pair->refresh_token)
        .field("tokenType", "bearer")
        .field("expiresIn", static_cast<std::int64_t>(pair->expires_in.count()))
        .end_object();
    return json_response(200, std::move(w).str());
}

response me(services& s, request& req, const principal& who) {
    auto u = s.auth.current_user(who);
    if (!u) return problem_from(req, u.error());
    json::writer w;
    write_user(w, u.value());
    return json_response(200, std::move(w).str());
}

}  // namespace

void add_user_auth_routes(router& r, services& s) {
    const access_rule user_only{true, {}, principal_type::user};
    r.add({"POST", "/api/auth/register", [&s](request& q, const principal*) { return register_user(s, q); }, {},
           pool_kind::slow, true, rate_class::credential});
    r.add({"POST", "/api/auth/login", [&s](request& q, const principal*) { return login(s, q); }, {},
           pool_kind::slow, true, rate_class::credential});
    r.add({"POST", "/api/auth/refresh", [&s](request& q, const principal*) { return refresh(s, q); }, {},
           pool_kind::normal, true, rate_class::credential});
    r.add({"POST", "/api/auth/logout",
           [&s](request&, const principal* who) {
               (void)s.tokens.logout(*who);
               return no_content();
           },
           {true}, pool_kind::normal, false});
    r.add({"GET", "/api/auth/me", [&s](request& q, const principal* who) { return me(s, q, *who); }, user_only});
}

}  // namespace authd::http
