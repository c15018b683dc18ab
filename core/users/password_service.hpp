#pragma once
// A password forgotten, reset through an e-mailed link, or changed by its owner: the same for users of /api/auth and
// clients of /api/v1 (one identity store).
#include <string>
#include <string_view>

#include "core/common/result.hpp"
#include "core/common/validation.hpp"
#include "core/lockout/lockout.hpp"
#include "core/ports/clock.hpp"
#include "core/ports/notifier.hpp"
#include "core/ports/password_hasher.hpp"
#include "core/ports/password_screen.hpp"
#include "core/ports/random.hpp"
#include "core/ports/secret_digest.hpp"
#include "core/sessions/token_service.hpp"

namespace authd {

struct password_settings {
    seconds reset_ttl = std::chrono::minutes{30};    ///< how long a reset link works
    seconds resend_after = std::chrono::minutes{1};  ///< one reset e-mail a minute per account, at most
};

class password_service {
public:
    password_service(unit_of_work& uow, password_hasher& hasher, password_screen& screen, token_service& tokens,
                     notifier& notify, secret_digest& digest, random_source& rng, const clock& clk,
                     lockout_policy login_lockout, password_settings settings);

    /// The address of a forgot request, lower-cased, or 400 naming `email` for a malformed one. All a request waits
    /// for: the adapter answers, then calls forgot() off the request path, so that an address with an account is not
    /// told apart by the time its answer takes.
    static result<std::string> forgot_address(std::string email);

    /// Sends a reset link to the account of `email`, if there is an active one and none was sent in the last minute.
    /// Succeeds alike whether or not the account exists (nothing tells who has an account); a malformed address is
    /// 400 naming `email`. Replaces any earlier link.
    outcome forgot(std::string email);

    /// Sets `new_password` with a reset token: once, within its lifetime. Voids every other reset link, ends every
    /// session of the account, clears its failed-login lock (the mailbox is proven) and e-mails a notice.
    /// 400 naming `password` for a password the rules refuse; 400 invalid_token for a wrong, used or expired token.
    /// Hashes the password: call it off the I/O threads.
    /// `found`: what the adapter already found wrong reading the request; one 400 then lists it with the rest.
    outcome reset(std::string_view token, std::string_view new_password, validator found = {});

    /// The signed-in owner changes their password, proving the current one: a wrong one counts as a failed login.
    /// Ends every other session of the account (the caller's stays), voids reset links and e-mails a notice.
    /// 400 naming `newPassword` for a password the rules refuse. Hashes twice: call it off the I/O threads.
    outcome change(const principal& who, std::string_view current_password, std::string_view new_password,
                   validator found = {});

private:
    unit_of_work& uow_;
    password_hasher& hasher_;
    password_screen& screen_;
    token_service& tokens_;
    notifier& notify_;
    secret_digest& digest_;
    random_source& rng_;
    const clock& clock_;
    lockout_policy lockout_;
    password_settings settings_;
};

}  // namespace authd
