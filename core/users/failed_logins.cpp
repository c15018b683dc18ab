#include "core/users/failed_logins.hpp"

#include <utility>

#include "core/audit/audit_trail.hpp"
#include "core/sessions/token_service.hpp"

namespace authd {

failure account_locked(seconds left) {
    return failure{errc::account_locked, "Too many failed logins; try again later.", {}, left};
}

failure account_disabled() { return fail(errc::account_disabled, "This account is disabled."); }

std::optional<failure> check_account_lock(const user& u, time_point now) {
    if (auto left = lock_remaining(u.lockout, now)) return account_locked(*left);
    return std::nullopt;
}

std::optional<failure> count_failed_login(repositories& repos, user& u, time_point now, const lockout_policy& p) {
    const bool locked = record_failure(u.lockout, now, p);
    u.updated_at = now;
    repos.users.update(u);
    if (!locked) return std::nullopt;
    repos.challenges.end_all(u.id, now);  // a lock voids second steps already under way
    record(repos, {.type = audit_type::account_locked, .principal_id = u.id}, now);
    return account_locked(p.lock_for);
}

result<password_guess> check_password_guess(unit_of_work& uow, password_hasher& hasher, std::string_view user_id,
                                            std::string_view password) {
    auto found = read_tx(uow, [&](repositories& repos) { return repos.users.find_by_id(user_id); });
    if (!found) return account_gone();
    const bool matches = hasher.verify(password, found->password_hash).matches;
    return password_guess{std::move(*found), matches};
}

failure wrong_password() { return fail(errc::invalid_credentials, "Wrong password."); }

std::optional<failure> judge_guess(repositories& repos, user& u, bool right, time_point now, const lockout_policy& p,
                                   failure wrong) {
    if (auto locked = check_account_lock(u, now)) return locked;
    if (right) return std::nullopt;
    if (auto locked = count_failed_login(repos, u, now, p)) return locked;
    return wrong;
}

std::optional<failure> judge_audited_guess(repositories& repos, user& u, bool right, time_point now,
                                           const lockout_policy& p, audit_type action, failure wrong) {
    auto refused = judge_guess(repos, u, right, now, p, std::move(wrong));
    if (refused)
        record(repos,
               {.type = action,
                .outcome = audit_outcome::failure,
                .principal_id = u.id,
                .detail = refused->code == errc::account_locked ? "account locked"
                          : refused->code == errc::invalid_totp ? "wrong code"
                                                                : "wrong password"},
               now);
    return refused;
}

}  // namespace authd
