#pragma once
#include <string_view>
#include <vector>

#include "core/events/event.hpp"
#include "core/outbox/outbox_message.hpp"
#include "core/users/user.hpp"

namespace authd {

/// The transactional outbox. Writers add rows inside their own unit of work; the relay claims them in order in one
/// short transaction, publishes them with no transaction open, and marks them processed in another.
class outbox_repository {
public:
    virtual ~outbox_repository() = default;
    /// Adds an EVENT row whose payload is the event (docs/events.md, the integration events' schema).
    virtual void add_event_change(std::string_view event_type, const event& e, time_point now) = 0;
    /// Adds a CLIENT row (client.registered, client.email_verified, client.logged_in) whose payload
    /// identifies the client: id, e-mail, names and whether the e-mail is verified (docs/events.md).
    virtual void add_client_change(std::string_view event_type, const user& client, time_point now) = 0;
    /// The oldest unprocessed rows, in order, claimed or not: what is left to publish.
    virtual std::vector<outbox_message> next_unprocessed(int limit) = 0;
    /// Claims up to `limit` of the oldest unprocessed rows for one relay until `lease_until`: the leading ones, up to
    /// the first that another relay holds under a lease still running at `now`. When the oldest is held, none: relays
    /// take their turns, so that rows are published in order. Rows are locked while the claim is made, where the
    /// database has row locks, so that two relays never claim the same ones.
    virtual std::vector<outbox_message> claim_next(int limit, time_point now, time_point lease_until) = 0;
    virtual void mark_processed(std::int64_t id, time_point now) = 0;
    /// Frees the rows still unprocessed of the claim that was made with `lease_until` over the ids `first` to `last`
    /// (the claim's first and last row): the next round takes them. Only that range is read, not the whole backlog.
    virtual void release(std::int64_t first, std::int64_t last, time_point lease_until) = 0;
};

/// Where the relay sends outbox rows: a Redis stream, or JSON lines on standard output.
class outbox_publisher {
public:
    virtual ~outbox_publisher() = default;
    /// Throws when the message could not be handed over; the relay then stops and retries later.
    virtual void publish(const outbox_message& m) = 0;
};

}  // namespace authd
