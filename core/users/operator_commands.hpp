#pragma once
// What the person who runs authd does from its command line (authd admin ...), with no account of their own: whoever
// can start the executable with the database's settings already holds every account. The way back when no admin can
// sign in: a first admin, a forgotten password, a stolen session, a locked account.
#include <functional>
#include <string>
#include <string_view>

#include "core/audit/audit_event.hpp"
#include "core/common/result.hpp"
#include "core/ports/clock.hpp"
#include "core/ports/password_hasher.hpp"
#include "core/ports/password_screen.hpp"
#include "core/ports/random.hpp"
#include "core/sessions/token_service.hpp"
#include "core/users/user.hpp"

namespace authd {

class operator_commands {
public:
    operator_commands(unit_of_work& uow, password_hasher& hasher, password_screen& screen, token_service& tokens,
                      random_source& rng, const clock& clk);
    /// A new active account with one role and a verified address. 400 naming email, password or role; 409
    /// email_taken.
    result<user> create_user(std::string email, std::string_view role, std::string_view password);
    /// Sets the password and ends every session of the account (whoever held one must sign in with the new one).
    outcome set_password(std::string email, std::string_view password);
    /// Ends every session of the account.
    outcome revoke_sessions(std::string email);
    /// Clears the failed-login count and any lock.
    outcome unlock(std::string email);

private:
    /// Runs `change` on the account of `email`, locked for update, in one transaction, and records it as `recorded`
    /// done by the operator; not_found when there is no such account.
    outcome on_account(std::string email, audit_type recorded, const std::function<void(repositories&, user&)>& change);

    unit_of_work& uow_;
    password_hasher& hasher_;
    password_screen& screen_;
    token_service& tokens_;
    random_source& rng_;
    const clock& clock_;
};

}  // namespace authd
