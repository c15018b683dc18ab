#include "core/users/operator_commands.hpp"

#include <algorithm>
#include <utility>

#include "core/audit/audit_trail.hpp"
#include "core/common/validation.hpp"
#include "core/users/new_account.hpp"
#include "core/users/password_rules.hpp"

namespace authd {
namespace {
failure no_account() { return fail(errc::not_found, "No account has this e-mail address."); }
}  // namespace

operator_commands::operator_commands(unit_of_work& uow, password_hasher& hasher, password_screen& screen,
                                     token_service& tokens, random_source& rng, const clock& clk)
    : uow_(uow), hasher_(hasher), screen_(screen), tokens_(tokens), rng_(rng), clock_(clk) {}

result<user> operator_commands::create_user(std::string email, std::string_view role, std::string_view password) {
    validator v;
    check_account_fields(email, password, {}, screen_, v);
    const auto& roles = known_roles();
    if (std::find(roles.begin(), roles.end(), role) == roles.end()) v.add("role", "must be customer, staff or admin");
    if (!v.ok()) return v.to_failure();
    auto u = new_account(email, password, hasher_, rng_, clock_.now());
    u.name = email.substr(0, email.find('@'));
    u.roles = {std::string(role)};
    u.email_verified = true;  // the operator vouches for it
    return write_tx(uow_, [&](repositories& repos) -> result<user> {
        if (auto taken = insert_account(repos, u)) return std::move(*taken);
        record(repos,
               {.type = audit_type::account_created,
                .principal_id = u.id,
                .actor_id = operator_actor,
                .detail = "role " + u.roles.front()},
               u.created_at);
        return u;
    });
}

outcome operator_commands::on_account(std::string email, audit_type recorded,
                                      const std::function<void(repositories&, user&)>& change) {
    email = ascii_lower(email);
    return write_tx(uow_, [&](repositories& repos) -> outcome {
        const auto found = repos.users.find_by_email(email);
        if (!found) return no_account();
        auto u = repos.users.lock_by_id(found->id);
        if (!u) return no_account();
        change(repos, *u);
        record(repos, {.type = recorded, .principal_id = u->id, .actor_id = operator_actor}, clock_.now());
        return success();
    });
}

outcome operator_commands::set_password(std::string email, std::string_view password) {
    email = ascii_lower(email);
    const auto account = read_tx(uow_, [&](repositories& repos) { return repos.users.find_by_email(email); });
    if (!account) return no_account();
    if (auto e = check_new_password(password, personal_details(*account), screen_)) {
        validator v;
        v.add("password", *e);
        return v.to_failure();
    }
    const auto hash = hasher_.hash(password);
    return on_account(std::move(email), audit_type::password_changed, [&](repositories& repos, user& u) {
        u.password_hash = hash;
        u.lockout = {};
        u.updated_at = clock_.now();
        repos.users.update(u);
        repos.password_resets.end_all(u.id, clock_.now());
        repos.email_changes.end_all(u.id, clock_.now());
        tokens_.revoke_all(repos, u.id);
    });
}

outcome operator_commands::revoke_sessions(std::string email) {
    return on_account(std::move(email), audit_type::sessions_revoked,
                      [&](repositories& repos, user& u) { tokens_.revoke_all(repos, u.id); });
}

outcome operator_commands::unlock(std::string email) {
    return on_account(std::move(email), audit_type::account_unlocked, [&](repositories& repos, user& u) {
        u.lockout = {};
        u.updated_at = clock_.now();
        repos.users.update(u);
    });
}

}  // namespace authd
