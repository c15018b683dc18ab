// Clients: registration, e-mail verification and the e-mailed second factor, snake_case JSON
// (API.md "Clients"). Login rules are auth_service's, shared with /api/auth/login.
#include "adapters/http/agent_json.hpp"
#include "adapters/http/body.hpp"
#include "adapters/http/routes.hpp"
#include "adapters/json/client_json.hpp"

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

response register_client(services& s, request& req) {
    response bad;
    auto body = read_object(req, bad);
    if (!body) return bad;
    validator v;
    client_registration r;
    r.email = body->required_string("email", v).value_or("");
    r.password = body->required_string("password", v).value_or("");
    r.first_name = body->required_string("first_name", v).value_or("");
    r.last_name = body->required_string("last_name", v).value_or("");
    r.phone_number = body->string("phone_number", v);
    // Not answered yet: the core adds its own findings, and one 400 lists them all.
    auto created = s.clients.register_client(std::move(r), std::move(v));
    if (!created) return problem_from(req, created.error());
    auto res = client_response(201, created.value());
    res.set_header("Location", "/api/v1/clients/" + created->id);
    return res;
}

response verify_email(services& s, request& req) {
    response bad;
    auto body = read_object(req, bad);
    if (!body) return bad;
    validator v;
    const auto token = body->required_string("token", v);
    if (!v.ok()) return problem_from(req, v.to_failure());
    auto verified = s.clients.verify_email(req.path_param("id"), *token);
    if (!verified) return problem_from(req, verified.error());
    return client_response(200, verified.value());
}

response resend_verification(services& s, request& req) {
    auto sent = s.clients.resend_verification(req.path_param("id"));
    if (!sent) return problem_from(req, sent.error());
    return json_response(202, R"({"message":"A new verification e-mail is on its way."})");
}

response get_client(services& s, request& req, const principal& who) {
    auto found = s.clients.find(req.path_param("id"), who);
    if (!found) return problem_from(req, found.error());
    return client_response(200, found.value());
}

response login(services& s, request& req) {
    response bad;
    auto body = read_object(req, bad);
    if (!body) return bad;
    validator v;
    const auto email = body->required_string("email", v);
    const auto password = body->required_string("password", v);
    // This route takes an e-mail only: the shared login rule would read anything else as a username.
    if (email && email->find('@') == std::string::npos) v.add("email", "must be an e-mail address");
    if (!v.ok()) return problem_from(req, v.to_failure());
    auto done = s.auth.login({*email, *password, std::nullopt}, client_of(req));
    if (!done) return problem_from(req, done.error());
    if (done->tokens) return signed_in(*done->tokens, done->account);
    json::writer w;
    w.begin_object()
        .field("mfa_required", true)
        .field("mfa_token", done->mfa->mfa_token)
        .field("delivery_method", done->mfa->delivery_method)
        .field("expires_in", static_cast<std::int64_t>(done->mfa->expires_in.count()))
        .end_object();
    return json_response(200, std::move(w).str());
}

response verify_mfa(services& s, request& req) {
    response bad;
    auto body = read_object(req, bad);
    if (!body) return bad;
    validator v;
    const auto token = body->required_string("mfa_token", v);
    const auto code = body->required_string("code", v);
    if (!v.ok()) return problem_from(req, v.to_failure());
    auto done = s.auth.verify_mfa(*token, *code, client_of(req));
    if (!done) return problem_from(req, done.error());
    return signed_in(done->tokens, done->account);
}

/// The caller, whatever kind of principal: an agent as an agent, anyone else as a client.
response me(services& s, request& req, const principal& who) {
    json::writer w;
    if (who.type == principal_type::agent) {
        auto a = s.agents.current_agent(who);
        if (!a) return problem_from(req, a.error());
        write_agent(w, a.value());
    } else {
        auto u = s.auth.current_user(who);
        if (!u) return problem_from(req, u.error());
        json::write_client(w, u.value());
    }
    return json_response(200, std::move(w).str());
}

}  // namespace

void add_client_routes(router& r, services& s) {
    auto plain = [&s](response (*fn)(services&, request&)) {
        return [&s, fn](request& q, const principal*) { return fn(s, q); };
    };
    const auto credential = rate_class::credential;
    // Registration and login hash a password: the slow pool.
    r.add({"POST", "/api/v1/clients", plain(register_client), {}, pool_kind::slow, true, credential});
    r.add({"POST", "/api/v1/clients/:id/verify_email", plain(verify_email), {}, pool_kind::normal, true, credential});
    r.add({"POST", "/api/v1/clients/:id/resend_verification", plain(resend_verification), {}, pool_kind::normal, false,
           credential});
    r.add({"GET", "/api/v1/clients/:id", [&s](request& q, const principal* who) { return get_client(s, q, *who); },
           {true}});
    r.add({"POST", "/api/v1/auth/login", plain(login), {}, pool_kind::slow, true, credential});
    r.add({"POST", "/api/v1/auth/verify_mfa", plain(verify_mfa), {}, pool_kind::normal, true, credential});
    r.add({"GET", "/api/v1/me", [&s](request& q, const principal* who) { return me(s, q, *who); }, {true}});
}

}  // namespace authd::http
