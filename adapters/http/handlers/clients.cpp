// Clients: registration, e-mail verification and the e-mailed second factor, snake_case JSON
// (API.md "Clients"). Login rules are auth_service's, shared with /api/auth/login.
#include "adapters/http/body.hpp"
#include "adapters/http/dto/agent_json.hpp"
#include "adapters/http/dto/client_json.hpp"
#include "adapters/http/routes.hpp"

namespace authd::http {
namespace {

response client_response(int status, const user& u) {
    json::writer w;
    json::write_client(w, u);
    return json_response(status, std::move(w).str());
}

/// The body of a completed client login: the pair and the client.
response signed_in(const token_pair& tokens, const user& u) {
    json::writer w;
    w.begin_object();
    write_pair(w, tokens);
    w.key("client");
    json::write_client(w, u);
    return json_response(200, std::move(w.end_object()).str());
}

response register_client(services& s, exchange& x) {
    client_registration r;
    r.email = x.required_string("email").value_or("");
    r.password = x.required_string("password").value_or("");
    r.first_name = x.required_string("first_name").value_or("");
    r.last_name = x.required_string("last_name").value_or("");
    r.phone_number = x.string("phone_number");
    // Not answered yet: the core adds its own findings, and one 400 lists them all.
    auto created = s.clients.register_client(std::move(r), std::move(x.found));
    if (!created) return problem_from(x.req, created.error());
    auto res = client_response(201, created.value());
    res.set_header("Location", "/api/v1/clients/" + created->id);
    return res;
}

response verify_email(services& s, exchange& x) {
    const auto token = x.required_string("token");
    if (!x.found.ok()) return problem_from(x.req, x.found.to_failure());
    auto verified = s.clients.verify_email(x.req.path_param("id"), *token);
    if (!verified) return problem_from(x.req, verified.error());
    return client_response(200, verified.value());
}

response resend_verification(services& s, exchange& x) {
    auto sent = s.clients.resend_verification(x.req.path_param("id"));
    if (!sent) return problem_from(x.req, sent.error());
    return json_response(202, R"({"message":"A new verification e-mail is on its way."})");
}

response get_client(services& s, exchange& x) {
    auto found = s.clients.find(x.req.path_param("id"), x.who());
    if (!found) return problem_from(x.req, found.error());
    return client_response(200, found.value());
}

response login(services& s, exchange& x) {
    const auto email = x.required_string("email");
    const auto password = x.required_string("password");
    // This route takes an e-mail only: the shared login rule would read anything else as a username.
    if (email && email->find('@') == std::string::npos) x.found.add("email", "must be an e-mail address");
    if (!x.found.ok()) return problem_from(x.req, x.found.to_failure());
    auto done = s.auth.login({*email, *password, std::nullopt}, client_of(x.req));
    if (!done) return problem_from(x.req, done.error());
    if (done->tokens) return signed_in(*done->tokens, done->account);
    json::writer w;
    w.begin_object()
        .field("mfa_required", true)
        .field("mfa_token", done->mfa->mfa_token)
        .field("delivery_method", to_string(done->mfa->delivery_method))
        .field("expires_in", static_cast<std::int64_t>(done->mfa->expires_in.count()))
        .end_object();
    return json_response(200, std::move(w).str());
}

response verify_mfa(services& s, exchange& x) {
    const auto token = x.required_string("mfa_token");
    const auto code = x.required_string("code");
    if (!x.found.ok()) return problem_from(x.req, x.found.to_failure());
    auto done = s.auth.verify_mfa(*token, *code, client_of(x.req));
    if (!done) return problem_from(x.req, done.error());
    return signed_in(done->tokens, done->account);
}

/// The caller, whatever kind of principal: an agent as an agent, anyone else as a client.
response me(services& s, exchange& x) {
    json::writer w;
    if (x.who().type == principal_type::agent) {
        auto a = s.agents.current_agent(x.who());
        if (!a) return problem_from(x.req, a.error());
        write_agent(w, a.value());
    } else {
        auto u = s.auth.current_user(x.who());
        if (!u) return problem_from(x.req, u.error());
        json::write_client(w, u.value());
    }
    return json_response(200, std::move(w).str());
}

}  // namespace

void add_client_routes(router& r, services& s) {
    const auto json = body_kind::json_object;
    const auto credential = rate_class::credential;
    // Registration and login hash a password: the hashing pool.
    r.add({.method = "POST",
           .path = "/api/v1/clients",
           .pool = pool_kind::hashing,
           .body = json,
           .limits = credential,
           .handler = bind(s, register_client)});
    r.add({.method = "POST",
           .path = "/api/v1/clients/:id/verify_email",
           .body = json,
           .limits = credential,
           .handler = bind(s, verify_email)});
    r.add({.method = "POST",
           .path = "/api/v1/clients/:id/resend_verification",
           .limits = credential,
           .handler = bind(s, resend_verification)});
    r.add({.method = "GET", .path = "/api/v1/clients/:id", .access = {true}, .handler = bind(s, get_client)});
    r.add({.method = "POST",
           .path = "/api/v1/auth/login",
           .pool = pool_kind::hashing,
           .body = json,
           .limits = credential,
           .metric = "login",
           .handler = bind(s, login)});
    r.add({.method = "POST",
           .path = "/api/v1/auth/verify_mfa",
           .body = json,
           .limits = credential,
           .metric = "mfa_verify",
           .handler = bind(s, verify_mfa)});
    r.add({.method = "GET", .path = "/api/v1/me", .access = {true}, .handler = bind(s, me)});
}

}  // namespace authd::http
