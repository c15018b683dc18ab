#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace authd {

/// What an attacker tries first: the passwords people use most (and their usual variations), and what is known of the
/// account. No composition rules, and nothing that refuses a random password of the allowed length.
class password_screen {
public:
    virtual ~password_screen() = default;
    /// Why `password` is too easy to guess, worded to follow "password " in a 400 ("is too easy to guess: ..."); nothing
    /// when it is not. `personal`: what an attacker knows of the account (its e-mail address, its names).
    virtual std::optional<std::string> too_guessable(std::string_view password,
                                                     const std::vector<std::string>& personal) = 0;
};

}  // namespace authd
