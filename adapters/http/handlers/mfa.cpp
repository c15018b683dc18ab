// TOTP for users: setup, verify (turns it on), disable (API.md "Users"), camelCase JSON.
#include "adapters/http/body.hpp"
#include "adapters/http/routes.hpp"

namespace authd::http {
namespace {

response setup(services& s, exchange& x) {
    auto done = s.totp.setup(x.who().id);
    if (!done) return problem_from(x.req, done.error());
    json::writer w;
    w.begin_object().field("secret", done->secret).field("otpauthUri", done->otpauth_uri).end_object();
    return json_response(200, std::move(w).str());
}

response verify(services& s, exchange& x) {
    const auto code = x.required_string("code");
    const auto password = x.string("password");
    const auto end_others = x.boolean("endOtherSessions");
    if (!x.found.ok()) return problem_from(x.req, x.found.to_failure());
    auto codes = s.totp.enable(x.who(), *code, password ? std::optional<std::string_view>(*password) : std::nullopt,
                               end_others.value_or(false));
    if (!codes) return problem_from(x.req, codes.error());
    json::writer w;
    w.begin_object().field("mfaEnabled", true).field("recoveryCodes", codes.value()).end_object();
    return json_response(200, std::move(w).str());
}

response disable(services& s, exchange& x) {
    const auto password = x.required_string("password");
    const auto code = x.required_string("code");
    const auto end_others = x.boolean("endOtherSessions");
    if (!x.found.ok()) return problem_from(x.req, x.found.to_failure());
    auto done =
        s.totp.disable(x.who().id, *password, *code,
                       end_others.value_or(false) ? std::optional<std::string_view>(x.who().session_id) : std::nullopt);
    if (!done) return problem_from(x.req, done.error());
    return json_response(200, R"({"mfaEnabled":false})");
}

}  // namespace

void add_mfa_routes(router& r, services& s) {
    const access_rule user_only{true, {}, principal_type::user};
    const auto json = body_kind::json_object;
    r.add({.method = "POST", .path = "/api/auth/mfa/setup", .access = user_only, .handler = bind(s, setup)});
    // Turning TOTP on may prove the password (a hash verification): the hashing pool.
    r.add({.method = "POST",
           .path = "/api/auth/mfa/verify",
           .access = user_only,
           .pool = pool_kind::hashing,
           .body = json,
           .limits = rate_class::credential,
           .handler = bind(s, verify)});
    // Disabling proves the password (a hash verification): the hashing pool, and the credential limit.
    r.add({.method = "POST",
           .path = "/api/auth/mfa/disable",
           .access = user_only,
           .pool = pool_kind::hashing,
           .body = json,
           .limits = rate_class::credential,
           .handler = bind(s, disable)});
}

}  // namespace authd::http
