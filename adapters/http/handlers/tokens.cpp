// Token validation for other services and for nginx auth_request (API.md "Agents", validate).
#include "adapters/http/body.hpp"
#include "adapters/http/routes.hpp"

namespace authd::http {
namespace {

std::string join_roles(const std::vector<std::string>& roles) {
    std::string out;
    for (const auto& r : roles) out += (out.empty() ? "" : ",") + r;
    return out;
}

response valid(const principal& caller) {
    json::writer w;
    w.begin_object()
        .field("valid", true)
        .field("sub", caller.id)
        .field("principal_type", to_string(caller.type))
        .field("session_id", caller.session_id)
        .field("roles", caller.roles)
        .field("expires_at", to_rfc3339(caller.expires_at))
        .end_object();
    auto res = json_response(200, std::move(w).str());
    res.set_header("X-Auth-Subject", caller.id);
    res.set_header("X-Auth-Principal-Type", std::string(to_string(caller.type)));
    res.set_header("X-Auth-Roles", join_roles(caller.roles));
    return res;
}

response rejected(const exchange& x, const failure& why) {
    // The contract's answer for validate: invalid_token, with "valid":false among the problem's members.
    return problem(x.req, http_problem::validate_token_rejected, why.detail, "\"valid\":false");
}

response validate(services& s, exchange& x) {
    std::optional<std::string> token;
    if (const auto bearer = bearer_token(x.req)) {
        token = std::string(*bearer);
    } else if (x.req.method == "POST" && !x.req.body.empty()) {
        auto body = json::object_reader::parse(x.req.body);
        if (!body) return problem(x.req, http_problem::malformed_json);
        token = body->string("token", x.found);
        if (!x.found.ok()) return problem_from(x.req, x.found.to_failure());
    }
    if (!token) return problem(x.req, http_problem::validate_token_missing, {}, "\"valid\":false");
    auto claims = x.verify(s.tokens, *token);
    if (!claims) return rejected(x, claims.error());
    auto caller = x.authenticate(s.tokens, std::move(claims.value()));
    if (!caller) return rejected(x, caller.error());
    return valid(caller.value());
}

/// validate on the network thread, for a bearer token whose session the session view knows (or a token that fails
/// its signature or claims): no thread hand-off, no database. Anything else goes on to validate() on the workers.
std::optional<response> validate_from_memory(services& s, exchange& x) {
    const auto bearer = bearer_token(x.req);
    if (!bearer) return std::nullopt;  // a token in the body: parsing it is the workers' job
    auto claims = s.tokens.verify(*bearer);
    if (!claims) return rejected(x, claims.error());
    const auto caller = s.tokens.authenticate_from_memory(claims.value());
    if (!caller) {
        // validate() on a worker looks the session up without verifying again.
        x.verified = verified_token{std::string(*bearer), std::move(claims.value())};
        return std::nullopt;
    }
    return valid(*caller);
}

response logout(services& s, exchange& x) {
    (void)s.tokens.logout(x.who());  // an already ended session is logged out too
    return no_content();
}

}  // namespace

void add_token_routes(router& r, services& s) {
    r.add({.method = "GET",
           .path = "/api/v1/auth/validate",
           .limits = rate_class::token_check,
           .handler = bind(s, validate),
           .quick = [&s](exchange& x) { return validate_from_memory(s, x); }});
    // Any principal ends its own session; agents and clients use the v1 path, users theirs.
    r.add({.method = "POST", .path = "/api/v1/auth/logout", .access = {true}, .handler = bind(s, logout)});
    r.add({.method = "POST", .path = "/api/auth/logout", .access = {true}, .handler = bind(s, logout)});
    // The token may come in the body, or the body may be absent: the handler reads it.
    r.add({.method = "POST",
           .path = "/api/v1/auth/validate",
           .body = body_kind::json_text,
           .limits = rate_class::token_check,
           .handler = bind(s, validate),
           .quick = [&s](exchange& x) { return validate_from_memory(s, x); }});
}

}  // namespace authd::http
