#pragma once
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/common/result.hpp"
#include "core/common/validation.hpp"
#include "core/lockout/lockout.hpp"
#include "core/ports/clock.hpp"
#include "core/ports/password_hasher.hpp"
#include "core/sessions/token_service.hpp"
#include "core/users/user.hpp"

namespace authd {

/// A partial update of one's own profile: absent fields stay as they are.
struct profile_changes {
    std::optional<std::string> name;
    std::optional<std::string> username;
    bool clear_username = false;  ///< `"username": null`
};

/// Preferences are a JSON object the core never looks into; only their size is its rule.
inline constexpr std::size_t max_preferences_bytes = 64 * 1024;

/// Turns the stored preferences (serialized JSON, "{}" when none) into the new ones.
using preferences_change = std::function<std::string(const std::string& current)>;

/// What a signed-in user does to their own account: profile, preferences, deletion.
class profile_service {
public:
    profile_service(unit_of_work& uow, password_hasher& hasher, token_service& tokens, const clock& clk,
                    lockout_policy login_lockout);

    /// `found`: what the adapter already found wrong reading the request; one 400 then lists it with the rest.
    result<user> update(std::string_view user_id, const profile_changes& c, validator found = {});
    /// Deletes the account once the password is proven, and ends every session of it. A wrong
    /// password counts as a failed login.
    /// Verifies a password hash: call it off the I/O threads.
    outcome remove(std::string_view user_id, std::string_view password);

    /// The serialized JSON object of the user's preferences ("{}" for a new user).
    result<std::string> preferences(std::string_view user_id);
    /// Applies `change` to the stored preferences outside any transaction, then stores the result unless another
    /// change came first (then it starts again; 409 conflict after a few lost races).
    result<std::string> change_preferences(std::string_view user_id, const preferences_change& change);

private:
    unit_of_work& uow_;
    password_hasher& hasher_;
    token_service& tokens_;
    const clock& clock_;
    lockout_policy lockout_;
};

}  // namespace authd
