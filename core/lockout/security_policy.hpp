#pragma once
// Every limit that protects accounts, in one value. The defaults are the contract's; the composition root fills the
// configurable ones from the configuration (app/composition_root.cpp, policy_from) and hands each use case its part.
#include "core/common/time.hpp"

namespace authd {

/// "N failures in a row lock for M minutes": the rule behind failed logins, wrong OTP codes and wrong second-factor
/// codes (core/lockout/lockout.hpp applies it).
struct lockout_policy {
    int max_failures = 5;
    seconds lock_for = std::chrono::minutes{15};
};

struct security_policy {
    lockout_policy login_lockout = {};  ///< per account: failed logins and wrong second-factor codes
    lockout_policy otp_lockout = {};    ///< per phone number: wrong OTP codes
    int challenge_max_failures = lockout_policy{}.max_failures;  ///< wrong codes that void one MFA challenge
    seconds challenge_ttl = std::chrono::minutes{5};             ///< an MFA challenge's lifetime
    seconds otp_ttl = std::chrono::minutes{5};
    seconds otp_resend_after = std::chrono::seconds{60};
    seconds verification_ttl = std::chrono::hours{24};  ///< an e-mail verification token's lifetime
    seconds verification_resend_after = std::chrono::seconds{60};
};

}  // namespace authd
