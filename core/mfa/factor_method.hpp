#pragma once
#include <optional>
#include <string_view>

namespace authd {

/// How the second factor of a login is proven: a code from the authenticator app, or one sent by e-mail.
enum class factor_method { email, totp };

/// "email", "totp"
std::string_view to_string(factor_method m) noexcept;
std::optional<factor_method> parse_factor_method(std::string_view text) noexcept;

}  // namespace authd
