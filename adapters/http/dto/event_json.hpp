#pragma once
#include <string>

#include "adapters/json/json.hpp"
#include "core/events/event.hpp"

namespace authd::json {

/// The event object of the HTTP API (camelCase). The outbox has its own writer (integration_events.hpp).
void write_event(writer& w, const event& e);
std::string event_json(const event& e);

}  // namespace authd::json
