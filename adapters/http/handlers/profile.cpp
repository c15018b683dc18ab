// A signed-in user's own account: profile, preferences and sessions, camelCase JSON (API.md "Users").
#include "adapters/http/body.hpp"
#include "adapters/http/dto/user_json.hpp"
#include "adapters/http/routes.hpp"

namespace authd::http {
namespace {

response get_profile(services& s, exchange& x) {
    auto u = s.auth.current_user(x.who());
    if (!u) return problem_from(x.req, u.error());
    return user_response(u.value());
}

response update_profile(services& s, exchange& x) {
    profile_changes c;
    if (x.is_null("name")) x.found.add("name", "must not be null");
    c.name = x.string("name");
    c.username = x.string("username");
    c.clear_username = x.is_null("username");
    // Not answered yet: the core adds its own findings, and one 400 lists them all.
    auto u = s.profile.update(x.who().id, c, std::move(x.found));
    if (!u) return problem_from(x.req, u.error());
    return user_response(u.value());
}

response delete_profile(services& s, exchange& x) {
    const auto password = x.required_string("password");
    if (!x.found.ok()) return problem_from(x.req, x.found.to_failure());
    auto done = s.profile.remove(x.who().id, *password);
    if (!done) return problem_from(x.req, done.error());
    return no_content();
}

response preferences_response(const std::string& prefs) {
    json::writer w;
    w.begin_object().key("preferences").raw(prefs).end_object();
    return json_response(200, std::move(w).str());
}

response get_preferences(services& s, exchange& x) {
    auto prefs = s.profile.preferences(x.who().id);
    if (!prefs) return problem_from(x.req, prefs.error());
    return preferences_response(prefs.value());
}

/// PUT replaces the preferences with the body; PATCH merges the body's top-level members into them.
response change_preferences(services& s, exchange& x, bool merge) {
    // Refused before any JSON work: a body over the limit could only make preferences over it.
    if (x.req.body.size() > max_preferences_bytes)
        return problem(x.req, http_problem::payload_too_large, "Preferences are limited to 64 KiB.");
    const std::string_view text = x.req.body;  // empty is no JSON: it must not wipe the preferences
    const auto body = json::compact_object(text);
    if (!body) {
        if (!json::compact(text)) return problem(x.req, http_problem::malformed_json);
        validator v;
        v.add("preferences", "must be a JSON object");
        return problem_from(x.req, v.to_failure());
    }
    if (json::holds_nul(*body)) {
        validator v;
        v.add("preferences", "must not hold the character U+0000 in a name or a string");
        return problem_from(x.req, v.to_failure());
    }
    auto prefs = s.profile.change_preferences(x.who().id, [&](const std::string& current) {
        return merge ? json::merge_objects(current, *body) : *body;
    });
    if (!prefs) return problem_from(x.req, prefs.error());
    return preferences_response(prefs.value());
}

response list_sessions(services& s, exchange& x) {
    json::writer w;
    w.begin_object().key("sessions").begin_array();
    for (const auto& session : s.tokens.sessions_of(x.who().id)) {
        w.begin_object()
            .field("id", session.id)
            .field("createdAt", to_rfc3339(session.created_at))
            .field("lastUsedAt", to_rfc3339(session.last_used_at))
            .field("expiresAt", to_rfc3339(session.expires_at))
            .field("userAgent", session.user_agent)
            .field("ip", session.ip)
            .field("current", session.id == x.who().session_id)
            .end_object();
    }
    return json_response(200, std::move(w.end_array().end_object()).str());
}

response delete_session(services& s, exchange& x) {
    auto done = s.tokens.revoke_session(x.who(), x.req.path_param("id"));
    if (!done) return problem_from(x.req, done.error());
    return no_content();
}

response replace_preferences(services& s, exchange& x) { return change_preferences(s, x, false); }
response merge_preferences(services& s, exchange& x) { return change_preferences(s, x, true); }

response logout_all(services& s, exchange& x) {
    s.tokens.logout_all(x.who().id);
    return no_content();
}

}  // namespace

void add_profile_routes(router& r, services& s) {
    const access_rule user_only{true, {}, principal_type::user};
    const auto json = body_kind::json_object;
    // Preferences are read as text: their size limit comes before any JSON work.
    const auto text = body_kind::json_text;
    r.add({.method = "GET", .path = "/api/auth/profile", .access = user_only, .handler = bind(s, get_profile)});
    r.add({.method = "PUT",
           .path = "/api/auth/profile",
           .access = user_only,
           .body = json,
           .handler = bind(s, update_profile)});
    // Deleting proves the password: a hash verification, on the hashing pool.
    r.add({.method = "DELETE",
           .path = "/api/auth/profile",
           .access = user_only,
           .pool = pool_kind::hashing,
           .body = json,
           .handler = bind(s, delete_profile)});
    r.add({.method = "GET", .path = "/api/auth/preferences", .access = user_only, .handler = bind(s, get_preferences)});
    r.add({.method = "PUT",
           .path = "/api/auth/preferences",
           .access = user_only,
           .body = text,
           .handler = bind(s, replace_preferences)});
    r.add({.method = "PATCH",
           .path = "/api/auth/preferences",
           .access = user_only,
           .body = text,
           .handler = bind(s, merge_preferences)});
    r.add({.method = "GET", .path = "/api/auth/sessions", .access = user_only, .handler = bind(s, list_sessions)});
    r.add({.method = "DELETE",
           .path = "/api/auth/sessions/:id",
           .access = user_only,
           .handler = bind(s, delete_session)});
    r.add({.method = "POST", .path = "/api/auth/logout-all", .access = user_only, .handler = bind(s, logout_all)});
}

}  // namespace authd::http
