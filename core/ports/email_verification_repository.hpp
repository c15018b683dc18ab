#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "core/common/time.hpp"

namespace authd {

/// A link e-mailed to prove an address. Only the token's digest is kept.
struct email_verification {
    std::string token_digest;  ///< SHA-256 of the token
    std::string user_id;
    time_point created_at{};
    time_point expires_at{};
    std::optional<time_point> used_at;  ///< used, or replaced by a newer one
};

/// The e-mail verification tokens sent to clients.
class email_verification_repository {
public:
    virtual ~email_verification_repository() = default;
    virtual void insert(const email_verification& v) = 0;
    virtual std::optional<email_verification> find(std::string_view token_digest) = 0;
    /// The newest verification sent to the user, used or not (for the resend cooldown).
    virtual std::optional<email_verification> latest(std::string_view user_id) = 0;
    /// Marks every unused verification of the user used: a verified address, or a new token replacing them.
    virtual void end_all(std::string_view user_id, time_point now) = 0;
};

}  // namespace authd
