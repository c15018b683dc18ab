#include "core/users/profile_service.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>

#include "core/audit/audit_trail.hpp"
#include "core/common/validation.hpp"
#include "core/users/failed_logins.hpp"

namespace authd {

profile_service::profile_service(unit_of_work& uow, password_hasher& hasher, token_service& tokens, const clock& clk,
                                 lockout_policy login_lockout)
    : uow_(uow), hasher_(hasher), tokens_(tokens), clock_(clk), lockout_(login_lockout) {}

result<user> profile_service::update(std::string_view user_id, const profile_changes& c, validator found) {
    validator v = std::move(found);
    if (c.name)
        if (auto e = check_text(*c.name, 100)) v.add("name", *e);
    if (c.username)
        if (auto e = check_username(*c.username)) v.add("username", *e);
    const auto username = c.username ? std::optional<std::string>(ascii_lower(*c.username)) : std::nullopt;
    if (!v.ok()) return v.to_failure();
    return write_tx(uow_, [&](repositories& repos) -> result<user> {
        auto u = repos.users.lock_by_id(user_id);
        if (!u) return account_gone();
        if (username && u->username != username) {
            if (repos.users.find_by_username(*username)) return fail(errc::username_taken, "This username is taken.");
            u->username = username;
        }
        if (c.clear_username) u->username.reset();
        if (c.name) u->name = *c.name;
        u->updated_at = clock_.now();
        // The check above is not the last word: a concurrent claim of the same username loses here.
        if (!repos.users.update(*u)) return fail(errc::username_taken, "This username is taken.");
        return std::move(*u);
    });
}

outcome profile_service::remove(std::string_view user_id, std::string_view password) {
    auto guess = check_password_guess(uow_, hasher_, user_id, password);
    if (!guess) return guess.error();
    const auto is_admin = [](const user& u) {
        return std::find(u.roles.begin(), u.roles.end(), "admin") != u.roles.end();
    };
    return write_tx(uow_, [&](repositories& repos) -> outcome {
        // An admin takes the active admins' rows (its own among them) before its own: every deleting admin locks
        // in that one order, so that two of them queue instead of deadlocking.
        std::optional<std::int64_t> active_admins;
        if (is_admin(guess->account)) active_admins = repos.users.lock_active_with_role("admin");
        auto u = repos.users.lock_by_id(user_id);
        if (!u) return account_gone();
        if (auto refused = judge_guess(repos, *u, guess->matches, clock_.now(), lockout_)) return *refused;
        if (is_admin(*u) && u->is_active && !active_admins)  // made an admin since the read above
            active_admins = repos.users.lock_active_with_role("admin");
        if (is_admin(*u) && u->is_active && *active_admins <= 1)
            return fail(errc::last_admin,
                        "The last active admin cannot delete their account; make another admin first.");
        // Sessions are not tied to users by a foreign key: revoke them first, so that every token stops at once.
        tokens_.revoke_all(repos, user_id);
        if (!repos.users.remove(user_id)) return account_gone();
        record(repos, {.type = audit_type::account_deleted, .principal_id = user_id}, clock_.now());
        return success();
    });
}

result<std::string> profile_service::preferences(std::string_view user_id) {
    return read_tx(uow_, [&](repositories& repos) -> result<std::string> {
        if (!repos.users.find_by_id(user_id)) return account_gone();
        return repos.users.find_preferences(user_id).value_or("{}");
    });
}

result<std::string> profile_service::change_preferences(std::string_view user_id, const preferences_change& change) {
    // Optimistic: the change (JSON work, up to 64 KiB) runs outside any transaction, and the write stores it only if
    // the preferences are still the ones it started from. So no write lock is ever held while JSON is parsed, and
    // two merges still never lose one another.
    constexpr int attempts = 5;
    for (int attempt = 0; attempt < attempts; ++attempt) {
        auto current = preferences(user_id);
        if (!current) return current.error();
        std::string next = change(current.value());
        if (next.size() > max_preferences_bytes) {
            validator v;
            v.add("preferences", "must be at most 64 KiB once serialized");
            return v.to_failure();
        }
        auto stored = write_tx(uow_, [&](repositories& repos) -> result<bool> {
            if (!repos.users.lock_by_id(user_id)) return account_gone();
            if (repos.users.find_preferences(user_id).value_or("{}") != current.value()) return false;
            repos.users.save_preferences(user_id, next, clock_.now());
            return true;
        });
        if (!stored) return stored.error();
        if (stored.value()) return next;
    }
    return fail(errc::conflict, "The preferences changed while this change was made; send it again.");
}

}  // namespace authd
