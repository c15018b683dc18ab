#include "adapters/http/dto/agent_json.hpp"

namespace authd::http {

void write_agent(json::writer& w, const agent& a) {
    w.begin_object()
        .field("id", a.id)
        .field("phone_number", a.phone_number)
        .field("country_code", a.country_code)
        .field("first_name", a.first_name)
        .field("last_name", a.last_name)
        .field("email", a.email)
        .field("license_number", a.license_number)
        .field("agency_id", a.agency_id)
        .field("status", to_string(a.status))
        .field("created_at", to_rfc3339(a.created_at))
        .field("updated_at", to_rfc3339(a.updated_at))
        .end_object();
}

void write_pair(json::writer& w, const token_pair& p) {
    w.field("access_token", p.access_token)
        .field("refresh_token", p.refresh_token)
        .field("token_type", "Bearer")
        .field("expires_in", static_cast<std::int64_t>(p.expires_in.count()));
}

}  // namespace authd::http
