#include "adapters/http/dto/event_json.hpp"

namespace authd::json {

void write_event(writer& w, const event& e) {
    w.begin_object()
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
}

std::string event_json(const event& e) {
    writer w;
    write_event(w, e);
    return std::move(w).str();
}

}  // namespace authd::json
