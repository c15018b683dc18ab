#include "core/users/password_service.hpp"

#include <utility>

#include "core/audit/audit_trail.hpp"
#include "core/common/random_values.hpp"
#include "core/common/validation.hpp"
#include "core/users/failed_logins.hpp"
#include "core/users/password_rules.hpp"

namespace authd {
namespace {
failure invalid_reset_token() {
    return fail(errc::invalid_token, "This password reset token is wrong, used or expired.");
}

/// Whether a stored reset token can still be used at `now`.
bool usable(const emailed_token& t, time_point now) { return !t.used_at && now < t.expires_at; }

/// The notice that a password changed, to the account's address: no secret, nothing to click.
outgoing_message password_changed_notice(const user& u) {
    return outgoing_message{channel::email,
                            message_kind::password_changed,
                            u.email,
                            u.first_name.value_or(u.name),
                            "",
                            std::chrono::hours{24},
                            u.id};
}
}  // namespace

password_service::password_service(unit_of_work& uow, password_hasher& hasher, password_screen& screen,
                                   token_service& tokens, notifier& notify, secret_digest& digest, random_source& rng,
                                   const clock& clk, lockout_policy login_lockout, password_settings settings)
    : uow_(uow),
      hasher_(hasher),
      screen_(screen),
      tokens_(tokens),
      notify_(notify),
      digest_(digest),
      rng_(rng),
      clock_(clk),
      lockout_(login_lockout),
      settings_(settings) {}

result<std::string> password_service::forgot_address(std::string email) {
    email = ascii_lower(email);
    if (auto e = check_email(email)) {
        validator v;
        v.add("email", *e);
        return v.to_failure();
    }
    return email;
}

outcome password_service::forgot(std::string email) {
    auto address = forgot_address(std::move(email));
    if (!address) return address.error();
    email = std::move(address).value();
    const auto token = random_token(rng_, 32);
    uow_.write([&](repositories& repos) {
        const auto now = clock_.now();
        const auto found = repos.users.find_by_email(email);
        if (!found) return;
        // Locked: two requests at once see each other's link, and only one e-mail leaves a minute. The locked row is
        // the one that counts: an e-mail change confirmed meanwhile voids reset links, so none may go to the old
        // address after it.
        const auto u = repos.users.lock_by_id(found->id);
        if (!u || !u->is_active || ascii_lower(u->email) != email) return;
        if (const auto last = repos.password_resets.latest(u->id);
            last && now < last->created_at + settings_.resend_after)
            return;
        repos.password_resets.end_all(u->id, now);
        repos.password_resets.insert(
            emailed_token{digest_.sha256_hex(token), u->id, now, now + settings_.reset_ttl, std::nullopt});
        notify_.queue(repos,
                      outgoing_message{channel::email, message_kind::password_reset, u->email,
                                       u->first_name.value_or(u->name), token, settings_.reset_ttl, u->id},
                      now);
    });
    return success();
}

outcome password_service::reset(std::string_view token, std::string_view new_password, validator found) {
    if (token.empty()) found.add("token", "is required");
    if (auto e = check_password(new_password)) found.add("password", *e);
    if (!found.ok()) return found.to_failure();
    const auto digest = digest_.sha256_hex(token);
    // A wrong token costs no hashing.
    std::optional<emailed_token> stored;
    std::optional<user> account;
    uow_.read([&](repositories& repos) {
        stored = repos.password_resets.find(digest);
        if (stored) account = repos.users.find_by_id(stored->user_id);
    });
    if (!stored || !account || !usable(*stored, clock_.now())) return invalid_reset_token();
    if (!account->is_active) return account_disabled();
    if (auto e = check_new_password(new_password, personal_details(*account), screen_)) {
        found.add("password", *e);
        return found.to_failure();
    }
    const auto hash = hasher_.hash(new_password);
    return write_tx(uow_, [&](repositories& repos) -> outcome {
        const auto now = clock_.now();
        // The account's row first: two resets with one token queue here, and the second finds it used.
        auto u = repos.users.lock_by_id(stored->user_id);
        const auto t = repos.password_resets.find(digest);
        if (!u || !t || !usable(*t, now)) return invalid_reset_token();
        if (!u->is_active) return account_disabled();  // disabled meanwhile: the link stays for when it is enabled
        u->password_hash = hash;
        u->lockout = {};
        u->updated_at = now;
        repos.users.update(*u);
        repos.password_resets.end_all(u->id, now);
        repos.email_changes.end_all(u->id, now);  // a pending address change ends with the old password
        tokens_.revoke_all(repos, u->id);
        notify_.queue(repos, password_changed_notice(*u), now);
        record(repos, {.type = audit_type::password_reset, .principal_id = u->id}, now);
        return success();
    });
}

outcome password_service::change(const principal& who, std::string_view current_password, std::string_view new_password,
                                 validator found) {
    if (current_password.empty()) found.add("currentPassword", "is required");
    if (auto e = check_password(new_password)) found.add("newPassword", *e);
    if (!found.ok()) return found.to_failure();
    auto guess = check_password_guess(uow_, hasher_, who.id, current_password);
    if (!guess) return guess.error();
    if (guess->matches)  // what an attacker knows of the account, once the caller proved to be its owner
        if (auto e = check_new_password(new_password, personal_details(guess->account), screen_)) {
            found.add("newPassword", *e);
            return found.to_failure();
        }
    const auto hash = guess->matches ? hasher_.hash(new_password) : std::string();
    return write_tx(uow_, [&](repositories& repos) -> outcome {
        const auto now = clock_.now();
        auto u = repos.users.lock_by_id(who.id);
        if (!u) return account_gone();
        if (auto refused = judge_audited_guess(repos, *u, guess->matches, now, lockout_, audit_type::password_changed))
            return *refused;
        u->password_hash = hash;
        u->updated_at = now;
        repos.users.update(*u);
        repos.password_resets.end_all(u->id, now);
        repos.email_changes.end_all(u->id, now);  // a pending address change ends with the old password
        tokens_.revoke_others(repos, u->id, who.session_id);
        notify_.queue(repos, password_changed_notice(*u), now);
        record(repos, {.type = audit_type::password_changed, .principal_id = u->id}, now);
        return success();
    });
}

}  // namespace authd
