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

response validate(services& s, request& req) {
    std::optional<std::string> token;
    if (const auto bearer = bearer_token(req)) {
        token = std::string(*bearer);
    } else if (req.method == "POST" && !req.body.empty()) {
        response bad;
        auto body = read_object(req, bad);
        if (!body) return bad;
        validator v;
        token = body->string("token", v);
        if (!v.ok()) return problem_from(req, v.to_failure());
    }
    // The contract's answer for validate: invalid_token, with "valid":false among the problem's members.
    if (!token) return problem(req, http_problem::validate_token_missing, {}, "\"valid\":false");
    auto who = s.tokens.authenticate(*token);
    if (!who) return problem(req, http_problem::validate_token_rejected, who.error().detail, "\"valid\":false");
    json::writer w;
    w.begin_object()
        .field("valid", true)
        .field("sub", who->id)
        .field("principal_type", to_string(who->type))
        .field("session_id", who->session_id)
        .field("roles", who->roles)
        .field("expires_at", to_rfc3339(who->expires_at))
        .end_object();
    auto res = json_response(200, std::move(w).str());
    res.set_header("X-Auth-Subject", who->id);
    res.set_header("X-Auth-Principal-Type", std::string(to_string(who->type)));
    res.set_header("X-Auth-Roles", join_roles(who->roles));
    return res;
}

}  // namespace

void add_token_routes(router& r, services& s) {
    r.add({"GET", "/api/v1/auth/validate", [&s](request& q, const principal*) { return validate(s, q); }});
    r.add({"POST", "/api/v1/auth/validate", [&s](request& q, const principal*) { return validate(s, q); }, {},
           pool_kind::normal, true});
}

}  // namespace authd::http
