#include "core/users/failed_logins.hpp"

namespace authd {

failure account_locked(seconds left) {
    return failure{errc::account_locked, "Too many failed logins; try again later.", {}, left};
}

std::optional<failure> check_account_lock(const user& u, time_point now) {
    if (auto left = lock_remaining(u.lockout, now)) return account_locked(*left);
    return std::nullopt;
}

std::optional<failure> count_failed_login(repositories& repos, user& u, time_point now, const lockout_policy& p) {
    const bool locked = record_failure(u.lockout, now, p);
    u.updated_at = now;
    repos.users.update(u);
    if (!locked) return std::nullopt;
    repos.challenges.end_challenges(u.id, now);  // a lock voids second steps already under way
    return account_locked(p.lock_for);
}

}  // namespace authd
