#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "core/common/time.hpp"

namespace authd {

/// A single-use token e-mailed to prove something: that an address is one's own (e-mail verification), that one may
/// set a new password (password reset), that a new address for an account is one's own (e-mail change). Only the
/// token's digest is kept.
struct emailed_token {
    std::string token_digest;  ///< SHA-256 of the token
    std::string user_id;
    time_point created_at{};
    time_point expires_at{};
    std::optional<time_point> used_at;  ///< used, or replaced by a newer one
    std::string new_email = {};         ///< e-mail changes only: the address the token confirms
};

/// The tokens of one purpose (each purpose has its own store: a verification token never resets a password).
class emailed_token_repository {
public:
    virtual ~emailed_token_repository() = default;
    virtual void insert(const emailed_token& t) = 0;
    virtual std::optional<emailed_token> find(std::string_view token_digest) = 0;
    /// The newest token sent to the user, used or not (for the resend cooldown).
    virtual std::optional<emailed_token> latest(std::string_view user_id) = 0;
    /// Marks every unused token of the user used: the purpose is fulfilled, or a new token replaces them.
    virtual void end_all(std::string_view user_id, time_point now) = 0;
};

}  // namespace authd
