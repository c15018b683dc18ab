#pragma once
// A signed-in user (or client) moves their account to another e-mail address. The password is asked every time; a
// link goes to the new address and a notice to the old one; the address changes only when the link is used, and only
// if no other account took it meanwhile (the unique index decides a race: one winner).
#include <string>
#include <string_view>

#include "core/common/result.hpp"
#include "core/common/validation.hpp"
#include "core/lockout/lockout.hpp"
#include "core/ports/clock.hpp"
#include "core/ports/notifier.hpp"
#include "core/ports/password_hasher.hpp"
#include "core/ports/random.hpp"
#include "core/ports/secret_digest.hpp"
#include "core/sessions/token_service.hpp"
#include "core/users/user.hpp"

namespace authd {

struct email_change_settings {
    seconds link_ttl = std::chrono::hours{24};  ///< how long a confirmation link works
};

class email_change_service {
public:
    email_change_service(unit_of_work& uow, password_hasher& hasher, notifier& notify, secret_digest& digest,
                         random_source& rng, const clock& clk, lockout_policy login_lockout,
                         email_change_settings settings);

    /// Checks the password (a wrong one counts as a failed login), then sends a confirmation link to `new_email` and
    /// a notice to the current address; an earlier link stops working. Succeeds alike when another account already
    /// has `new_email` (then nothing is sent to it): the answer tells nobody who has an account. 400 naming
    /// `newEmail` when it is malformed or already this account's. Hashes: call it off the I/O threads.
    outcome request(const principal& who, std::string_view new_email, std::string_view password, validator found = {});

    /// Makes the link's address the account's (verified: the link proved the mailbox) and voids the other links.
    /// 400 invalid_token for a wrong, used or expired token; 409 email_taken when another account has the address.
    result<user> confirm(std::string_view token);

private:
    unit_of_work& uow_;
    password_hasher& hasher_;
    notifier& notify_;
    secret_digest& digest_;
    random_source& rng_;
    const clock& clock_;
    lockout_policy lockout_;
    email_change_settings settings_;
};

}  // namespace authd
