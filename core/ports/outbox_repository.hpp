#pragma once
#include <string_view>
#include <vector>

#include "core/events/event.hpp"
#include "core/outbox/outbox_message.hpp"
#include "core/users/user.hpp"

namespace authd {

/// The transactional outbox. Writers add rows inside their own unit of work;
/// the relay reads them in order and marks them processed after publishing.
class outbox_repository {
public:
    virtual ~outbox_repository() = default;
    /// Adds an EVENT row whose payload is the event (docs/events.md, the integration events' schema).
    virtual void add_event_change(std::string_view event_type, const event& e, time_point now) = 0;
    /// Adds a CLIENT row (client.registered, client.email_verified, client.logged_in) whose payload
    /// identifies the client: id, e-mail, names and whether the e-mail is verified (docs/events.md).
    virtual void add_client_change(std::string_view event_type, const user& client, time_point now) = 0;
    /// The oldest unprocessed rows, locked for this transaction so that two relays never take the same ones.
    virtual std::vector<outbox_message> next_unprocessed(int limit) = 0;
    virtual void mark_processed(std::int64_t id, time_point now) = 0;
};

/// Where the relay sends outbox rows: a Redis stream, or JSON lines on standard output.
class outbox_publisher {
public:
    virtual ~outbox_publisher() = default;
    /// Throws when the message could not be handed over; the relay then stops and retries later.
    virtual void publish(const outbox_message& m) = 0;
};

}  // namespace authd
