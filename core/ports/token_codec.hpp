#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/time.hpp"

namespace authd {

enum class principal_type { agent, user };

std::string_view to_string(principal_type t) noexcept;
std::optional<principal_type> parse_principal_type(std::string_view s) noexcept;

/// The claims of an access token (JWT): iss is the codec's own setting.
struct access_claims {
    std::string subject;     ///< sub: the principal's id
    principal_type type{};   ///< typ
    std::string session_id;  ///< sid
    std::vector<std::string> roles;
    time_point issued_at{};   ///< iat
    time_point expires_at{};  ///< exp
    std::string token_id;     ///< jti
};

/// Signs and verifies access tokens. verify() refuses every token that is not
/// exactly what sign() makes: another alg (none included), a bad signature, a
/// wrong iss, a missing or past exp, an nbf in the future, an unknown typ.
class token_codec {
public:
    virtual ~token_codec() = default;
    virtual std::string sign(const access_claims& claims) = 0;
    virtual std::optional<access_claims> verify(std::string_view token, time_point now) = 0;
};

}  // namespace authd
