#include "core/ports/token_codec.hpp"

namespace authd {

std::string_view to_string(principal_type t) noexcept { return t == principal_type::agent ? "agent" : "user"; }

std::optional<principal_type> parse_principal_type(std::string_view s) noexcept {
    if (s == "agent") return principal_type::agent;
    if (s == "user") return principal_type::user;
    return std::nullopt;
}

}  // namespace authd
