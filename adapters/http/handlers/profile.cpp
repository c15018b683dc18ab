// A signed-in user's own account: profile, preferences and sessions, camelCase JSON (API.md "Users").
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

response get_profile(services& s, request& req, const principal& who) {
    auto u = s.auth.current_user(who);
    if (!u) return problem_from(req, u.error());
    return user_response(u.value());
}

response update_profile(services& s, request& req, const principal& who) {
    response bad;
    auto body = read_object(req, bad);
    if (!body) return bad;
    validator v;
    profile_changes c;
    if (body->is_null("name")) v.add("name", "must not be null");
    c.name = body->string("name", v);
    c.username = body->string("username", v);
    c.clear_username = body->is_null("username");
    // Not answered yet: the core adds its own findings, and one 400 lists them all.
    auto u = s.profile.update(who.id, c, std::move(v));
    if (!u) return problem_from(req, u.error());
    return user_response(u.value());
}

response delete_profile(services& s, request& req, const principal& who) {
    response bad;
    auto body = read_object(req, bad);
    if (!body) return bad;
    validator v;
    const auto password = body->required_string("password", v);
    if (!v.ok()) return problem_from(req, v.to_failure());
    auto done = s.profile.remove(who.id, *password);
    if (!done) return problem_from(req, done.error());
    return no_content();
}

response preferences_response(const std::string& prefs) {
    json::writer w;
    w.begin_object().key("preferences").raw(prefs).end_object();
    return json_response(200, std::move(w).str());
}

response get_preferences(services& s, request& req, const principal& who) {
    auto prefs = s.profile.preferences(who.id);
    if (!prefs) return problem_from(req, prefs.error());
    return preferences_response(prefs.value());
}

/// PUT replaces the preferences with the body; PATCH merges the body's top-level members into them.
response change_preferences(services& s, request& req, const principal& who, bool merge) {
    // Refused before any JSON work: a body over the limit could only make preferences over it.
    if (req.body.size() > max_preferences_bytes)
        return problem(req, http_problem::payload_too_large, "Preferences are limited to 64 KiB.");
    const std::string_view text = req.body;  // empty is no JSON: it must not wipe the preferences
    const auto body = json::compact_object(text);
    if (!body) {
        if (!json::compact(text)) return problem(req, http_problem::malformed_json);
        validator v;
        v.add("preferences", "must be a JSON object");
        return problem_from(req, v.to_failure());
    }
    auto prefs = s.profile.change_preferences(who.id, [&](const std::string& current) {
        return merge ? json::merge_objects(current, *body) : *body;
    });
    if (!prefs) return problem_from(req, prefs.error());
    return preferences_response(prefs.value());
}

response list_sessions(services& s, const principal& who) {
    json::writer w;
    w.begin_object().key("sessions").begin_array();
    for (const auto& x : s.tokens.sessions_of(who.id)) {
        w.begin_object()
            .field("id", x.id)
            .field("createdAt", to_rfc3339(x.created_at))
            .field("lastUsedAt", to_rfc3339(x.last_used_at))
            .field("expiresAt", to_rfc3339(x.expires_at))
            .field("userAgent", x.user_agent)
            .field("ip", x.ip)
            .field("current", x.id == who.session_id)
            .end_object();
    }
    return json_response(200, std::move(w.end_array().end_object()).str());
}

response delete_session(services& s, request& req, const principal& who) {
    auto done = s.tokens.revoke_session(who, req.path_param("id"));
    if (!done) return problem_from(req, done.error());
    return no_content();
}

}  // namespace

void add_profile_routes(router& r, services& s) {
    const access_rule user_only{true, {}, principal_type::user};
    using fn = response (*)(services&, request&, const principal&);
    auto with = [&s](fn f) { return [&s, f](request& q, const principal* who) { return f(s, q, *who); }; };
    r.add({"GET", "/api/auth/profile", with(get_profile), user_only});
    r.add({"PUT", "/api/auth/profile", with(update_profile), user_only, pool_kind::normal, true});
    // Deleting proves the password: a hash verification, on the slow pool.
    r.add({"DELETE", "/api/auth/profile", with(delete_profile), user_only, pool_kind::slow, true});
    r.add({"GET", "/api/auth/preferences", with(get_preferences), user_only});
    r.add({"PUT", "/api/auth/preferences",
           [&s](request& q, const principal* who) { return change_preferences(s, q, *who, false); }, user_only,
           pool_kind::normal, true});
    r.add({"PATCH", "/api/auth/preferences",
           [&s](request& q, const principal* who) { return change_preferences(s, q, *who, true); }, user_only,
           pool_kind::normal, true});
    r.add({"GET", "/api/auth/sessions", [&s](request&, const principal* who) { return list_sessions(s, *who); },
           user_only});
    r.add({"DELETE", "/api/auth/sessions/:id", with(delete_session), user_only});
    r.add({"POST", "/api/auth/logout-all",
           [&s](request&, const principal* who) {
               s.tokens.logout_all(who->id);
               return no_content();
           },
           user_only});
}

}  // namespace authd::http
