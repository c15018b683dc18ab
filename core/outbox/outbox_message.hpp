#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "core/common/time.hpp"

namespace authd {

/// A fact to publish, written in the same transaction as the change it reports.
struct outbox_message {
    std::int64_t id = 0;         ///< publication order
    std::string aggregate_type;  ///< "EVENT", "CLIENT"
    std::string aggregate_id;
    std::string event_type;  ///< "EVENT_CREATED", ...
    std::string payload;     ///< JSON, written by the storage adapter
    time_point created_at{};
    std::optional<time_point> processed_at;
    std::optional<time_point> lease_until;  ///< while a relay has it claimed
};

}  // namespace authd
