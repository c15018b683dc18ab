#include "adapters/json/integration_events.hpp"

#include "adapters/json/json.hpp"

namespace authd::json {

// Version 1 kept the field names the payloads had before they were versioned: the events' camelCase, the clients'
// snake_case. docs/events.md lists them; tests/storage/events_outbox_contract_test.cpp pins them byte for byte.

std::string event_changed_payload(const event& e) {
    writer w;
    w.begin_object()
        .field("schema_version", integration_schema_version)
        .field("eventId", static_cast<std::int64_t>(e.id))
        .field("eventName", e.name)
        .field("eventDate", to_rfc3339(e.event_date))
        .field("venueName", e.venue_name)
        .field("totalSeats", e.total_seats)
        .field("availableSeats", e.available_seats)
        .field("status", to_string(e.status))
        .field("saleStartTime", to_rfc3339(e.sale_start_time))
        .field("createdAt", to_rfc3339(e.created_at))
        .field("updatedAt", to_rfc3339(e.updated_at))
        .end_object();
    return std::move(w).str();
}

std::string client_changed_payload(const user& client) {
    writer w;
    w.begin_object()
        .field("schema_version", integration_schema_version)
        .field("id", client.id)
        .field("email", client.email)
        .field("first_name", client.first_name)
        .field("last_name", client.last_name)
        .field("name", client.name)
        .field("phone_number", client.phone_number)
        .field("email_verified", client.email_verified)
        .field("mfa_enabled", client.mfa_enabled)
        .field("roles", client.roles)
        .field("is_active", client.is_active)
        .field("created_at", to_rfc3339(client.created_at))
        .field("updated_at", to_rfc3339(client.updated_at))
        .end_object();
    return std::move(w).str();
}

}  // namespace authd::json
