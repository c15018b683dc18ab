#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/common/time.hpp"
#include "core/lockout/lockout.hpp"

namespace authd {

/// A person with a password: users of /api/auth and clients of /api/v1/clients
/// are one identity store.
struct user {
    std::string id;                        ///< UUID v4
    std::string email;                     ///< lower-cased
    std::optional<std::string> username;
    std::string name;
    std::string password_hash;             ///< PHC string (argon2id) or legacy bcrypt
    std::vector<std::string> roles;        ///< customer, staff, admin
    bool is_active = true;
    bool email_verified = false;
    bool mfa_enabled = false;
    lockout_state lockout;                 ///< failed logins in a row, and the lock they caused
    time_point created_at{};
    time_point updated_at{};
};

/// The roles a user may hold, in one place.
inline const std::vector<std::string>& known_roles() {
    static const std::vector<std::string> roles{"customer", "staff", "admin"};
    return roles;
}

}  // namespace authd
