#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/sessions/session.hpp"

namespace authd {

/// Sessions and their refresh tokens (stored as digests only).
class session_repository {
public:
    virtual ~session_repository() = default;
    virtual void insert(const session& s) = 0;
    virtual std::optional<session> find(std::string_view id) = 0;
    virtual std::vector<session> list_active(std::string_view principal_id, time_point now) = 0;
    virtual void touch(std::string_view id, time_point last_used_at, time_point expires_at) = 0;
    /// Revokes one session; false when it was unknown or already revoked.
    virtual bool revoke(std::string_view id, time_point now) = 0;
    /// Revokes every live session of a principal; returns how many.
    virtual int revoke_all(std::string_view principal_id, time_point now) = 0;

    virtual void insert_refresh_token(const refresh_token& t) = 0;
    virtual std::optional<refresh_token> find_refresh_token(std::string_view digest) = 0;
    /// Marks a refresh token rotated, once: UPDATE ... WHERE rotated_at IS NULL.
    /// Of several concurrent callers exactly one gets true.
    virtual bool mark_rotated(std::string_view digest, time_point now) = 0;
};

}  // namespace authd
