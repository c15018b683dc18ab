#pragma once
// The payloads of outbox rows: authd's integration events, schema version 1 (docs/events.md). They are written
// here, field by field, and nowhere else. The HTTP responses have writers of their own on purpose: a change of an
// API response must never silently change what the consumers of the outbox receive.
#include <string>

#include "core/events/event.hpp"
#include "core/users/user.hpp"

namespace authd::json {

/// Bumped when a field is renamed, removed or changes meaning; adding a field keeps the version.
inline constexpr int integration_schema_version = 1;

/// EVENT_CREATED, EVENT_UPDATED, EVENT_STATUS_CHANGED, EVENT_DELETED: the event as it is after the change.
std::string event_changed_payload(const event& e);

/// client.registered, client.email_verified, client.logged_in: who the client is. Never a secret.
std::string client_changed_payload(const user& client);

}  // namespace authd::json
