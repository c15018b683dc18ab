#include "adapters/http/responses.hpp"

#include "adapters/json/json.hpp"

namespace authd::http {
namespace {
struct mapping {
    int status;
    std::string_view code;
};

/// The one place where a domain error becomes an HTTP status and a `code`.
mapping map(errc e) {
    switch (e) {
        case errc::validation_failed: return {400, "validation_failed"};
        case errc::invalid_credentials: return {401, "invalid_credentials"};
        case errc::account_locked: return {403, "account_locked"};
        case errc::account_disabled: return {403, "account_disabled"};
        case errc::email_not_verified: return {403, "email_not_verified"};
        case errc::email_taken: return {409, "email_taken"};
        case errc::username_taken: return {409, "username_taken"};
        case errc::phone_taken: return {409, "phone_taken"};
        case errc::not_found: return {404, "not_found"};
        case errc::unauthenticated: return {401, "unauthorized"};
        case errc::forbidden: return {403, "forbidden"};
        case errc::invalid_refresh_token: return {401, "invalid_refresh_token"};
        case errc::refresh_token_reused: return {401, "refresh_token_reused"};
        case errc::mfa_required: return {401, "mfa_required"};
        case errc::invalid_otp: return {401, "invalid_otp"};
        case errc::otp_expired: return {401, "otp_expired"};
        case errc::otp_locked: return {403, "otp_locked"};
        case errc::otp_resend_too_soon: return {429, "otp_resend_too_soon"};
        case errc::invalid_mfa_code: return {401, "invalid_mfa_code"};
        case errc::mfa_expired: return {401, "mfa_expired"};
        case errc::invalid_totp: return {400, "invalid_totp"};
        case errc::mfa_already_enabled: return {409, "mfa_already_enabled"};
        case errc::mfa_not_enabled: return {409, "mfa_not_enabled"};
        case errc::mfa_not_set_up: return {409, "mfa_not_set_up"};
        case errc::invalid_token: return {400, "invalid_token"};
        case errc::already_verified: return {409, "already_verified"};
        case errc::resend_too_soon: return {429, "resend_too_soon"};
        case errc::conflict: return {409, "conflict"};
        case errc::own_account: return {409, "cannot_change_own_account"};
        case errc::last_admin: return {409, "last_admin"};
        case errc::invalid_transition: return {409, "invalid_transition"};
        case errc::sale_not_started: return {409, "sale_not_started"};
        case errc::unknown_supplier: return {400, "unknown_supplier"};
        case errc::sku_taken: return {409, "sku_taken"};
        case errc::overloaded: return {503, "overloaded"};
        case errc::unavailable: return {503, "database_unavailable"};
    }
    return {500, "internal_error"};
}

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
        case 503: return "Service Unavailable";
        default: return status >= 500 ? "Internal Server Error" : "Error";
    }
}
}  // namespace

response json_response(int status, std::string body) {
    response r;
    r.status = status;
    r.body = std::move(body);
    r.set_header("Content-Type", "application/json");
    return r;
}

response no_content() {
    response r;
    r.status = 204;
    return r;
}

response problem(const request& req, int status, std::string_view code, std::string_view detail,
                 std::string_view extra_members) {
    json::writer w;
    w.begin_object()
        .field("type", "about:blank")
        .field("title", title_of(status))
        .field("status", status)
        .field("detail", detail)
        .field("code", code)
        .field("request_id", req.request_id);
    std::string body = std::move(w.end_object()).str();
    if (!extra_members.empty()) body.insert(body.size() - 1, "," + std::string(extra_members));
    response r;
    r.status = status;
    r.body = std::move(body);
    r.problem_code = std::string(code);
    r.set_header("Content-Type", "application/problem+json");
    return r;
}

response problem_from(const request& req, const failure& f) {
    const auto m = map(f.code);
    std::string extra;
    if (!f.fields.empty()) {
        json::writer w;
        w.begin_array();
        for (const auto& e : f.fields) w.begin_object().field("field", e.field).field("message", e.message).end_object();
        extra = "\"errors\":" + std::move(w.end_array()).str();
    }
    if (f.attempts_remaining) {
        if (!extra.empty()) extra += ',';
        extra += "\"attempts_remaining\":" + std::to_string(*f.attempts_remaining);
    }
    auto r = problem(req, m.status, m.code, f.detail, extra);
    if (f.retry_after) r.set_header("Retry-After", std::to_string(std::max<long long>(1, f.retry_after->count())));
    if (m.status == 401) r.set_header("WWW-Authenticate", "Bearer");
    return r;
}

response unauthorized(const request& req, std::string_view detail, bool token_was_sent) {
    auto r = problem(req, 401, "unauthorized", detail);
    r.set_header("WWW-Authenticate", token_was_sent ? "Bearer error=\"invalid_token\"" : "Bearer");
    return r;
}

}  // namespace authd::http
