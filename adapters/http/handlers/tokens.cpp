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
    // The contract's answer for validate: invalid_token, with "valid":false among the problem's members.
    if (!token) return problem(x.req, http_problem::validate_token_missing, {}, "\"valid\":false");
    auto caller = s.tokens.authenticate(*token);
    if (!caller) return problem(x.req, http_problem::validate_token_rejected, caller.error().detail, "\"valid\":false");
    json::writer w;
    w.begin_object()
        .field("valid", true)
        .field("sub", caller->id)
        .field("principal_type", to_string(caller->type))
        .field("session_id", caller->session_id)
        .field("roles", caller->roles)
        .field("expires_at", to_rfc3339(caller->expires_at))
        .end_object();
    auto res = json_response(200, std::move(w).str());
    res.set_header("X-Auth-Subject", caller->id);
    res.set_header("X-Auth-Principal-Type", std::string(to_string(caller->type)));
    res.set_header("X-Auth-Roles", join_roles(caller->roles));
    return res;
}

response logout(services& s, exchange& x) {
    (void)s.tokens.logout(x.who());  // an already ended session is logged out too
    return no_content();
}

}  // namespace

void add_token_routes(router& r, services& s) {
    r.add({.method = "GET", .path = "/api/v1/auth/validate", .handler = bind(s, validate)});
    // Any principal ends its own session; agents and clients use the v1 path, users theirs.
    r.add({.method = "POST", .path = "/api/v1/auth/logout", .access = {true}, .handler = bind(s, logout)});
    r.add({.method = "POST", .path = "/api/auth/logout", .access = {true}, .handler = bind(s, logout)});
    // The token may come in the body, or the body may be absent: the handler reads it.
    r.add({.method = "POST",
           .path = "/api/v1/auth/validate",
           .body = body_kind::json_text,
           .handler = bind(s, validate)});
}

}  // namespace authd::http
