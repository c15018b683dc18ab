#include "core/users/auth_service.hpp"

#include "core/common/random_values.hpp"
#include "core/common/validation.hpp"

namespace authd {

auth_service::auth_service(unit_of_work& uow, password_hasher& hasher, token_service& tokens, random_source& rng,
                           const clock& clk, lockout_policy login_lockout)
    : uow_(uow), hasher_(hasher), tokens_(tokens), rng_(rng), clock_(clk), lockout_(login_lockout) {}

result<user> auth_service::register_user(registration r) {
    validator v;
    r.email = ascii_lower(r.email);
    if (auto e = check_email(r.email)) v.add("email", *e);
    if (auto e = check_password(r.password)) v.add("password", *e);
    if (auto e = check_text(r.name, 100)) v.add("name", *e);
    if (r.username)
        if (auto e = check_username(*r.username)) v.add("username", *e);
    if (!v.ok()) return v.to_failure();

    const auto now = clock_.now();
    user u;
    u.id = uuid_v4(rng_);
    u.email = r.email;
    u.username = r.username;
    u.name = r.name;
    u.password_hash = hasher_.hash(r.password);  // before the transaction: hashing is slow
    u.roles = {"customer"};
    u.created_at = u.updated_at = now;

    return write_tx(uow_, [&](repositories& repos) -> result<user> {
        if (repos.users.find_by_email(u.email)) return fail(errc::email_taken, "This e-mail is already registered.");
        if (u.username && repos.users.find_by_username(*u.username))
            return fail(errc::username_taken, "This username is taken.");
        // The unique index is the last word when two registrations race.
        if (!repos.users.insert(u)) return fail(errc::email_taken, "This e-mail is already registered.");
        return u;
    });
}

const std::string& auth_service::decoy_hash() {
    std::call_once(decoy_once_, [&] { decoy_hash_ = hasher_.hash(random_token(rng_, 16)); });
    return decoy_hash_;
}

result<login_success> auth_service::login(const credentials& c, const client_info& from) {
    const std::string login = c.login.find('@') != std::string::npos ? ascii_lower(c.login) : c.login;
    auto found = read_tx(uow_, [&](repositories& repos) {
        return login.find('@') != std::string::npos ? repos.users.find_by_email(login)
                                                    : repos.users.find_by_username(login);
    });
    const auto now = clock_.now();
    if (found)
        if (auto left = lock_remaining(found->lockout, now))
            return failure{errc::account_locked, "Too many failed logins; try again later.", {}, *left};

    // Unknown accounts cost one hash too, so that timing does not tell which e-mails exist.
    const auto check = hasher_.verify(c.password, found ? found->password_hash : decoy_hash());
    if (!found) return fail(errc::invalid_credentials, "Wrong e-mail or password.");
    std::optional<std::string> upgraded;
    if (check.matches && check.needs_rehash) upgraded = hasher_.hash(c.password);

    return write_tx(uow_, [&](repositories& repos) -> result<login_success> {
        auto u = repos.users.lock_by_id(found->id);
        if (!u) return fail(errc::invalid_credentials, "Wrong e-mail or password.");
        const auto at = clock_.now();
        if (auto left = lock_remaining(u->lockout, at))
            return failure{errc::account_locked, "Too many failed logins; try again later.", {}, *left};
        if (!check.matches) {
            const bool locked = record_failure(u->lockout, at, lockout_);
            u->updated_at = at;
            repos.users.update(*u);
            if (locked)
                return failure{errc::account_locked, "Too many failed logins; try again later.", {}, lockout_.lock_for};
            return fail(errc::invalid_credentials, "Wrong e-mail or password.");
        }
        if (!u->is_active) return fail(errc::account_disabled, "This account is disabled.");
        record_success(u->lockout);
        if (upgraded) u->password_hash = *upgraded;
        repos.users.update(*u);
        auto pair = tokens_.start_session(repos, u->id, principal_type::user, u->roles, from);
        return login_success{std::move(*u), std::move(pair)};
    });
}

result<user> auth_service::find(std::string_view user_id) {
    auto u = read_tx(uow_, [&](repositories& repos) { return repos.users.find_by_id(user_id); });
    if (!u) return fail(errc::not_found, "No such user.");
    return std::move(*u);
}

}  // namespace authd
