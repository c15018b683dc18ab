#include "adapters/http/dto/client_json.hpp"

namespace authd::json {

void write_client(writer& w, const user& u) {
    w.begin_object()
        .field("id", u.id)
        .field("email", u.email)
        .field("first_name", u.first_name)
        .field("last_name", u.last_name)
        .field("name", u.name)
        .field("phone_number", u.phone_number)
        .field("email_verified", u.email_verified)
        .field("mfa_enabled", u.mfa_enabled)
        .field("roles", u.roles)
        .field("is_active", u.is_active)
        .field("created_at", to_rfc3339(u.created_at))
        .field("updated_at", to_rfc3339(u.updated_at))
        .end_object();
}

std::string client_json(const user& u) {
    writer w;
    write_client(w, u);
    return std::move(w).str();
}

}  // namespace authd::json
