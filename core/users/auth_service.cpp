#include "core/users/auth_service.hpp"

#include <algorithm>

#include "core/audit/audit_trail.hpp"
#include "core/common/random_values.hpp"
#include "core/common/validation.hpp"
#include "core/users/failed_logins.hpp"
#include "core/users/new_account.hpp"

namespace authd {

auth_service::auth_service(unit_of_work& uow, password_hasher& hasher, password_screen& screen, token_service& tokens,
                           second_factor& factor, notifier& notify, random_source& rng, const clock& clk,
                           lockout_policy login_lockout, recent_reads<user>* profiles)
    : uow_(uow),
      profiles_(profiles),
      hasher_(hasher),
      screen_(screen),
      tokens_(tokens),
      factor_(factor),
      notify_(notify),
      rng_(rng),
      clock_(clk),
      lockout_(login_lockout) {}

result<user> auth_service::register_user(registration r, validator found) {
    validator v = std::move(found);
    if (r.username) r.username = ascii_lower(*r.username);  // case-insensitive, as e-mails, on every backend
    check_account_fields(r.email, r.password, {r.name}, screen_, v);
    if (auto e = check_text(r.name, 100)) v.add("name", *e);
    if (r.username)
        if (auto e = check_username(*r.username)) v.add("username", *e);
    if (!v.ok()) return v.to_failure();

    user u = new_account(std::move(r.email), r.password, hasher_, rng_, clock_.now());
    u.username = r.username;
    u.name = r.name;
    return write_tx(uow_, [&](repositories& repos) -> result<user> {
        if (auto taken = insert_account(repos, u)) return *taken;
        record(repos, {.type = audit_type::account_registered, .principal_id = u.id}, u.created_at);
        return u;
    });
}

const std::string& auth_service::decoy_hash() {
    std::call_once(decoy_once_, [&] { decoy_hash_ = hasher_.hash(random_token(rng_, 16)); });
    return decoy_hash_;
}

login_success auth_service::complete_login(repositories& repos, user& u, const client_info& from, time_point now,
                                           std::string_view method) {
    record_success(u.lockout);
    record(repos, {.type = audit_type::sign_in, .principal_id = u.id, .detail = std::string(method)}, now);
    u.updated_at = now;
    repos.users.update(u);
    repos.challenges.end_all(u.id, now);
    if (u.is_client) repos.outbox.add_client_change("client.logged_in", u, now);
    auto pair = tokens_.start_session(repos, u.id, principal_type::user, u.roles, from);
    return login_success{u, std::move(pair)};
}

result<login_outcome> auth_service::login(const credentials& c, const client_info& from) {
    const std::string login = ascii_lower(c.login);  // e-mails and usernames alike
    auto found = read_tx(uow_, [&](repositories& repos) {
        return login.find('@') != std::string::npos ? repos.users.find_by_email(login)
                                                    : repos.users.find_by_username(login);
    });
    const auto now = clock_.now();
    if (found)
        if (auto locked = check_account_lock(*found, now)) {
            uow_.write([&](repositories& repos) {
                record(repos,
                       {.type = audit_type::sign_in,
                        .outcome = audit_outcome::failure,
                        .principal_id = found->id,
                        .detail = "account locked"},
                       now);
            });
            return *locked;
        }

    // Unknown accounts cost one hash too, so that timing does not tell which e-mails exist.
    const auto check = hasher_.verify(c.password, found ? found->password_hash : decoy_hash());
    if (!found) {
        // Recorded without the login typed: it may be someone's mistyped password.
        uow_.write([&](repositories& repos) {
            record(repos, {.type = audit_type::sign_in, .outcome = audit_outcome::failure, .detail = "unknown account"},
                   clock_.now());
        });
        return fail(errc::invalid_credentials, "Wrong e-mail or password.");
    }
    std::optional<std::string> upgraded;
    if (check.matches && check.needs_rehash) upgraded = hasher_.hash(c.password);

    return write_tx(uow_, [&](repositories& repos) -> result<login_outcome> {
        auto u = repos.users.lock_by_id(found->id);
        if (!u) return fail(errc::invalid_credentials, "Wrong e-mail or password.");
        const auto at = clock_.now();
        const auto failed = [&](std::string_view why) {
            record(repos,
                   {.type = audit_type::sign_in,
                    .outcome = audit_outcome::failure,
                    .principal_id = u->id,
                    .detail = std::string(why)},
                   at);
        };
        if (auto locked = check_account_lock(*u, at)) {
            failed("account locked");
            return *locked;
        }
        u->updated_at = at;
        if (!check.matches) {
            failed("wrong password");
            if (auto locked = count_failed_login(repos, *u, at, lockout_)) return *locked;
            return fail(errc::invalid_credentials, "Wrong e-mail or password.");
        }
        if (!u->is_active) {
            failed("account disabled");
            return account_disabled();
        }
        if (upgraded) u->password_hash = *upgraded;
        if (u->is_client && !u->email_verified) {
            failed("e-mail not verified");
            repos.users.update(*u);
            return fail(errc::email_not_verified, "Verify your e-mail address first; check your inbox.");
        }
        if (!second_factor::required(*u)) {
            auto done = complete_login(repos, *u, from, at, "password");
            return login_outcome{std::move(done.account), std::move(done.tokens), std::nullopt};
        }
        // An empty totpCode is no code (a form that always sends the field), not a wrong one.
        if (c.totp_code && !c.totp_code->empty() && u->mfa_enabled) {
            if (factor_.accept_totp(repos, *u, *c.totp_code, at)) {
                auto done = complete_login(repos, *u, from, at, "password and totp");
                return login_outcome{std::move(done.account), std::move(done.tokens), std::nullopt};
            }
            // A wrong second factor is a failed login, whichever route or challenge it came through.
            failed("wrong totp code");
            if (auto locked = count_failed_login(repos, *u, at, lockout_)) return *locked;
        }
        repos.users.update(*u);
        auto challenge = factor_.open(repos, *u, at);
        // In the challenge's transaction: never a code for a challenge that was rolled back.
        if (challenge.mail) notify_.queue(repos, *challenge.mail, at);
        return login_outcome{std::move(*u), std::nullopt, std::move(challenge.pending)};
    });
}

result<login_success> auth_service::verify_mfa(std::string_view mfa_token, std::string_view code,
                                               const client_info& from) {
    const auto digest = factor_.challenge_digest(mfa_token);
    const auto over = fail(errc::mfa_expired, "This sign-in has expired or ended; log in again.");
    // Whose challenge it is, read first: the transaction then locks the user before the challenge,
    // in the order every login takes them, so that two of them never wait on each other.
    const auto owner = read_tx(uow_, [&](repositories& repos) { return repos.challenges.lock(digest); });
    if (!owner) return over;
    return write_tx(uow_, [&](repositories& repos) -> result<login_success> {
        const auto now = clock_.now();
        auto u = repos.users.lock_by_id(owner->user_id);
        auto c = repos.challenges.lock(digest);
        if (!u || !c || c->ended_at || now >= c->expires_at) return over;
        if (auto locked = check_account_lock(*u, now)) return *locked;
        if (!u->is_active) return account_disabled();

        const bool right = c->method == factor_method::totp ? factor_.accept_totp(repos, *u, code, now)
                                                            : factor_.matches_email_code(*c, code);
        const auto method = to_string(c->method);
        if (right) return complete_login(repos, *u, from, now, "second factor: " + std::string(method));

        record(repos,
               {.type = audit_type::sign_in,
                .outcome = audit_outcome::failure,
                .principal_id = u->id,
                .detail = "wrong " + std::string(method) + " code"},
               now);
        if (auto locked = count_failed_login(repos, *u, now, lockout_)) return *locked;
        const bool voided = factor_.count_wrong_code(*c, now);
        repos.challenges.update(*c);
        failure f =
            fail(errc::invalid_mfa_code, voided ? "Wrong code; this sign-in is void, log in again." : "Wrong code.");
        // Two counters run: the challenge's and the account's; the nearer end is what the caller has left.
        f.attempts_remaining = std::min(factor_.codes_remaining(*c), attempts_remaining(u->lockout, lockout_));
        return f;
    });
}

namespace {
/// What an account's owner is shown of it: nothing that proves who they are.
user without_secrets(user u) {
    u.password_hash.clear();
    u.totp_secret.reset();
    u.totp_last_step = 0;
    u.lockout = {};
    return u;
}
}  // namespace

std::optional<user> auth_service::current_user_from_memory(const principal& who) const {
    if (!profiles_) return std::nullopt;
    return profiles_->find(who.id);
}

result<user> auth_service::current_user(const principal& who) {
    if (auto known = current_user_from_memory(who)) return std::move(*known);
    auto u = find(who.id);
    if (!u) return account_gone();
    auto shown = without_secrets(std::move(u.value()));
    if (profiles_) profiles_->remember(who.id, shown);
    return shown;
}

result<user> auth_service::find(std::string_view user_id) {
    auto u = read_tx(uow_, [&](repositories& repos) { return repos.users.find_by_id(user_id); });
    if (!u) return fail(errc::not_found, "No such user.");
    return std::move(*u);
}

}  // namespace authd
