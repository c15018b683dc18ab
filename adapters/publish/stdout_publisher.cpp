#include "adapters/publish/stdout_publisher.hpp"

#include <cstdio>
#include <stdexcept>

#include "adapters/json/json.hpp"

namespace authd::publish {

std::string outbox_line(const outbox_message& m, bool personal_data) {
    // null members are removed by the merge (docs/events.md lists the payload's members).
    const std::string payload =
        personal_data || m.aggregate_type != "CLIENT"
            ? m.payload
            : json::merge_objects(
                  m.payload, R"({"email":null,"first_name":null,"last_name":null,"name":null,"phone_number":null})");
    json::writer w;
    w.begin_object()
        .field("outbox_id", static_cast<std::int64_t>(m.id))
        .field("aggregate_type", m.aggregate_type)
        .field("aggregate_id", m.aggregate_id)
        .field("event_type", m.event_type)
        .field("created_at", to_rfc3339(m.created_at))
        .key("payload")
        .raw(payload)
        .end_object();
    return std::move(w).str() + "\n";
}

void stdout_publisher::publish(const outbox_message& m) {
    const std::string line = outbox_line(m, personal_data_);
    if (std::fwrite(line.data(), 1, line.size(), stdout) != line.size() || std::fflush(stdout) != 0)
        throw std::runtime_error("standard output is not writable");
}

}  // namespace authd::publish
