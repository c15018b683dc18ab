#pragma once
// The account lock of password accounts, in one place for every check that counts: a password
// at either login route, a second-factor code, and a guess made with an access token.
#include <optional>
#include <string>
#include <string_view>

#include "core/audit/audit_event.hpp"
#include "core/common/result.hpp"
#include "core/lockout/lockout.hpp"
#include "core/ports/password_hasher.hpp"
#include "core/ports/unit_of_work.hpp"
#include "core/users/user.hpp"

namespace authd {

/// 403 account_locked, with the time the lock still holds as Retry-After.
failure account_locked(seconds left);

/// 403 account_disabled: an admin turned the account off.
failure account_disabled();

/// account_locked when the account is locked at `now`, else nothing.
std::optional<failure> check_account_lock(const user& u, time_point now);

/// Counts one failed login on a user read for update, and writes it. When this failure locks the
/// account, its open second steps are voided too, and the answer is account_locked.
std::optional<failure> count_failed_login(repositories& repos, user& u, time_point now, const lockout_policy& p);

/// A password given with an access token (turning TOTP off, deleting the account), checked against the
/// account as read before the transaction.
struct password_guess {
    user account;
    bool matches = false;
};

/// Reads the user and verifies `password` outside any transaction: hashing is slow. account_gone() when
/// the user no longer exists.
result<password_guess> check_password_guess(unit_of_work& uow, password_hasher& hasher, std::string_view user_id,
                                            std::string_view password);

/// 401 invalid_credentials: the password of a guess is wrong.
failure wrong_password();

/// In the write transaction, on the user locked for update: account_locked while the lock holds; else, for a
/// wrong guess, one failed login counted and `wrong` answered (account_locked when this failure locks). Nothing
/// for a right guess. So a stolen access token never becomes a way to guess without the lockout.
std::optional<failure> judge_guess(repositories& repos, user& u, bool right, time_point now, const lockout_policy& p,
                                   failure wrong = wrong_password());

/// judge_guess(), with a refused guess recorded in the audit trail as a failed `action` of the account: "account
/// locked", "wrong code" (when `wrong` is invalid_totp) or "wrong password".
std::optional<failure> judge_audited_guess(repositories& repos, user& u, bool right, time_point now,
                                           const lockout_policy& p, audit_type action,
                                           failure wrong = wrong_password());

}  // namespace authd
