#pragma once
#include <optional>
#include <string>

#include "core/agents/agent.hpp"
#include "core/common/result.hpp"
#include "core/lockout/lockout.hpp"
#include "core/otp/otp_code.hpp"
#include "core/ports/notifier.hpp"
#include "core/sessions/token_service.hpp"

namespace authd {

struct otp_settings {
    seconds ttl = security_policy{}.otp_ttl;
    seconds resend_after = security_policy{}.otp_resend_after;
    lockout_policy lockout = security_policy{}.otp_lockout;
    bool reveal_codes = false;  ///< development: hand the code back as debug_code
    /// AGENT_PHONE_PROOF: a pending agent's codes go by SMS only, and verifying one makes it active.
    bool phone_proof = false;
};

struct otp_sent {
    delivery_method method{};
    seconds expires_in{};
    std::optional<std::string> debug_code;
};

struct agent_login {
    agent account;
    token_pair tokens;
};

/// Phone-number login with one-time codes: 6 digits, 5 minutes, single use, a
/// new one replaces the last; five wrong codes in a row lock the number.
class otp_service {
public:
    otp_service(unit_of_work& uow, notifier& notify, secret_digest& digest, random_source& rng, const clock& clk,
                token_service& tokens, otp_settings settings);

    /// `phone` is E.164, or national digits with `country_code`. `method` is "sms" or "email" (empty: sms).
    /// An unknown number gets the same answer as a known one, and no message.
    result<otp_sent> request(std::string_view phone, std::string_view country_code, std::string_view method);
    result<agent_login> verify(std::string_view phone, std::string_view country_code, std::string_view code,
                               const client_info& from);

private:
    std::string digest_of(const std::string& e164, std::string_view code);

    unit_of_work& uow_;
    notifier& notify_;
    secret_digest& digest_;
    random_source& rng_;
    const clock& clock_;
    token_service& tokens_;
    otp_settings settings_;
};

}  // namespace authd
