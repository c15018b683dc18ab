#pragma once
#include <string>

#include "adapters/json/json.hpp"
#include "core/events/event.hpp"

namespace authd::json {

/// The event object of the events specification (camelCase), used both in
/// HTTP responses and as the outbox payload.
void write_event(writer& w, const event& e);
std::string event_json(const event& e);

}  // namespace authd::json
