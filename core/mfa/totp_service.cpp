#include "core/mfa/totp_service.hpp"

#include "core/audit/audit_trail.hpp"
#include "core/sessions/token_service.hpp"
#include "core/users/failed_logins.hpp"

namespace authd {

totp_service::totp_service(unit_of_work& uow, password_hasher& hasher, second_factor& factor, token_service& tokens,
                           const clock& clk, lockout_policy login_lockout, seconds reauth_window)
    : uow_(uow),
      hasher_(hasher),
      factor_(factor),
      tokens_(tokens),
      clock_(clk),
      lockout_(login_lockout),
      reauth_window_(reauth_window) {}

result<totp_setup> totp_service::setup(std::string_view user_id) {
    return write_tx(uow_, [&](repositories& repos) -> result<totp_setup> {
        auto u = repos.users.lock_by_id(user_id);
        if (!u) return account_gone();
        if (u->mfa_enabled) return fail(errc::mfa_already_enabled, "Two-factor authentication is already on.");
        auto seed = factor_.make_seed(*u);
        u->totp_secret = seed.sealed;
        u->updated_at = clock_.now();
        repos.users.update(*u);
        const auto& s = factor_.settings();
        return totp_setup{seed.base32, otpauth_uri(s.issuer, u->email, seed.base32, s.totp)};
    });
}

result<std::vector<std::string>> totp_service::enable(const principal& who, std::string_view code,
                                                      std::optional<std::string_view> password,
                                                      bool end_other_sessions) {
    std::optional<password_guess> guess;
    if (password) {
        auto checked = check_password_guess(uow_, hasher_, who.id, *password);
        if (!checked) return checked.error();
        guess = std::move(checked.value());
    } else if (!signed_in_recently(who, clock_.now(), reauth_window_)) {
        return reauthentication_required();
    }
    return write_tx(uow_, [&](repositories& repos) -> result<std::vector<std::string>> {
        auto u = repos.users.lock_by_id(who.id);
        if (!u) return account_gone();
        if (guess)
            if (auto refused =
                    judge_audited_guess(repos, *u, guess->matches, clock_.now(), lockout_, audit_type::mfa_enabled))
                return *refused;
        if (u->mfa_enabled) return fail(errc::mfa_already_enabled, "Two-factor authentication is already on.");
        if (!u->totp_secret) return fail(errc::mfa_not_set_up, "Set up two-factor authentication first.");
        const auto now = clock_.now();
        const auto step = factor_.match_seed(*u, code, now);
        if (!step) return fail(errc::invalid_totp, "That code does not match; check the app's clock and try again.");
        u->mfa_enabled = true;
        u->totp_last_step = *step;
        u->updated_at = now;
        repos.users.update(*u);
        record(repos, {.type = audit_type::mfa_enabled, .principal_id = u->id}, now);
        if (end_other_sessions) tokens_.revoke_others(repos, u->id, who.session_id);
        return factor_.new_recovery_codes(repos, *u, now);
    });
}

outcome totp_service::disable(std::string_view user_id, std::string_view password, std::string_view code,
                              std::optional<std::string_view> keep_only) {
    auto guess = check_password_guess(uow_, hasher_, user_id, password);
    if (!guess) return guess.error();
    return write_tx(uow_, [&](repositories& repos) -> outcome {
        auto u = repos.users.lock_by_id(user_id);
        if (!u) return account_gone();
        const auto now = clock_.now();
        // A locked account spends no code, and its answer does not tell whether MFA is on.
        if (auto locked = check_account_lock(*u, now)) return *locked;
        if (!u->mfa_enabled) return fail(errc::mfa_not_enabled, "Two-factor authentication is not on.");
        // The password and the code are one guess: a wrong one counts once, like a failed login.
        const bool code_ok = guess->matches && factor_.accept_totp(repos, *u, code, now);
        const auto wrong = guess->matches ? fail(errc::invalid_totp, "That code does not match.") : wrong_password();
        if (auto refused = judge_audited_guess(repos, *u, code_ok, now, lockout_, audit_type::mfa_disabled, wrong))
            return *refused;
        u->mfa_enabled = false;
        u->totp_secret.reset();
        u->updated_at = now;
        repos.users.update(*u);
        repos.recovery_codes.replace(u->id, {}, now);
        repos.challenges.end_all(u->id, now);
        record(repos, {.type = audit_type::mfa_disabled, .principal_id = u->id}, now);
        if (keep_only) tokens_.revoke_others(repos, u->id, *keep_only);
        return success();
    });
}

}  // namespace authd
