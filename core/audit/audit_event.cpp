#include "core/audit/audit_event.hpp"

#include <utility>

namespace authd {

std::string_view to_string(audit_type t) noexcept {
    switch (t) {
        case audit_type::sign_in: return "sign_in";
        case audit_type::account_locked: return "account_locked";
        case audit_type::refresh_token_reused: return "refresh_token_reused";
        case audit_type::logout: return "logout";
        case audit_type::logout_all: return "logout_all";
        case audit_type::session_revoked: return "session_revoked";
        case audit_type::password_reset: return "password_reset";
        case audit_type::password_changed: return "password_changed";
        case audit_type::email_change_requested: return "email_change_requested";
        case audit_type::email_changed: return "email_changed";
        case audit_type::mfa_enabled: return "mfa_enabled";
        case audit_type::mfa_disabled: return "mfa_disabled";
        case audit_type::recovery_code_used: return "recovery_code_used";
        case audit_type::account_registered: return "account_registered";
        case audit_type::account_created: return "account_created";
        case audit_type::account_enabled: return "account_enabled";
        case audit_type::account_disabled: return "account_disabled";
        case audit_type::account_deleted: return "account_deleted";
        case audit_type::roles_changed: return "roles_changed";
        case audit_type::account_unlocked: return "account_unlocked";
        case audit_type::sessions_revoked: return "sessions_revoked";
        case audit_type::agent_registered: return "agent_registered";
        case audit_type::agent_status_changed: return "agent_status_changed";
        case audit_type::signing_key_rotated: return "signing_key_rotated";
    }
    return "";
}

std::optional<audit_type> parse_audit_type(std::string_view text) noexcept {
    for (const auto t : all_audit_types)
        if (to_string(t) == text) return t;
    return std::nullopt;
}

std::string_view to_string(audit_outcome o) noexcept { return o == audit_outcome::success ? "success" : "failure"; }

std::optional<audit_outcome> parse_audit_outcome(std::string_view text) noexcept {
    if (text == "success") return audit_outcome::success;
    if (text == "failure") return audit_outcome::failure;
    return std::nullopt;
}

namespace {
const request_origin no_origin{};
thread_local const request_origin* current = &no_origin;
}  // namespace

origin_scope::origin_scope(request_origin origin) : origin_(std::move(origin)), previous_(current) {
    current = &origin_;
}

origin_scope::~origin_scope() { current = previous_; }

const request_origin& current_origin() noexcept { return *current; }

}  // namespace authd
