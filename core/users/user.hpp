#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/common/time.hpp"
#include "core/lockout/lockout.hpp"

namespace authd {

/// A person with a password: users of /api/auth and clients of /api/v1/clients
/// are one identity store.
struct user {
    std::string id;     ///< UUID v4
    std::string email;  ///< lower-cased
    std::optional<std::string> username;
    std::string name;
    std::string password_hash;       ///< PHC string (argon2id) or legacy bcrypt
    std::vector<std::string> roles;  ///< customer, staff, admin
    bool is_active = true;
    bool email_verified = false;
    bool mfa_enabled = false;  ///< TOTP is on
    /// Created through /api/v1/clients: the account needs a verified e-mail to log in,
    /// and an e-mailed code as its second factor unless TOTP is on.
    bool is_client = false;
    std::optional<std::string> first_name;    ///< clients
    std::optional<std::string> last_name;     ///< clients
    std::optional<std::string> phone_number;  ///< clients, optional, E.164
    /// The TOTP seed sealed by the secret_box (set at setup, kept while MFA is on).
    std::optional<std::string> totp_secret;
    std::int64_t totp_last_step = 0;  ///< the last TOTP step accepted: no code is taken twice
    lockout_state lockout;            ///< failed logins in a row, and the lock they caused
    time_point created_at{};
    time_point updated_at{};
};

/// The roles a user may hold, in one place.
inline const std::vector<std::string>& known_roles() {
    static const std::vector<std::string> roles{"customer", "staff", "admin"};
    return roles;
}

}  // namespace authd
