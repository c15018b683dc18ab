#include "core/mfa/factor_method.hpp"

#include <initializer_list>

namespace authd {

std::string_view to_string(factor_method m) noexcept {
    switch (m) {
        case factor_method::email: return "email";
        case factor_method::totp: return "totp";
    }
    return "";
}

std::optional<factor_method> parse_factor_method(std::string_view text) noexcept {
    for (const auto m : {factor_method::email, factor_method::totp})
        if (to_string(m) == text) return m;
    return std::nullopt;
}

}  // namespace authd
