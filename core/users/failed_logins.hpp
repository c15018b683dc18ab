#pragma once
// The account lock of password accounts, in one place for every check that counts: a password
// at either login route, a second-factor code, and a guess made with an access token.
#include <optional>

#include "core/common/result.hpp"
#include "core/lockout/lockout.hpp"
#include "core/ports/unit_of_work.hpp"
#include "core/users/user.hpp"

namespace authd {

/// 403 account_locked, with the time the lock still holds as Retry-After.
failure account_locked(seconds left);

/// account_locked when the account is locked at `now`, else nothing.
std::optional<failure> check_account_lock(const user& u, time_point now);

/// Counts one failed login on a user read for update, and writes it. When this failure locks the
/// account, its open second steps are voided too, and the answer is account_locked.
std::optional<failure> count_failed_login(repositories& repos, user& u, time_point now, const lockout_policy& p);

}  // namespace authd
