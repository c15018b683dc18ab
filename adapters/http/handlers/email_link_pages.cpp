// The pages e-mailed links land on: e-mail verification (APP_URL/verify-email?id=…&token=…), password reset
// (APP_URL/reset-password?token=…) and e-mail change (APP_URL/confirm-email-change?token=…). Following a link must not change anything (mail scanners and link previews
// follow links too): the GET shows a form, and only the person's POST of that form acts, through the same use case
// as the API's route (POST /api/v1/clients/{id}/verify_email, POST /api/auth/password/reset,
// POST /api/auth/email/confirm).
#include <string>
#include <string_view>

#include "adapters/http/problems.hpp"
#include "adapters/http/responses.hpp"
#include "adapters/http/routes.hpp"
#include "core/common/encoding.hpp"

namespace authd::http {
namespace {
/// A small page with no script and no outside resource; its form may post only back to authd.
response page(int status, std::string_view title, const std::string& body_html) {
    response res;
    res.status = status;
    res.body =
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" +
        html_escaped(title) + "</title></head><body><main><h1>" + html_escaped(title) + "</h1>" + body_html +
        "</main></body></html>\n";
    res.set_header("Content-Type", "text/html; charset=utf-8");
    res.set_header("Content-Security-Policy", "default-src 'none'; form-action 'self'; frame-ancestors 'none'");
    return res;
}

response incomplete_link() {
    return page(400, "This link is incomplete",
                "<p>Open the link from the e-mail again, or copy the whole of it into the address bar.</p>");
}

response link_form(services&, exchange& x) {
    const auto id = x.req.query_param("id").value_or("");
    const auto token = x.req.query_param("token").value_or("");
    if (id.empty() || token.empty()) return incomplete_link();
    return page(200, "Verify your e-mail address",
                "<p>Confirm that this address is yours.</p><form method=\"post\" action=\"/verify-email\">"
                "<input type=\"hidden\" name=\"id\" value=\"" +
                    html_escaped(id) + "\"><input type=\"hidden\" name=\"token\" value=\"" + html_escaped(token) +
                    "\"><button type=\"submit\">Verify my address</button></form>");
}

response submit_form(services& s, exchange& x) {
    const auto id = x.req.form_param("id").value_or("");
    const auto token = x.req.form_param("token").value_or("");
    auto verified = s.clients.verify_email(id, token);
    if (verified) return page(200, "Your e-mail address is verified", "<p>You can close this page and sign in.</p>");
    const auto& f = verified.error();
    if (f.code == errc::invalid_token || f.code == errc::not_found)
        return page(400, "This link does not work",
                    "<p>It is wrong, used or expired. Ask for a new verification e-mail and use its link.</p>");
    return problem_from(x.req, f);  // anything else (a throttle, an outage) keeps its usual answer
}
response reset_form(services&, exchange& x) {
    const auto token = x.req.query_param("token").value_or("");
    if (token.empty()) return incomplete_link();
    return page(200, "Choose a new password",
                "<form method=\"post\" action=\"/reset-password\"><input type=\"hidden\" name=\"token\" value=\"" +
                    html_escaped(token) +
                    "\"><label>New password <input type=\"password\" name=\"password\" autocomplete=\"new-password\" "
                    "minlength=\"8\" required></label> <button type=\"submit\">Set my password</button></form>");
}

response submit_reset(services& s, exchange& x) {
    const auto token = x.req.form_param("token").value_or("");
    const auto password = x.req.form_param("password").value_or("");
    auto done = s.passwords.reset(token, password);
    if (done)
        return page(200, "Your password is changed",
                    "<p>Every session of your account was signed out. You can close this page and sign in.</p>");
    const auto& f = done.error();
    if (f.code == errc::invalid_token)
        return page(400, "This link does not work",
                    "<p>It is wrong, used or expired. Ask for a new password reset e-mail and use its link.</p>");
    if (f.code == errc::validation_failed && !f.fields.empty() && f.fields.front().field == "password")
        return page(400, "Choose another password",
                    "<p>This password cannot be used: it " + html_escaped(f.fields.front().message) +
                        ". Go back and choose another.</p>");
    if (f.code == errc::account_disabled)
        return page(403, "This account is disabled",
                    "<p>Its password is unchanged. Ask the service's administrator to enable it, then use this link "
                    "again.</p>");
    return problem_from(x.req, f);
}
response change_form(services&, exchange& x) {
    const auto token = x.req.query_param("token").value_or("");
    if (token.empty()) return incomplete_link();
    return page(200, "Confirm your new e-mail address",
                "<p>Make this address the one of your account.</p>"
                "<form method=\"post\" action=\"/confirm-email-change\"><input type=\"hidden\" name=\"token\" "
                "value=\"" +
                    html_escaped(token) + "\"><button type=\"submit\">Confirm this address</button></form>");
}

response submit_change(services& s, exchange& x) {
    auto changed = s.email_changes.confirm(x.req.form_param("token").value_or(""));
    if (changed)
        return page(200, "Your e-mail address is changed",
                    "<p>Sign in with it from now on. You can close this page.</p>");
    const auto& f = changed.error();
    if (f.code == errc::invalid_token || f.code == errc::validation_failed)
        return page(400, "This link does not work",
                    "<p>It is wrong, used or expired. Ask for the change again and use the new link.</p>");
    if (f.code == errc::account_disabled)
        return page(403, "This account is disabled",
                    "<p>Its e-mail address is unchanged. Ask the service's administrator to enable it, then use this "
                    "link again.</p>");
    if (f.code == errc::email_taken)
        return page(409, "This address cannot be used",
                    "<p>Another account has this e-mail address now. Your account keeps its address.</p>");
    return problem_from(x.req, f);
}
}  // namespace

void add_email_link_pages(router& r, services& s) {
    r.add({.method = "GET", .path = "/verify-email", .limits = rate_class::standard, .handler = bind(s, link_form)});
    r.add({.method = "POST",
           .path = "/verify-email",
           .body = body_kind::form,
           .limits = rate_class::credential,
           .handler = bind(s, submit_form)});
    r.add({.method = "GET", .path = "/reset-password", .limits = rate_class::standard, .handler = bind(s, reset_form)});
    r.add({.method = "POST",
           .path = "/reset-password",
           .pool = pool_kind::hashing,
           .body = body_kind::form,
           .limits = rate_class::credential,
           .handler = bind(s, submit_reset)});
    r.add({.method = "GET",
           .path = "/confirm-email-change",
           .limits = rate_class::standard,
           .handler = bind(s, change_form)});
    r.add({.method = "POST",
           .path = "/confirm-email-change",
           .body = body_kind::form,
           .limits = rate_class::credential,
           .handler = bind(s, submit_change)});
}

}  // namespace authd::http
