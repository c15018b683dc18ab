#include "core/mfa/totp_service.hpp"

#include "core/users/failed_logins.hpp"

namespace authd {
namespace {
failure no_such_user() { return fail(errc::unauthenticated, "The account of this token no longer exists."); }
}  // namespace

totp_service::totp_service(unit_of_work& uow, password_hasher& hasher, second_factor& factor, const clock& clk,
                           lockout_policy login_lockout)
    : uow_(uow), hasher_(hasher), factor_(factor), clock_(clk), lockout_(login_lockout) {}

result<totp_setup> totp_service::setup(std::string_view user_id) {
    return write_tx(uow_, [&](repositories& repos) -> result<totp_setup> {
        auto u = repos.users.lock_by_id(user_id);
        if (!u) return no_such_user();
        if (u->mfa_enabled) return fail(errc::mfa_already_enabled, "Two-factor authentication is already on.");
        auto seed = factor_.make_seed(*u);
        u->totp_secret = seed.sealed;
        u->updated_at = clock_.now();
        repos.users.update(*u);
        const auto& s = factor_.settings();
        return totp_setup{seed.base32, otpauth_uri(s.issuer, u->email, seed.base32, s.totp)};
    });
}

result<std::vector<std::string>> totp_service::enable(std::string_view user_id, std::string_view code) {
    return write_tx(uow_, [&](repositories& repos) -> result<std::vector<std::string>> {
        auto u = repos.users.lock_by_id(user_id);
        if (!u) return no_such_user();
        if (u->mfa_enabled) return fail(errc::mfa_already_enabled, "Two-factor authentication is already on.");
        if (!u->totp_secret) return fail(errc::mfa_not_set_up, "Call /api/auth/mfa/setup first.");
        const auto now = clock_.now();
        const auto step = factor_.match_seed(*u, code, now);
        if (!step) return fail(errc::invalid_totp, "That code does not match; check the app's clock and try again.");
        u->mfa_enabled = true;
        u->totp_last_step = *step;
        u->updated_at = now;
        repos.users.update(*u);
        return factor_.new_recovery_codes(repos, *u, now);
    });
}

outcome totp_service::disable(std::string_view user_id, std::string_view password, std::string_view code) {
    auto found = read_tx(uow_, [&](repositories& repos) { return repos.users.find_by_id(user_id); });
    if (!found) return no_such_user();
    const bool password_ok = hasher_.verify(password, found->password_hash).matches;
    return write_tx(uow_, [&](repositories& repos) -> outcome {
        auto u = repos.users.lock_by_id(user_id);
        if (!u) return no_such_user();
        const auto now = clock_.now();
        if (auto locked = check_account_lock(*u, now)) return *locked;
        if (!u->mfa_enabled) return fail(errc::mfa_not_enabled, "Two-factor authentication is not on.");
        const bool code_ok = password_ok && factor_.accept_totp(repos, *u, code, now);
        if (!code_ok) {
            // Guesses here count like failed logins: a stolen access token must not become a way to
            // try passwords or codes without the lockout.
            if (auto locked = count_failed_login(repos, *u, now, lockout_)) return *locked;
            if (!password_ok) return fail(errc::invalid_credentials, "Wrong password.");
            return fail(errc::invalid_totp, "That code does not match.");
        }
        u->mfa_enabled = false;
        u->totp_secret.reset();
        u->updated_at = now;
        repos.users.update(*u);
        repos.challenges.replace_recovery_codes(u->id, {}, now);
        repos.challenges.end_challenges(u->id, now);
        return success();
    });
}

}  // namespace authd
