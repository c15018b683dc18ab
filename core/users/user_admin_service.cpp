#include "core/users/user_admin_service.hpp"

#include <algorithm>

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

result<user> user_admin_service::set_active(std::string_view id, bool active) {
    if (!is_uuid(id)) return no_user();
    return write_tx(uow_, [&](repositories& r) -> result<user> {
        auto u = r.users.lock_by_id(id);
        if (!u) return no_user();
        if (u->is_active != active) {
            u->is_active = active;
            u->updated_at = clock_.now();
            r.users.update(*u);
        }
        if (!active) tokens_.revoke_all(r, id);
        return std::move(*u);
    });
}

outcome user_admin_service::remove_user(std::string_view id) {
    if (!is_uuid(id)) return no_user();
    return write_tx(uow_, [&](repositories& r) -> outcome {
        if (!r.users.lock_by_id(id)) return no_user();
        tokens_.revoke_all(r, id);
        r.users.remove(id);
        return success();
    });
}

result<user> user_admin_service::set_roles(std::string_view id, std::vector<std::string> roles) {
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
    return write_tx(uow_, [&](repositories& r) -> result<user> {
        auto u = r.users.lock_by_id(id);
        if (!u) return no_user();
        const bool lost_one = std::any_of(u->roles.begin(), u->roles.end(), [&](const std::string& old) {
            return std::find(roles.begin(), roles.end(), old) == roles.end();
        });
        if (u->roles != roles) {
            r.users.set_roles(id, roles);
            u->roles = roles;
            u->updated_at = clock_.now();
            r.users.update(*u);
        }
        if (lost_one) tokens_.revoke_all(r, id);
        return std::move(*u);
    });
}

outcome user_admin_service::unlock(std::string_view id) {
    if (!is_uuid(id)) return no_user();
    return write_tx(uow_, [&](repositories& r) -> outcome {
        auto u = r.users.lock_by_id(id);
        if (!u) return no_user();
        u->lockout = lockout_state{};
        u->updated_at = clock_.now();
        r.users.update(*u);
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

result<agent> user_admin_service::set_agent_status(std::string_view id, std::string_view status) {
    if (status != "active" && status != "suspended") {
        validator v;
        v.add("status", "must be active or suspended");
        return v.to_failure();
    }
    if (!is_uuid(id)) return no_agent();
    return write_tx(uow_, [&](repositories& r) -> result<agent> {
        auto a = r.agents.find_by_id(id);
        if (!a) return no_agent();
        if (a->status != status) {
            a->status = std::string(status);
            a->updated_at = clock_.now();
            r.agents.update(*a);
        }
        if (!a->active()) tokens_.revoke_all(r, id);
        return std::move(*a);
    });
}

}  // namespace authd
