#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/lockout/lockout.hpp"
#include "core/lockout/security_policy.hpp"
#include "core/mfa/mfa_pending.hpp"
#include "core/mfa/totp.hpp"
#include "core/ports/notifier.hpp"
#include "core/ports/random.hpp"
#include "core/ports/secret_box.hpp"
#include "core/ports/secret_digest.hpp"
#include "core/ports/unit_of_work.hpp"
#include "core/users/user.hpp"

namespace authd {

struct mfa_settings {
    seconds challenge_ttl = security_policy{}.challenge_ttl;
    int max_code_failures = security_policy{}.challenge_max_failures;  ///< wrong codes that void one challenge
    std::string issuer = "authd";
    totp_settings totp = {};
};

/// An opened challenge, and the e-mail to queue in its transaction.
struct opened_challenge {
    mfa_pending pending;
    std::optional<outgoing_message> mail;
};

/// The second factor of an account: TOTP (with recovery codes) when it is on, else an
/// e-mailed code for clients. Shared by both login routes and the TOTP settings, so that
/// one rule decides what counts as a right code.
class second_factor {
public:
    second_factor(secret_digest& digest, secret_box& box, hmac_sha1& mac, random_source& rng, mfa_settings s);

    /// Whether logging in to this account takes a second step.
    static bool required(const user& u) { return u.mfa_enabled || u.is_client; }

    /// Checks an authenticator code, or else a recovery code, against the account's TOTP
    /// seed. A right code is spent at once: the step moves on in `u` (the caller writes the
    /// user) or the recovery code is marked used.
    bool accept_totp(repositories& repos, user& u, std::string_view code, time_point now);

    /// Opens a challenge for the account's factor: TOTP when it is on, else an e-mailed code.
    opened_challenge open(repositories& repos, const user& u, time_point now);

    /// Whether `code` is the one e-mailed for this challenge.
    bool matches_email_code(const mfa_challenge& c, std::string_view code);

    /// Counts a wrong code against the challenge with the lockout's counter; true when it is the last one allowed,
    /// which ends the challenge (the caller writes it).
    bool count_wrong_code(mfa_challenge& c, time_point now) const;
    /// Wrong codes the challenge still takes (0 once they voided it).
    int codes_remaining(const mfa_challenge& c) const;

    /// The digest a challenge is stored under.
    std::string challenge_digest(std::string_view mfa_token) { return digest_.sha256_hex(mfa_token); }

    /// A new random TOTP seed (20 bytes, as RFC 4226 recommends), sealed for the user's row,
    /// and its base32 text for the authenticator app.
    struct new_seed {
        std::string sealed;
        std::string base32;
    };
    new_seed make_seed(const user& u);

    /// The step of `code` if it is the current authenticator code of a sealed seed (recovery codes aside).
    std::optional<std::int64_t> match_seed(const user& u, std::string_view code, time_point now);

    /// Ten new single-use recovery codes ("xxxxx-xxxxx"), replacing the old ones; only digests are stored.
    std::vector<std::string> new_recovery_codes(repositories& repos, const user& u, time_point now);

    const mfa_settings& settings() const { return settings_; }

private:
    /// settings().max_code_failures as a lockout rule.
    lockout_policy code_policy() const;

    secret_digest& digest_;
    secret_box& box_;
    hmac_sha1& mac_;
    random_source& rng_;
    mfa_settings settings_;
};

}  // namespace authd
