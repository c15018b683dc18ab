#pragma once
// The one rule for a new password, wherever one is chosen (registration, reset, change, the operator's commands).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ports/password_screen.hpp"
#include "core/users/user.hpp"

namespace authd {

/// What an attacker knows of an account: its e-mail address, the address's name part, and its names.
std::vector<std::string> personal_details(std::string_view email, const std::vector<std::string>& names);
std::vector<std::string> personal_details(const user& u);

/// Why a new password is refused (the length rule, one of the account's own details, too easy to guess), or
/// nothing.
std::optional<std::string> check_new_password(std::string_view password, const std::vector<std::string>& personal,
                                              password_screen& screen);

}  // namespace authd
