#pragma once
// The domain's error vocabulary. The core returns these as values; the HTTP
// adapter maps each one to a status and a problem `code` in one table
// (adapters/http/problems.cpp).

namespace authd {

enum class errc {
    validation_failed = 1,
    invalid_credentials,
    account_locked,
    account_disabled,
    email_not_verified,
    email_taken,
    username_taken,
    phone_taken,
    not_found,
    unauthenticated,  // missing, bad, expired or revoked access token
    forbidden,        // valid token, missing role
    invalid_refresh_token,
    refresh_token_reused,
    mfa_required,
    invalid_otp,
    otp_expired,
    otp_locked,
    otp_resend_too_soon,
    invalid_mfa_code,  // a wrong second-factor code for an MFA challenge
    mfa_expired,       // the MFA challenge is over: expired, used, voided or unknown
    invalid_totp,      // TOTP management: a wrong authenticator or recovery code
    mfa_already_enabled,
    mfa_not_enabled,
    mfa_not_set_up,  // TOTP verify before setup
    invalid_token,   // e-mail verification: wrong, used or expired token
    already_verified,
    resend_too_soon,  // e-mail verification sent less than a minute ago
    conflict,
    own_account,                // admin: disabling, deleting or demoting one's own account
    last_admin,                 // the last active admin deleting their own profile
    invalid_transition,         // events: a status change the state machine forbids
    sale_not_started,           // events: ON_SALE before saleStartTime
    unknown_supplier,           // catalog: a product naming a supplier that does not exist
    sku_taken,                  // catalog: the SKU belongs to another product
    reauthentication_required,  // a factor change with neither a recent sign-in nor the password
    overloaded,                 // a bounded pool is full: try again later
    unavailable,  // a dependency (the database) is down; keep last: the problem table test counts up to it
};

}  // namespace authd
