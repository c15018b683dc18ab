#pragma once
#include <optional>
#include <string>

#include "core/common/time.hpp"
#include "core/ports/token_codec.hpp"

namespace authd {

/// One login: every token pair belongs to a session, and revoking the session
/// stops its access and refresh tokens everywhere at once.
struct session {
    std::string id;  ///< UUID v4, the `sid` claim
    std::string principal_id;
    principal_type type{};
    time_point created_at{};
    time_point last_used_at{};
    time_point expires_at{};  ///< when its newest refresh token expires
    std::optional<time_point> revoked_at;
    std::string user_agent;
    std::string ip;

    bool live(time_point now) const { return !revoked_at && expires_at > now; }
};

/// A refresh token at rest: only its digest is kept.
struct refresh_token {
    std::string digest;  ///< the key refresh_token_key() gives the opaque token (core/sessions/refresh_token_key.hpp)
    std::string session_id;
    time_point issued_at{};
    time_point expires_at{};
    std::optional<time_point> rotated_at;  ///< set once, when it was exchanged for a new one
};

}  // namespace authd
