#pragma once
#include <mutex>
#include <optional>
#include <string>

#include "core/common/recent_reads.hpp"
#include "core/common/result.hpp"
#include "core/common/validation.hpp"
#include "core/lockout/lockout.hpp"
#include "core/mfa/second_factor.hpp"
#include "core/ports/notifier.hpp"
#include "core/ports/password_hasher.hpp"
#include "core/ports/password_screen.hpp"
#include "core/sessions/token_service.hpp"
#include "core/users/user.hpp"

namespace authd {

struct registration {
    std::string email;
    std::string password;
    std::string name;
    std::optional<std::string> username;
};

struct credentials {
    std::string login;  ///< e-mail or username
    std::string password;
    std::optional<std::string> totp_code;  ///< the second factor in the same step, when TOTP is on
};

struct login_success {
    user account;
    token_pair tokens;
};

/// A login either completes (tokens) or waits for its second factor (mfa).
struct login_outcome {
    user account;
    std::optional<token_pair> tokens;
    std::optional<mfa_pending> mfa;
};

/// Password accounts: registration, and the one login rule that both login routes apply:
/// the lockout, e-mail verification where the account needs it, and the second factor.
/// Login and registration hash passwords: call them off the I/O threads.
class auth_service {
public:
    /// `profiles`: accounts recently read for their owners, without secrets (null: always read the database). The
    /// storage must tell it of every change (forget) once committed.
    auth_service(unit_of_work& uow, password_hasher& hasher, password_screen& screen, token_service& tokens,
                 second_factor& factor, notifier& notify, random_source& rng, const clock& clk,
                 lockout_policy login_lockout, recent_reads<user>* profiles = nullptr);

    /// `found`: what the adapter already found wrong reading the request; one 400 then lists it with the rest.
    result<user> register_user(registration r, validator found = {});
    /// Checks the password; then either issues tokens or opens a second-factor challenge
    /// (and e-mails its code). A wrong totp_code counts as a failed login.
    result<login_outcome> login(const credentials& c, const client_info& from);
    /// Completes a challenge that login() opened. Wrong codes count as failed logins, and
    /// enough of them void the challenge.
    result<login_success> verify_mfa(std::string_view mfa_token, std::string_view code, const client_info& from);
    result<user> find(std::string_view user_id);
    /// The caller's own account as shown to its owner: no password hash, TOTP seed or lockout state.
    /// account_gone() when it was deleted after the token was issued.
    result<user> current_user(const principal& who);
    /// The same from memory only, when it was read within the recheck interval; nothing when only the database can
    /// tell. Never blocks: the network threads call it.
    std::optional<user> current_user_from_memory(const principal& who) const;

private:
    const std::string& decoy_hash();
    /// Ends a login in its transaction: resets the failure count, ends open challenges, starts a session.
    /// `method`: how the account proved itself, for the audit trail.
    login_success complete_login(repositories& repos, user& u, const client_info& from, time_point now,
                                 std::string_view method);

    unit_of_work& uow_;
    recent_reads<user>* profiles_;
    password_hasher& hasher_;
    password_screen& screen_;
    token_service& tokens_;
    second_factor& factor_;
    notifier& notify_;
    random_source& rng_;
    const clock& clock_;
    lockout_policy lockout_;
    std::once_flag decoy_once_;
    std::string decoy_hash_;
};

}  // namespace authd
