#pragma once
#include <string>

#include "core/ports/password_screen.hpp"

namespace authd::crypto {

/// The password screen of zxcvbn (Debian's libzxcvbn): it estimates how many guesses a password takes, from its
/// lists (common passwords, English words, names, surnames, TV and film) and the patterns people build from them
/// (l33t, repeats, sequences, keyboard walks, dates), and from the account's own details and the service's name.
/// A password is refused below 18 bits, about 260,000 guesses: "password1", "qwertyuiop", "iloveyou", "monkey123",
/// "admin password" are; a random 8-letter one (about 37 bits) and two words with a separator are not.
class zxcvbn_screen final : public password_screen {
public:
    /// `app_name`: the service's name, which an attacker knows too.
    explicit zxcvbn_screen(std::string app_name);
    std::optional<std::string> too_guessable(std::string_view password,
                                             const std::vector<std::string>& personal) override;

    static constexpr double min_bits = 18.0;

private:
    std::string app_name_;
};

}  // namespace authd::crypto
