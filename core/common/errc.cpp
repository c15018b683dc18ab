#include "core/common/errc.hpp"

namespace authd {

std::string_view to_string(errc e) noexcept {
    switch (e) {
        case errc::validation_failed: return "validation_failed";
        case errc::invalid_credentials: return "invalid_credentials";
        case errc::account_locked: return "account_locked";
        case errc::account_disabled: return "account_disabled";
        case errc::email_not_verified: return "email_not_verified";
        case errc::email_taken: return "email_taken";
        case errc::username_taken: return "username_taken";
        case errc::phone_taken: return "phone_taken";
        case errc::not_found: return "not_found";
        case errc::unauthenticated: return "unauthenticated";
        case errc::forbidden: return "forbidden";
        case errc::invalid_refresh_token: return "invalid_refresh_token";
        case errc::refresh_token_reused: return "refresh_token_reused";
        case errc::mfa_required: return "mfa_required";
        case errc::invalid_otp: return "invalid_otp";
        case errc::otp_expired: return "otp_expired";
        case errc::otp_locked: return "otp_locked";
        case errc::otp_resend_too_soon: return "otp_resend_too_soon";
        case errc::invalid_mfa_code: return "invalid_mfa_code";
        case errc::mfa_expired: return "mfa_expired";
        case errc::invalid_totp: return "invalid_totp";
        case errc::mfa_already_enabled: return "mfa_already_enabled";
        case errc::mfa_not_enabled: return "mfa_not_enabled";
        case errc::mfa_not_set_up: return "mfa_not_set_up";
        case errc::invalid_token: return "invalid_token";
        case errc::already_verified: return "already_verified";
        case errc::resend_too_soon: return "resend_too_soon";
        case errc::conflict: return "conflict";
        case errc::own_account: return "cannot_change_own_account";
        case errc::last_admin: return "last_admin";
        case errc::invalid_transition: return "invalid_transition";
        case errc::sale_not_started: return "sale_not_started";
        case errc::unknown_supplier: return "unknown_supplier";
        case errc::sku_taken: return "sku_taken";
        case errc::overloaded: return "overloaded";
        case errc::unavailable: return "unavailable";
    }
    return "unknown";
}

namespace {
class domain_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "authd"; }
    std::string message(int ev) const override { return std::string(to_string(static_cast<errc>(ev))); }
};
}  // namespace

const std::error_category& domain_category() noexcept {
    static const domain_category_impl instance;
    return instance;
}

std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), domain_category()}; }

}  // namespace authd
