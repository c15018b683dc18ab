#include "core/users/user_admin_service.hpp"

#include <algorithm>

#include "core/audit/audit_trail.hpp"
#include "core/common/validation.hpp"

namespace authd {
namespace {
failure no_user() { return fail(errc::not_found, "No such user."); }
failure no_agent() { return fail(errc::not_found, "No such agent."); }

std::optional<failure> check_query(page_query& q) {
    validator v;
    check_page(q, v);
    if (!v.ok()) return v.to_failure();
    // E-mails are stored lower-cased: a lower-cased filter makes the match case-insensitive on every backend.
    if (q.email_contains) q.email_contains = ascii_lower(*q.email_contains);
    return std::nullopt;
}

bool is_active_admin(const std::optional<user>& u) {
    return u && u->is_active && std::find(u->roles.begin(), u->roles.end(), "admin") != u->roles.end();
}

failure no_longer_admin() { return fail(errc::forbidden, "Your account may no longer administer users."); }

/// The actor's row, read in the caller's transaction, must still be an active admin's: its token was checked
/// before, and a demotion, a disabling or a deletion may have come in between.
std::optional<failure> check_actor(repositories& r, const principal& actor) {
    if (!is_active_admin(r.users.find_by_id(actor.id))) return no_longer_admin();
    return std::nullopt;
}

template <class T>
page_of<T> page_from(std::vector<T> items, std::int64_t total, const page_query& q) {
    return page_of<T>{std::move(items), q.page, q.size, total, (total + q.size - 1) / q.size};
}
}  // namespace

user_admin_service::user_admin_service(unit_of_work& uow, token_service& tokens, const clock& clk)
    : uow_(uow), tokens_(tokens), clock_(clk) {}

result<page_of<user>> user_admin_service::list_users(page_query q) {
    if (auto bad = check_query(q)) return std::move(*bad);
    return read_tx(uow_, [&](repositories& r) -> result<page_of<user>> {
        const auto total = r.users.count(q);
        return page_from(r.users.list(q), total, q);
    });
}

result<user> user_admin_service::find_user(std::string_view id) {
    if (!is_uuid(id)) return no_user();
    auto u = read_tx(uow_, [&](repositories& r) { return r.users.find_by_id(id); });
    if (!u) return no_user();
    return std::move(*u);
}

result<user> user_admin_service::lock_for_change(repositories& r, const principal& actor, std::string_view id) {
    if (actor.id == id)
        return fail(errc::own_account,
                    "An admin cannot disable, delete or demote their own account; ask another admin.");
    const std::string first = std::min(actor.id, std::string(id)), second = std::max(actor.id, std::string(id));
    auto a = r.users.lock_by_id(first);
    auto b = r.users.lock_by_id(second);
    const auto& acting = first == actor.id ? a : b;
    auto& target = first == actor.id ? b : a;
    if (!is_active_admin(acting)) return no_longer_admin();
    if (!target) return no_user();
    return std::move(*target);
}

result<user> user_admin_service::set_active(const principal& actor, std::string_view id, bool active) {
    if (!is_uuid(id)) return no_user();
    return write_tx(uow_, [&](repositories& r) -> result<user> {
        // Disabling takes the actor's lock too; enabling harms nobody.
        auto u = active ? result<user>(no_user()) : lock_for_change(r, actor, id);
        if (active)
            if (auto found = r.users.lock_by_id(id)) u = std::move(*found);
        if (!u) return u.error();
        if (u->is_active != active) {
            u->is_active = active;
            u->updated_at = clock_.now();
            r.users.update(u.value());
        }
        if (!active) tokens_.revoke_all(r, id);
        record(r,
               {.type = active ? audit_type::account_enabled : audit_type::account_disabled,
                .principal_id = id,
                .actor_id = actor.id},
               clock_.now());
        return u;
    });
}

outcome user_admin_service::remove_user(const principal& actor, std::string_view id) {
    if (!is_uuid(id)) return no_user();
    return write_tx(uow_, [&](repositories& r) -> outcome {
        auto locked = lock_for_change(r, actor, id);
        if (!locked) return locked.error();
        tokens_.revoke_all(r, id);
        r.users.remove(id);
        record(r, {.type = audit_type::account_deleted, .principal_id = id, .actor_id = actor.id}, clock_.now());
        return success();
    });
}

outcome user_admin_service::revoke_sessions(const principal& actor, std::string_view id) {
    if (!is_uuid(id)) return no_user();
    return write_tx(uow_, [&](repositories& r) -> outcome {
        if (auto refused = check_actor(r, actor)) return *refused;
        if (!r.users.lock_by_id(id)) return no_user();
        tokens_.revoke_all(r, id);
        record(r, {.type = audit_type::sessions_revoked, .principal_id = id, .actor_id = actor.id}, clock_.now());
        return success();
    });
}

result<user> user_admin_service::set_roles(const principal& actor, std::string_view id,
                                           std::vector<std::string> roles) {
    if (!is_uuid(id)) return no_user();
    validator v;
    const auto& known = known_roles();
    if (roles.empty()) v.add("roles", "must hold at least one role");
    for (const auto& role : roles)
        if (std::find(known.begin(), known.end(), role) == known.end()) {
            v.add("roles", "unknown role: " + role.substr(0, 32) + " (known: customer, staff, admin)");
            break;
        }
    if (!v.ok()) return v.to_failure();
    std::sort(roles.begin(), roles.end());
    roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
    const bool keeps_admin = std::find(roles.begin(), roles.end(), "admin") != roles.end();
    return write_tx(uow_, [&](repositories& r) -> result<user> {
        auto u = keeps_admin ? result<user>(no_user()) : lock_for_change(r, actor, id);
        if (keeps_admin)
            if (auto found = r.users.lock_by_id(id)) u = std::move(*found);
        if (!u) return u.error();
        const bool lost_one = std::any_of(u->roles.begin(), u->roles.end(), [&](const std::string& old) {
            return std::find(roles.begin(), roles.end(), old) == roles.end();
        });
        if (u->roles != roles) {
            r.users.set_roles(id, roles);
            u->roles = roles;
            u->updated_at = clock_.now();
            r.users.update(u.value());
        }
        if (lost_one) tokens_.revoke_all(r, id);
        std::string listed;
        for (const auto& role : roles) listed += (listed.empty() ? "" : ",") + role;
        record(r, {.type = audit_type::roles_changed, .principal_id = id, .actor_id = actor.id, .detail = listed},
               clock_.now());
        return u;
    });
}

outcome user_admin_service::unlock(const principal& actor, std::string_view id) {
    if (!is_uuid(id)) return no_user();
    return write_tx(uow_, [&](repositories& r) -> outcome {
        if (auto refused = check_actor(r, actor)) return *refused;
        auto u = r.users.lock_by_id(id);
        if (!u) return no_user();
        u->lockout = lockout_state{};
        u->updated_at = clock_.now();
        r.users.update(*u);
        record(r, {.type = audit_type::account_unlocked, .principal_id = id, .actor_id = actor.id}, clock_.now());
        return success();
    });
}

result<page_of<agent>> user_admin_service::list_agents(page_query q) {
    if (auto bad = check_query(q)) return std::move(*bad);
    return read_tx(uow_, [&](repositories& r) -> result<page_of<agent>> {
        const auto total = r.agents.count(q);
        return page_from(r.agents.list(q), total, q);
    });
}

result<agent> user_admin_service::set_agent_status(const principal& actor, std::string_view id,
                                                   std::string_view status_text) {
    const auto status = parse_agent_status(status_text);
    if (!status || *status == agent_status::pending) {
        validator v;
        v.add("status", "must be active or suspended");
        return v.to_failure();
    }
    if (!is_uuid(id)) return no_agent();
    return write_tx(uow_, [&](repositories& r) -> result<agent> {
        if (auto refused = check_actor(r, actor)) return *refused;
        auto a = r.agents.lock_by_id(id);  // against a login of the same agent in flight (otp_service::verify)
        if (!a) return no_agent();
        if (a->status != *status) {
            a->status = *status;
            a->updated_at = clock_.now();
            r.agents.update(*a);
        }
        if (!a->active()) tokens_.revoke_all(r, id);
        record(r,
               {.type = audit_type::agent_status_changed,
                .principal_id = id,
                .actor_id = actor.id,
                .detail = std::string(status_text)},
               clock_.now());
        return std::move(*a);
    });
}

}  // namespace authd
