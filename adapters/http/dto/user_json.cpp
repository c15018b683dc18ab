#include "adapters/http/dto/user_json.hpp"

namespace authd::http {

void write_user(json::writer& w, const user& u) {
    w.begin_object()
        .field("userId", u.id)
        .field("email", u.email)
        .field("username", u.username)
        .field("name", u.name)
        .field("roles", u.roles)
        .field("mfaEnabled", u.mfa_enabled)
        .field("emailVerified", u.email_verified)
        .field("isActive", u.is_active)
        .field("createdAt", to_rfc3339(u.created_at))
        .field("updatedAt", to_rfc3339(u.updated_at))
        .end_object();
}

response user_response(const user& u) {
    json::writer w;
    write_user(w, u);
    return json_response(200, std::move(w).str());
}

}  // namespace authd::http
