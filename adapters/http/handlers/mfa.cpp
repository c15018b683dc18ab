// TOTP for users: setup, verify (turns it on), disable (API.md "Users"), camelCase JSON.
#include "adapters/http/body.hpp"
#include "adapters/http/routes.hpp"

namespace authd::http {
namespace {

response setup(services& s, request& req, const principal& who) {
    auto done = s.totp.setup(who.id);
    if (!done) return problem_from(req, done.error());
    json::writer w;
    w.begin_object().field("secret", done->secret).field("otpauthUri", done->otpauth_uri).end_object();
    return json_response(200, std::move(w).str());
}

response verify(services& s, request& req, const principal& who) {
    response bad;
    auto body = read_object(req, bad);
    if (!body) return bad;
    validator v;
    const auto code = body->required_string("code", v);
    if (!v.ok()) return problem_from(req, v.to_failure());
    auto codes = s.totp.enable(who.id, *code);
    if (!codes) return problem_from(req, codes.error());
    json::writer w;
    w.begin_object().field("mfaEnabled", true).field("recoveryCodes", codes.value()).end_object();
    return json_response(200, std::move(w).str());
}

response disable(services& s, request& req, const principal& who) {
    response bad;
    auto body = read_object(req, bad);
    if (!body) return bad;
    validator v;
    const auto password = body->required_string("password", v);
    const auto code = body->required_string("code", v);
    if (!v.ok()) return problem_from(req, v.to_failure());
    auto done = s.totp.disable(who.id, *password, *code);
    if (!done) return problem_from(req, done.error());
    return json_response(200, R"({"mfaEnabled":false})");
}

}  // namespace

void add_mfa_routes(router& r, services& s) {
    const access_rule user_only{true, {}, principal_type::user};
    using fn = response (*)(services&, request&, const principal&);
    auto with = [&s](fn f) { return [&s, f](request& q, const principal* who) { return f(s, q, *who); }; };
    r.add({"POST", "/api/auth/mfa/setup", with(setup), user_only});
    r.add({"POST", "/api/auth/mfa/verify", with(verify), user_only, pool_kind::normal, true, rate_class::credential});
    // Disabling proves the password (a hash verification): the slow pool, and the credential limit.
    r.add({"POST", "/api/auth/mfa/disable", with(disable), user_only, pool_kind::slow, true, rate_class::credential});
}

}  // namespace authd::http
