#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/time.hpp"
#include "core/delivery/message.hpp"

namespace authd {

enum class message_status { pending, sent, dead, expired };
std::string_view to_string(message_status s) noexcept;
std::optional<message_status> parse_message_status(std::string_view text) noexcept;

/// A message waiting for delivery, or delivered, or given up on.
struct queued_message {
    std::int64_t id = 0;        ///< numbered by the database: the delivery order
    std::string message_id;     ///< UUID, the same on every attempt, so that a receiver can drop a second copy
    outgoing_message message;   ///< `secret` is empty at rest: it is in sealed_secret
    std::string recipient_key;  ///< keyed digest of the recipient: the order per person, without indexing addresses
    std::string sealed_secret;  ///< the code or token, sealed; empty once sent
    message_status status = message_status::pending;
    int attempts = 0;  ///< failed attempts so far
    time_point next_attempt_at{};
    std::optional<std::string> last_error;  ///< the last failure's reason (never the secret or the full recipient)
    time_point created_at{};
    time_point expires_at{};  ///< created_at + the secret's lifetime: past it, sending is pointless
    std::optional<time_point> sent_at;
    /// Set on a claimed message: the lease its outcome must still hold to be recorded.
    std::optional<time_point> lease_until;
};

/// The delivery queue. Messages are added in the transaction that makes their secret; deliverers (one or several
/// processes) lease due ones, send them outside any transaction, and record the outcome.
class message_queue_repository {
public:
    virtual ~message_queue_repository() = default;
    virtual void add(const queued_message& m) = 0;
    /// Leases up to `limit` pending messages of channel `c` that are due at `now` and not leased, in id order, skipping
    /// a message while an older one to the same recipient is pending (so each person gets theirs in order). A leased
    /// message is not claimed again before `lease_until`: a deliverer that died mid-send leaves it to the next one.
    /// Only kinds this build knows are claimed: a message a newer version queued waits for a deliverer that knows it.
    virtual std::vector<queued_message> claim_due(channel c, time_point now, time_point lease_until, int limit) = 0;
    /// Pending, unleased messages of channel `c` whose secret has expired at `now` become `expired` (their secret is
    /// deleted): nobody can use the code any more, and they no longer hold back newer messages to the same person.
    /// Returns how many.
    virtual int expire_overdue(channel c, time_point now) = 0;
    /// Whether channel `c` has a pending, unleased message that is due or whose secret has expired at `now`: work for
    /// claim_due or expire_overdue. A read, so that a deliverer with nothing to do polls without a write transaction
    /// (it may still find nothing to claim: a message held back by an older one to the same recipient, or of a kind
    /// this build does not know, counts here).
    virtual bool has_due(channel c, time_point now) = 0;
    /// The outcomes of an attempt. Each is recorded only while the message is still pending under the lease it was
    /// claimed with (`lease_until`): a deliverer that overran its lease finds the message another's and records
    /// nothing (false). Sent: the secret is deleted.
    virtual bool mark_sent(std::int64_t id, time_point lease_until, time_point now) = 0;
    /// Failed, to be tried again at `next_attempt_at`.
    virtual bool retry_later(std::int64_t id, time_point lease_until, int attempts, time_point next_attempt_at,
                             std::string_view error) = 0;
    /// Given up on: kept (with its sealed secret) for an operator to look at or send again.
    virtual bool mark_dead(std::int64_t id, time_point lease_until, int attempts, std::string_view error) = 0;
    /// The dead messages, newest first.
    virtual std::vector<queued_message> list_dead(int limit) = 0;
    /// A dead message whose secret is still valid at `now` becomes pending again, due at `now`, its attempts counted
    /// from zero; false when no such message has this id.
    virtual bool requeue(std::int64_t id, time_point now) = 0;
    /// Every dead message still valid at `now` is requeued (after a configuration fault is fixed); returns how many.
    virtual int requeue_all_dead(time_point now) = 0;
    /// Pending messages of a channel (the backlog /health shows).
    virtual std::int64_t backlog(channel c) = 0;
};

}  // namespace authd
