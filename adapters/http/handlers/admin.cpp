// The admin API: users, agents and the audit trail (API.md "Users", /api/admin/*). Users and the page envelope are camelCase;
// an agent is the same snake_case object as everywhere else (docs/openapi.json: AgentList of Agent).
#include <algorithm>

#include "adapters/http/body.hpp"
#include "adapters/http/dto/agent_json.hpp"
#include "adapters/http/dto/user_json.hpp"
#include "adapters/http/routes.hpp"

namespace authd::http {
namespace {

/// `page`, `size` and `email` of a list; bad numbers are reported to the validator.
page_query read_page(const request& req, validator& v) {
    page_query q;
    // Clamped only to fit an int: the service refuses out-of-range values by name.
    q.page = static_cast<int>(std::clamp<std::int64_t>(query_integer(req, "page", v).value_or(0), -1, max_page + 1));
    q.size = static_cast<int>(std::clamp<std::int64_t>(query_integer(req, "size", v).value_or(20), 0, 101));
    q.email_contains = query_text(req, "email", v);
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

response list_users(services& s, exchange& x) {
    validator v;
    const auto q = read_page(x.req, v);
    if (!v.ok()) return problem_from(x.req, v.to_failure());
    auto page = s.admin.list_users(q);
    if (!page) return problem_from(x.req, page.error());
    return page_response("users", page.value(), write_user);
}

response get_user(services& s, exchange& x) {
    auto u = s.admin.find_user(id_of(x.req));
    if (!u) return problem_from(x.req, u.error());
    return user_response(u.value());
}

response patch_user(services& s, exchange& x) {
    const auto active = x.boolean("isActive");
    if (!active && x.found.ok()) x.found.add("isActive", "is required");
    if (!x.found.ok()) return problem_from(x.req, x.found.to_failure());
    auto u = s.admin.set_active(x.who(), id_of(x.req), *active);
    if (!u) return problem_from(x.req, u.error());
    return user_response(u.value());
}

response delete_user(services& s, exchange& x) {
    auto done = s.admin.remove_user(x.who(), id_of(x.req));
    if (!done) return problem_from(x.req, done.error());
    return no_content();
}

response put_roles(services& s, exchange& x) {
    auto roles = x.strings("roles");
    if (!roles && x.found.ok()) x.found.add("roles", "is required");
    if (!x.found.ok()) return problem_from(x.req, x.found.to_failure());
    auto u = s.admin.set_roles(x.who(), id_of(x.req), std::move(*roles));
    if (!u) return problem_from(x.req, u.error());
    return user_response(u.value());
}

response revoke_sessions(services& s, exchange& x) {
    auto done = s.admin.revoke_sessions(x.who(), id_of(x.req));
    if (!done) return problem_from(x.req, done.error());
    return no_content();
}

response unlock_user(services& s, exchange& x) {
    auto done = s.admin.unlock(x.who(), id_of(x.req));
    if (!done) return problem_from(x.req, done.error());
    return no_content();
}

response list_agents(services& s, exchange& x) {
    validator v;
    const auto q = read_page(x.req, v);
    if (!v.ok()) return problem_from(x.req, v.to_failure());
    auto page = s.admin.list_agents(q);
    if (!page) return problem_from(x.req, page.error());
    return page_response("agents", page.value(), write_agent);
}

response patch_agent(services& s, exchange& x) {
    const auto status = x.required_string("status");
    if (!x.found.ok()) return problem_from(x.req, x.found.to_failure());
    auto a = s.admin.set_agent_status(x.who(), id_of(x.req), *status);
    if (!a) return problem_from(x.req, a.error());
    json::writer w;
    write_agent(w, a.value());
    return json_response(200, std::move(w).str());
}

/// A time of the audit list's `since` or `until`, reported to the validator when it is no RFC 3339 time.
std::optional<time_point> query_time(const request& req, std::string_view name, validator& v) {
    const auto text = query_value(req, name);
    if (!text) return std::nullopt;
    auto t = parse_rfc3339(*text);
    if (!t) v.add(std::string(name), "must be an RFC 3339 time, e.g. 2026-01-31T12:00:00Z");
    return t;
}

response list_audit_events(services& s, exchange& x) {
    validator v;
    const auto page = read_page(x.req, v);
    audit_query q{.page = page.page, .size = page.size, .principal_id = query_text(x.req, "principal", v)};
    if (const auto type = query_value(x.req, "type")) {
        q.type = parse_audit_type(*type);
        if (!q.type) v.add("type", "is not an audit event type (docs/API.md lists them)");
    }
    q.since = query_time(x.req, "since", v);
    q.until = query_time(x.req, "until", v);
    if (!v.ok()) return problem_from(x.req, v.to_failure());
    auto events = s.audit.list(q);
    if (!events) return problem_from(x.req, events.error());
    return page_response("events", events.value(), [](json::writer& w, const audit_event& e) {
        w.begin_object()
            .field("id", e.id)
            .field("at", to_rfc3339(e.at))
            .field("type", to_string(e.type))
            .field("outcome", to_string(e.outcome))
            .field("principalId", e.principal_id)
            .field("actorId", e.actor_id)
            .field("ip", e.ip)
            .field("userAgent", e.user_agent)
            .field("requestId", e.request_id)
            .field("detail", e.detail)
            .end_object();
    });
}

/// 409 conflict: authd keeps no key pairs of its own: with HS256 the shared secret is JWT_SECRET_KEY, and with
/// JWT_SIGNING_KEYS_DIR the keys are files; the operator changes either.
failure no_key_pairs() {
    return fail(errc::conflict,
                "authd keeps no key pairs: with JWT_ALGORITHM HS256 tokens are signed with JWT_SECRET_KEY, with "
                "JWT_SIGNING_KEYS_DIR the operator manages the key files.");
}

response list_keys(services& s, exchange& x) {
    if (!s.signing) return problem_from(x.req, no_key_pairs());
    json::writer w;
    w.begin_object().key("keys").begin_array();
    for (const auto& k : s.signing->list()) {
        w.begin_object()
            .field("kid", k.kid)
            .field("algorithm", k.algorithm)
            .field("state", to_string(k.state))
            .field("createdAt", to_rfc3339(k.created_at))
            .field("retiredAt", k.retired_at ? std::optional<std::string>(to_rfc3339(*k.retired_at)) : std::nullopt)
            .end_object();
    }
    return json_response(200, std::move(w.end_array().end_object()).str());
}

response rotate_keys(services& s, exchange& x) {
    if (!s.signing) return problem_from(x.req, no_key_pairs());
    const auto kid = s.rotate_keys(x.who().id);
    json::writer w;
    w.begin_object().field("kid", kid).end_object();
    return json_response(200, std::move(w).str());
}

}  // namespace

void add_admin_routes(router& r, services& s) {
    const access_rule admin{true, {"admin"}};
    const auto json = body_kind::json_object;
    r.add({.method = "GET", .path = "/api/admin/users", .access = admin, .handler = bind(s, list_users)});
    r.add({.method = "GET", .path = "/api/admin/users/:id", .access = admin, .handler = bind(s, get_user)});
    r.add({.method = "PATCH",
           .path = "/api/admin/users/:id",
           .access = admin,
           .body = json,
           .handler = bind(s, patch_user)});
    r.add({.method = "DELETE", .path = "/api/admin/users/:id", .access = admin, .handler = bind(s, delete_user)});
    r.add({.method = "PUT",
           .path = "/api/admin/users/:id/roles",
           .access = admin,
           .body = json,
           .handler = bind(s, put_roles)});
    r.add({.method = "POST", .path = "/api/admin/users/:id/unlock", .access = admin, .handler = bind(s, unlock_user)});
    r.add({.method = "POST",
           .path = "/api/admin/users/:id/sessions/revoke",
           .access = admin,
           .handler = bind(s, revoke_sessions)});
    r.add({.method = "GET", .path = "/api/admin/audit", .access = admin, .handler = bind(s, list_audit_events)});
    r.add({.method = "GET", .path = "/api/admin/keys", .access = admin, .handler = bind(s, list_keys)});
    // Making an RSA key takes a while: the hashing pool, as other slow work.
    r.add({.method = "POST",
           .path = "/api/admin/keys/rotate",
           .access = admin,
           .pool = pool_kind::hashing,
           .handler = bind(s, rotate_keys)});
    r.add({.method = "GET", .path = "/api/admin/agents", .access = admin, .handler = bind(s, list_agents)});
    r.add({.method = "PATCH",
           .path = "/api/admin/agents/:id",
           .access = admin,
           .body = json,
           .handler = bind(s, patch_agent)});
}

}  // namespace authd::http
