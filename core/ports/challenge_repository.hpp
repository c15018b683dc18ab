#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/time.hpp"

namespace authd {

/// A login waiting for its second factor. The client holds the mfa_token; only its digest is kept.
struct mfa_challenge {
    std::string token_digest;  ///< SHA-256 of the mfa_token
    std::string user_id;
    std::string method;                      ///< "email" or "totp"
    std::optional<std::string> code_digest;  ///< e-mail: the keyed digest of the code that was sent
    int failures = 0;                        ///< wrong codes against this challenge
    time_point created_at{};
    time_point expires_at{};
    std::optional<time_point> ended_at;  ///< completed, or voided by wrong codes or a lock
};

/// A link e-mailed to prove an address. Only the token's digest is kept.
struct email_verification {
    std::string token_digest;  ///< SHA-256 of the token
    std::string user_id;
    time_point created_at{};
    time_point expires_at{};
    std::optional<time_point> used_at;  ///< used, or replaced by a newer one
};

/// The short-lived secrets that prove something about an account: MFA challenges,
/// TOTP recovery codes and e-mail verification tokens. Digests only, never the secrets.
class challenge_repository {
public:
    virtual ~challenge_repository() = default;

    virtual void insert_challenge(const mfa_challenge& c) = 0;
    /// Reads the challenge for an update in this transaction.
    virtual std::optional<mfa_challenge> lock_challenge(std::string_view token_digest) = 0;
    /// Writes failures and ended_at.
    virtual void update_challenge(const mfa_challenge& c) = 0;
    /// Ends every open challenge of the user (a lock, a completed login).
    virtual void end_challenges(std::string_view user_id, time_point now) = 0;

    /// Replaces the user's recovery codes by these digests, all unused.
    virtual void replace_recovery_codes(std::string_view user_id, const std::vector<std::string>& digests,
                                        time_point now) = 0;
    /// Marks an unused recovery code used; false when the user has no such unused code.
    virtual bool use_recovery_code(std::string_view user_id, std::string_view digest, time_point now) = 0;

    virtual void insert_verification(const email_verification& v) = 0;
    virtual std::optional<email_verification> find_verification(std::string_view token_digest) = 0;
    /// The newest verification sent to the user, used or not (for the resend cooldown).
    virtual std::optional<email_verification> latest_verification(std::string_view user_id) = 0;
    /// Marks every unused verification of the user used: a verified address, or a new token replacing them.
    virtual void end_verifications(std::string_view user_id, time_point now) = 0;
};

}  // namespace authd
