// Passwords forgotten, reset and changed, and e-mail addresses changed (docs/API.md "Passwords", "E-mail change").
// The password reset routes are the same under /api/auth and /api/v1: their bodies have no field whose name differs
// between camelCase and snake_case. Change routes are /api/auth's only (a client's token is a user's).
#include "adapters/http/body.hpp"
#include "adapters/http/dto/user_json.hpp"
#include "adapters/http/routes.hpp"

namespace authd::http {
namespace {

response forgot(services& s, exchange& x) {
    const auto email = x.required_string("email");
    if (!x.found.ok()) return problem_from(x.req, x.found.to_failure());
    auto address = password_service::forgot_address(*email);
    if (!address) return problem_from(x.req, address.error());
    // The same answer, in the same time, whether or not the address has an account: the lookup and the link come
    // after it.
    s.after_answer([&passwords = s.passwords, a = std::move(address).value()] { (void)passwords.forgot(a); });
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

response change_email(services& s, exchange& x) {
    const auto email = x.required_string("newEmail");
    const auto password = x.required_string("password");
    auto done = s.email_changes.request(x.who(), email.value_or(""), password.value_or(""), x.found);
    if (!done) return problem_from(x.req, done.error());
    // The same answer whether or not another account has the address.
    return json_response(202,
                         R"({"message":"A link to confirm the new address is on its way to it, if it can be used."})");
}

response confirm_email(services& s, exchange& x) {
    const auto token = x.required_string("token");
    if (!x.found.ok()) return problem_from(x.req, x.found.to_failure());
    auto u = s.email_changes.confirm(*token);
    if (!u) return problem_from(x.req, u.error());
    return user_response(u.value());
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
    r.add({.method = "POST",
           .path = "/api/auth/email/change",
           .access = access_rule{true, {}, principal_type::user},
           .pool = pool_kind::hashing,
           .body = json,
           .limits = rate_class::credential,
           .handler = bind(s, change_email)});
    r.add({.method = "POST",
           .path = "/api/auth/email/confirm",
           .body = json,
           .limits = rate_class::credential,
           .handler = bind(s, confirm_email)});
}

}  // namespace authd::http
