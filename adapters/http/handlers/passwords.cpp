// Passwords forgotten, reset and changed (docs/API.md "Passwords"). The same routes under /api/auth and /api/v1:
// their bodies have no field whose name differs between camelCase and snake_case, except change's, which is
// /api/auth's only.
#include "adapters/http/body.hpp"
#include "adapters/http/routes.hpp"

namespace authd::http {
namespace {

response forgot(services& s, exchange& x) {
    const auto email = x.required_string("email");
    if (!x.found.ok()) return problem_from(x.req, x.found.to_failure());
    if (auto done = s.passwords.forgot(*email); !done) return problem_from(x.req, done.error());
    // The same answer whether or not the address has an account.
    return json_response(
        202, R"({"message":"If an account has this address, a link to reset its password is on its way."})");
}

response reset(services& s, exchange& x) {
    const auto token = x.required_string("token");
    const auto password = x.required_string("password");
    auto done = s.passwords.reset(token.value_or(""), password.value_or(""), x.found);
    if (!done) return problem_from(x.req, done.error());
    return no_content();
}

response change(services& s, exchange& x) {
    const auto current = x.required_string("currentPassword");
    const auto next = x.required_string("newPassword");
    auto done = s.passwords.change(x.who(), current.value_or(""), next.value_or(""), x.found);
    if (!done) return problem_from(x.req, done.error());
    return no_content();
}

}  // namespace

void add_password_routes(router& r, services& s) {
    const auto json = body_kind::json_object;
    for (const std::string prefix : {"/api/auth", "/api/v1/auth"}) {
        r.add({.method = "POST",
               .path = prefix + "/password/forgot",
               .body = json,
               .limits = rate_class::credential,
               .handler = bind(s, forgot)});
        // Hashes the new password: the hashing pool.
        r.add({.method = "POST",
               .path = prefix + "/password/reset",
               .pool = pool_kind::hashing,
               .body = json,
               .limits = rate_class::credential,
               .handler = bind(s, reset)});
    }
    r.add({.method = "POST",
           .path = "/api/auth/password/change",
           .access = access_rule{true, {}, principal_type::user},
           .pool = pool_kind::hashing,
           .body = json,
           .limits = rate_class::credential,
           .handler = bind(s, change)});
}

}  // namespace authd::http
