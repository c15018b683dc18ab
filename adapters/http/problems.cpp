#include "adapters/http/problems.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "adapters/json/json.hpp"

namespace authd::http {
namespace {

using enum auth_challenge;
using hp = http_problem;

// The one table. Several kinds may share a public `code` (the contract gives `invalid_token` to a wrong e-mail
// verification token and to a rejected bearer token), never a row.
constexpr std::array rows{
    problem_row{errc::validation_failed, 400, "validation_failed", "Some fields are not valid."},
    problem_row{errc::invalid_credentials, 401, "invalid_credentials", "Wrong credentials.", bearer},
    problem_row{errc::account_locked, 403, "account_locked", "The account is locked for now."},
    problem_row{errc::account_disabled, 403, "account_disabled", "The account is disabled."},
    problem_row{errc::email_not_verified, 403, "email_not_verified", "Verify the e-mail address first."},
    problem_row{errc::email_taken, 409, "email_taken", "The e-mail address is taken."},
    problem_row{errc::username_taken, 409, "username_taken", "The username is taken."},
    problem_row{errc::phone_taken, 409, "phone_taken", "The phone number is taken."},
    problem_row{errc::not_found, 404, "not_found", "Not found."},
    problem_row{errc::unauthenticated, 401, "unauthorized", "The token is not valid.", bearer_invalid_token},
    problem_row{errc::forbidden, 403, "forbidden", "Your account may not use this route."},
    problem_row{errc::invalid_refresh_token, 401, "invalid_refresh_token", "The refresh token is not valid.", bearer},
    problem_row{errc::refresh_token_reused, 401, "refresh_token_reused", "The refresh token was used already.", bearer},
    problem_row{errc::mfa_required, 401, "mfa_required", "A second factor is needed to finish this login.", bearer},
    problem_row{errc::invalid_otp, 401, "invalid_otp", "Wrong code.", bearer},
    problem_row{errc::otp_expired, 401, "otp_expired", "The code has expired.", bearer},
    problem_row{errc::otp_locked, 403, "otp_locked", "Too many wrong codes; wait before trying again."},
    problem_row{errc::otp_resend_too_soon, 429, "otp_resend_too_soon", "A code was sent moments ago."},
    problem_row{errc::invalid_mfa_code, 401, "invalid_mfa_code", "Wrong code.", bearer},
    problem_row{errc::mfa_expired, 401, "mfa_expired", "The sign-in attempt is over; sign in again.", bearer},
    problem_row{errc::invalid_totp, 400, "invalid_totp", "Wrong code."},
    problem_row{errc::mfa_already_enabled, 409, "mfa_already_enabled", "Two-factor sign-in is on already."},
    problem_row{errc::mfa_not_enabled, 409, "mfa_not_enabled", "Two-factor sign-in is off."},
    problem_row{errc::mfa_not_set_up, 409, "mfa_not_set_up", "Set two-factor sign-in up first."},
    problem_row{errc::invalid_token, 400, "invalid_token", "The token is wrong, used or expired."},
    problem_row{errc::already_verified, 409, "already_verified", "The e-mail address is verified already."},
    problem_row{errc::resend_too_soon, 429, "resend_too_soon", "A message was sent moments ago."},
    problem_row{errc::conflict, 409, "conflict", "A concurrent change won; try again."},
    problem_row{errc::own_account, 409, "cannot_change_own_account", "An admin cannot do this to their own account."},
    problem_row{errc::last_admin, 409, "last_admin", "The last active admin must remain."},
    problem_row{errc::invalid_transition, 409, "invalid_transition", "That status change is not allowed."},
    problem_row{errc::sale_not_started, 409, "sale_not_started", "The sale has not started yet."},
    problem_row{errc::unknown_supplier, 400, "unknown_supplier", "No such supplier."},
    problem_row{errc::sku_taken, 409, "sku_taken", "The SKU belongs to another product."},
    problem_row{errc::reauthentication_required, 403, "reauthentication_required",
                "Sign in again, or give the password, to change a sign-in factor."},
    problem_row{errc::overloaded, 503, "overloaded", "The server is busy; try again shortly.", none, 1},
    problem_row{errc::unavailable, 503, "database_unavailable", "The database is unavailable; try again shortly.", none,
                5},
    problem_row{hp::bad_request, 400, "bad_request", "The request is not valid HTTP."},
    problem_row{hp::route_not_found, 404, "not_found", "No such route."},
    problem_row{hp::method_not_allowed, 405, "method_not_allowed", "This route does not answer that method."},
    problem_row{hp::method_not_implemented, 501, "method_not_implemented", "authd does not implement this method."},
    problem_row{hp::coding_not_implemented, 501, "transfer_coding_not_implemented",
                "authd decodes no transfer coding but chunked."},
    problem_row{hp::unsupported_media_type, 415, "unsupported_media_type", "Send the body as application/json."},
    problem_row{hp::malformed_json, 400, "malformed_json", "The body must be a JSON object."},
    problem_row{hp::payload_too_large, 413, "payload_too_large", "The body is over the size limit."},
    problem_row{hp::headers_too_large, 431, "headers_too_large", "The headers are over 8 KiB."},
    problem_row{hp::rate_limited, 429, "rate_limited", "Too many requests; slow down."},
    problem_row{hp::token_missing, 401, "unauthorized", "A bearer token is required.", bearer},
    problem_row{hp::validate_token_missing, 401, "invalid_token",
                "A token is required, as a bearer header or as {\"token\"}.", bearer},
    problem_row{hp::validate_token_rejected, 401, "invalid_token", "The token is not valid.", bearer_invalid_token},
    problem_row{hp::internal_error, 500, "internal_error", "Something went wrong on our side."},
};

std::string_view title_of(int status) {
    switch (status) {
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 409: return "Conflict";
        case 413: return "Content Too Large";
        case 415: return "Unsupported Media Type";
        case 429: return "Too Many Requests";
        case 431: return "Request Header Fields Too Large";
        case 501: return "Not Implemented";
        case 503: return "Service Unavailable";
        default: return "Internal Server Error";
    }
}

response render(const request& req, const problem_row& row, std::string_view detail, std::string_view extra_members) {
    json::writer w;
    w.begin_object()
        .field("type", "about:blank")
        .field("title", title_of(row.status))
        .field("status", row.status)
        .field("detail", detail.empty() ? row.default_detail : detail)
        .field("code", row.code)
        .field("request_id", req.request_id);
    std::string body = std::move(w.end_object()).str();
    if (!extra_members.empty()) body.insert(body.size() - 1, "," + std::string(extra_members));
    response r;
    r.status = row.status;
    r.body = std::move(body);
    r.problem_code = std::string(row.code);
    r.set_header("Content-Type", "application/problem+json");
    if (row.challenge == bearer) r.set_header("WWW-Authenticate", "Bearer");
    if (row.challenge == bearer_invalid_token) r.set_header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    if (row.retry_after_seconds > 0) r.set_header("Retry-After", std::to_string(row.retry_after_seconds));
    return r;
}

/// The members a failure adds to its problem details: `errors`, `attempts_remaining`, and an MFA challenge's
/// `mfaToken`, `deliveryMethod` and `expiresIn` (only users meet mfa_required, and their JSON is camelCase).
std::string extra_members_of(const failure& f) {
    json::writer w;
    w.begin_object();
    if (!f.fields.empty()) {
        w.key("errors").begin_array();
        for (const auto& e : f.fields)
            w.begin_object().field("field", e.field).field("message", e.message).end_object();
        w.end_array();
    }
    if (f.attempts_remaining) w.field("attempts_remaining", static_cast<std::int64_t>(*f.attempts_remaining));
    if (f.challenge)
        w.field("mfaToken", f.challenge->mfa_token)
            .field("deliveryMethod", to_string(f.challenge->delivery_method))
            .field("expiresIn", static_cast<std::int64_t>(f.challenge->expires_in.count()));
    std::string members = std::move(w.end_object()).str();
    return members.substr(1, members.size() - 2);  // without the braces
}

}  // namespace

int rows_for(problem_kind kind) {
    return static_cast<int>(std::count_if(rows.begin(), rows.end(), [&](const auto& r) { return r.kind == kind; }));
}

const problem_row& problem_of(problem_kind kind) {
    const auto it = std::find_if(rows.begin(), rows.end(), [&](const auto& r) { return r.kind == kind; });
    return it != rows.end() ? *it : rows.back();  // unreachable: the table's test gives every kind a row
}

response problem(const request& req, http_problem kind, std::string_view detail, std::string_view extra_members) {
    return render(req, problem_of(kind), detail, extra_members);
}

response problem_from(const request& req, const failure& f) {
    auto r = render(req, problem_of(f.code), f.detail, extra_members_of(f));
    if (f.retry_after) r.set_header("Retry-After", std::to_string(std::max<long long>(1, f.retry_after->count())));
    return r;
}

}  // namespace authd::http
