#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/result.hpp"
#include "core/lockout/lockout.hpp"
#include "core/mfa/second_factor.hpp"
#include "core/ports/clock.hpp"
#include "core/ports/password_hasher.hpp"
#include "core/ports/unit_of_work.hpp"
#include "core/sessions/token_service.hpp"

namespace authd {

struct totp_setup {
    std::string secret;       ///< base32, for typing into an app
    std::string otpauth_uri;  ///< for a QR code
};

/// A signed-in user turning TOTP on and off. Setup stores a new sealed seed; MFA is on only
/// once a code from the app proves the user holds it.
class totp_service {
public:
    /// `reauth_window`: how recent a sign-in turns the factor on without the password (REAUTH_WINDOW_MINUTES).
    totp_service(unit_of_work& uow, password_hasher& hasher, second_factor& factor, token_service& tokens,
                 const clock& clk, lockout_policy login_lockout, seconds reauth_window = std::chrono::minutes{10});

    /// A new seed, replacing one that was set up but never verified. mfa_already_enabled when on.
    result<totp_setup> setup(std::string_view user_id);
    /// Turns MFA on with a code from the app; returns the ten recovery codes, shown this once.
    /// Turning the factor on needs more than an access token: a sign-in within the reauthentication window, or
    /// `password` (a wrong one counts as a failed login); else reauthentication_required. `end_other_sessions`:
    /// every other session of the account ends too (one opened by whoever knew only the password).
    result<std::vector<std::string>> enable(const principal& who, std::string_view code,
                                            std::optional<std::string_view> password = std::nullopt,
                                            bool end_other_sessions = false);
    /// Turns MFA off: needs the password and a code (authenticator or recovery). A wrong one counts
    /// as a failed login. Verifies a password hash: call it off the I/O threads. `keep_only`: a session id; every
    /// other session of the account ends too.
    outcome disable(std::string_view user_id, std::string_view password, std::string_view code,
                    std::optional<std::string_view> keep_only = std::nullopt);

private:
    unit_of_work& uow_;
    password_hasher& hasher_;
    second_factor& factor_;
    token_service& tokens_;
    const clock& clock_;
    lockout_policy lockout_;
    seconds reauth_window_;
};

}  // namespace authd
