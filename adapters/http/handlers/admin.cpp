// The admin API: users and agents (API.md "Users", /api/admin/*). Users and the page envelope are camelCase;
// an agent is the same snake_case object as everywhere else (docs/openapi.json: AgentList of Agent).
#include <algorithm>

#include "adapters/http/agent_json.hpp"
#include "adapters/http/body.hpp"
#include "adapters/http/routes.hpp"
#include "adapters/http/user_json.hpp"

namespace authd::http {
namespace {

response user_response(const user& u) {
    json::writer w;
    write_user(w, u);
    return json_response(200, std::move(w).str());
}

/// `page`, `size` and `email` of a list; bad numbers are reported to the validator.
page_query read_page(const request& req, validator& v) {
    page_query q;
    // Clamped only to fit an int: the service refuses out-of-range values by name.
    q.page = static_cast<int>(std::clamp<std::int64_t>(query_integer(req, "page", v).value_or(0), -1, 1'000'000'000));
    q.size = static_cast<int>(std::clamp<std::int64_t>(query_integer(req, "size", v).value_or(20), 0, 101));
    q.email_contains = query_value(req, "email");
    return q;
}

template <class T, class Write>
response page_response(std::string_view key, const page_of<T>& p, Write write_item) {
    json::writer w;
    w.begin_object().key(key).begin_array();
    for (const auto& item : p.items) write_item(w, item);
    w.end_array()
        .key("page")
        .begin_object()
        .field("number", p.number)
        .field("size", p.size)
        .field("totalElements", static_cast<std::int64_t>(p.total_elements))
        .field("totalPages", static_cast<std::int64_t>(p.total_pages))
        .end_object();
    return json_response(200, std::move(w.end_object()).str());
}

std::string_view id_of(const request& req) { return req.path_param("id"); }

response list_users(services& s, request& req) {
    validator v;
    const auto q = read_page(req, v);
    if (!v.ok()) return problem_from(req, v.to_failure());
    auto page = s.admin.list_users(q);
    if (!page) return problem_from(req, page.error());
    return page_response("users", page.value(), write_user);
}

response get_user(services& s, request& req) {
    auto u = s.admin.find_user(id_of(req));
    if (!u) return problem_from(req, u.error());
    return user_response(u.value());
}

response patch_user(services& s, request& req, const principal& who) {
    response bad;
    auto body = read_object(req, bad);
    if (!body) return bad;
    validator v;
    const auto active = body->boolean("isActive", v);
    if (!active && v.ok()) v.add("isActive", "is required");
    if (!v.ok()) return problem_from(req, v.to_failure());
    auto u = s.admin.set_active(who, id_of(req), *active);
    if (!u) return problem_from(req, u.error());
    return user_response(u.value());
}

response delete_user(services& s, request& req, const principal& who) {
    auto done = s.admin.remove_user(who, id_of(req));
    if (!done) return problem_from(req, done.error());
    return no_content();
}

response put_roles(services& s, request& req, const principal& who) {
    response bad;
    auto body = read_object(req, bad);
    if (!body) return bad;
    validator v;
    auto roles = body->strings("roles", v);
    if (!roles && v.ok()) v.add("roles", "is required");
    if (!v.ok()) return problem_from(req, v.to_failure());
    auto u = s.admin.set_roles(who, id_of(req), std::move(*roles));
    if (!u) return problem_from(req, u.error());
    return user_response(u.value());
}

response revoke_sessions(services& s, request& req) {
    auto done = s.admin.revoke_sessions(id_of(req));
    if (!done) return problem_from(req, done.error());
    return no_content();
}

response unlock_user(services& s, request& req) {
    auto done = s.admin.unlock(id_of(req));
    if (!done) return problem_from(req, done.error());
    return no_content();
}

response list_agents(services& s, request& req) {
    validator v;
    const auto q = read_page(req, v);
    if (!v.ok()) return problem_from(req, v.to_failure());
    auto page = s.admin.list_agents(q);
    if (!page) return problem_from(req, page.error());
    return page_response("agents", page.value(), write_agent);
}

response patch_agent(services& s, request& req) {
    response bad;
    auto body = read_object(req, bad);
    if (!body) return bad;
    validator v;
    const auto status = body->required_string("status", v);
    if (!v.ok()) return problem_from(req, v.to_failure());
    auto a = s.admin.set_agent_status(id_of(req), *status);
    if (!a) return problem_from(req, a.error());
    json::writer w;
    write_agent(w, a.value());
    return json_response(200, std::move(w).str());
}

}  // namespace

void add_admin_routes(router& r, services& s) {
    const access_rule admin{true, {"admin"}};
    auto with = [&s](response (*fn)(services&, request&)) {
        return [&s, fn](request& q, const principal*) { return fn(s, q); };
    };
    // The changes that could lock admins out take the acting admin.
    auto as_actor = [&s](response (*fn)(services&, request&, const principal&)) {
        return [&s, fn](request& q, const principal* who) { return fn(s, q, *who); };
    };
    r.add({"GET", "/api/admin/users", with(list_users), admin});
    r.add({"GET", "/api/admin/users/:id", with(get_user), admin});
    r.add({"PATCH", "/api/admin/users/:id", as_actor(patch_user), admin, pool_kind::normal, true});
    r.add({"DELETE", "/api/admin/users/:id", as_actor(delete_user), admin});
    r.add({"PUT", "/api/admin/users/:id/roles", as_actor(put_roles), admin, pool_kind::normal, true});
    r.add({"POST", "/api/admin/users/:id/unlock", with(unlock_user), admin});
    r.add({"POST", "/api/admin/users/:id/sessions/revoke", with(revoke_sessions), admin});
    r.add({"GET", "/api/admin/agents", with(list_agents), admin});
    r.add({"PATCH", "/api/admin/agents/:id", with(patch_agent), admin, pool_kind::normal, true});
}

}  // namespace authd::http
