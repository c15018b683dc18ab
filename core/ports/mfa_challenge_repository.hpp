#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "core/common/time.hpp"
#include "core/mfa/factor_method.hpp"

namespace authd {

/// A login waiting for its second factor. The client holds the mfa_token; only its digest is kept.
struct mfa_challenge {
    std::string token_digest;  ///< SHA-256 of the mfa_token
    std::string user_id;
    factor_method method = factor_method::email;
    std::optional<std::string> code_digest;  ///< e-mail: the keyed digest of the code that was sent
    int failures = 0;                        ///< wrong codes against this challenge; the maximum once they voided it
    time_point created_at{};
    time_point expires_at{};
    std::optional<time_point> ended_at;  ///< completed, or voided by wrong codes or a lock
};

/// Logins waiting for their second factor.
class mfa_challenge_repository {
public:
    virtual ~mfa_challenge_repository() = default;
    virtual void insert(const mfa_challenge& c) = 0;
    /// Reads the challenge for an update in this transaction.
    virtual std::optional<mfa_challenge> lock(std::string_view token_digest) = 0;
    /// Writes failures and ended_at.
    virtual void update(const mfa_challenge& c) = 0;
    /// Ends every open challenge of the user (a lock, a completed login).
    virtual void end_all(std::string_view user_id, time_point now) = 0;
};

}  // namespace authd
