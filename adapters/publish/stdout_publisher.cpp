#include "adapters/publish/stdout_publisher.hpp"

#include <cstdio>
#include <stdexcept>

#include "adapters/json/json.hpp"

namespace authd::publish {

void stdout_publisher::publish(const outbox_message& m) {
    json::writer w;
    w.begin_object()
        .field("outbox_id", static_cast<std::int64_t>(m.id))
        .field("aggregate_type", m.aggregate_type)
        .field("aggregate_id", m.aggregate_id)
        .field("event_type", m.event_type)
        .field("created_at", to_rfc3339(m.created_at))
        .key("payload")
        .raw(m.payload)
        .end_object();
    std::string line = std::move(w).str() + "\n";
    if (std::fwrite(line.data(), 1, line.size(), stdout) != line.size() || std::fflush(stdout) != 0)
        throw std::runtime_error("standard output is not writable");
}

}  // namespace authd::publish
