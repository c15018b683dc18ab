// The delivery queue over SOCI.
#include "adapters/storage/row_mapping.hpp"
#include "adapters/storage/statement_cache.hpp"

namespace authd::storage {
namespace {
/// One messages row.
struct message_row : row_of<queued_message, "messages", "id", true> {
    queued_message q;
    std::string channel_text, kind, status;
    int lifetime_seconds = 0;
    nullable_text sealed, last_error;
    std::tm next_attempt_at{}, created_at{};
    nullable_time lease_until, sent_at, expires_at;

    message_row() = default;
    explicit message_row(const queued_message& from)
        : q(from),
          channel_text(to_string(from.message.channel)),
          kind(to_string(from.message.kind)),
          status(to_string(from.status)),
          lifetime_seconds(static_cast<int>(from.message.lifetime.count())),
          sealed(from.sealed_secret.empty() ? std::nullopt : std::optional<std::string>(from.sealed_secret)),
          last_error(from.last_error),
          next_attempt_at(to_tm(from.next_attempt_at)),
          created_at(to_tm(from.created_at)),
          sent_at(from.sent_at),
          expires_at(from.expires_at) {}

    template <class Each>
    void each_column(Each each) {
        each("id", q.id);
        each("message_id", q.message_id);
        each("channel", channel_text);
        each("kind", kind);
        each("recipient", q.message.recipient);
        each("recipient_key", q.recipient_key);
        each("recipient_name", q.message.recipient_name);
        each("account_id", q.message.account_id);
        each("lifetime_seconds", lifetime_seconds);
        each("sealed_secret", sealed.value, sealed.ind);
        each("status", status);
        each("attempts", q.attempts);
        each("next_attempt_at", next_attempt_at);
        each("lease_until", lease_until.value, lease_until.ind);
        each("last_error", last_error.value, last_error.ind);
        each("created_at", created_at);
        each("sent_at", sent_at.value, sent_at.ind);
        each("expires_at", expires_at.value, expires_at.ind);
    }

    queued_message to_entity() const {
        queued_message out = q;
        out.message.channel = stored_enum("messages.channel", channel_text, parse_channel);
        out.message.kind = stored_enum("messages.kind", kind, parse_message_kind);
        out.message.lifetime = seconds{lifetime_seconds};
        out.status = stored_enum("messages.status", status, parse_message_status);
        out.sealed_secret = sealed.get().value_or("");
        out.last_error = last_error.get();
        out.next_attempt_at = from_tm(next_attempt_at);
        out.created_at = from_tm(created_at);
        out.sent_at = sent_at.get();
        // A row an older version queued has no expiry of its own: its lifetime gives it.
        out.expires_at = expires_at.get().value_or(out.created_at + out.message.lifetime);
        out.lease_until = lease_until.get();
        return out;
    }
};
}  // namespace

void soci_messages::add(const queued_message& m) { insert_row<message_row>(sql_, m); }

namespace {
/// `kind IN (...)` over the kinds this build can send.
std::string known_kinds() {
    std::string list;
    for (const auto k : all_message_kinds) list += (list.empty() ? "'" : ", '") + std::string(to_string(k)) + "'";
    return "kind IN (" + list + ")";
}
}  // namespace

std::vector<queued_message> soci_messages::claim_due(channel c, time_point now, time_point lease_until, int limit) {
    const std::string channel_text(to_string(c));
    std::tm at = to_tm(now), until = to_tm(lease_until);
    // Due, not leased, and no older pending message to the same person: each recipient gets theirs in order.
    static const std::string query = select_from<message_row>() +
                                     " m WHERE status = 'pending' AND channel = :channel AND next_attempt_at <= :now"
                                     " AND (lease_until IS NULL OR lease_until <= :now2) AND " +
                                     known_kinds() +
                                     " AND NOT EXISTS (SELECT 1 FROM messages o WHERE o.recipient_key = m.recipient_key"
                                     " AND o.status = 'pending' AND o.id < m.id) ORDER BY id LIMIT ";
    auto due = select_all<message_row>(sql_, query + std::to_string(limit) + dialect_.for_update(),
                                       uses(channel_text, at, at));
    std::vector<queued_message> claimed;
    for (auto& q : due) {
        // The row count settles a race with another deliverer that read the same row before this one locked it.
        long long id = q.id;
        soci::statement st = (sql_.prepare << "UPDATE messages SET lease_until = :until WHERE id = :id AND "
                                              "status = 'pending' AND (lease_until IS NULL OR lease_until <= :now)",
                              soci::use(until), soci::use(id), soci::use(at));
        if (execute_counting(st) != 1) continue;
        q.lease_until = lease_until;
        claimed.push_back(std::move(q));
    }
    return claimed;
}

int soci_messages::expire_overdue(channel c, time_point now) {
    const std::string channel_text(to_string(c));
    std::tm at = to_tm(now);
    soci::statement st = (sql_.prepare << "UPDATE messages SET status = 'expired', sealed_secret = NULL "
                                          "WHERE status = 'pending' AND channel = :channel AND expires_at <= :now "
                                          "AND (lease_until IS NULL OR lease_until <= :now2)",
                          soci::use(channel_text), soci::use(at), soci::use(at));
    return static_cast<int>(execute_counting(st));
}

namespace {
/// A row of a statement that only asks whether any row matches.
struct any_row {
    int one = 0;
    template <class Each>
    void each_column(Each each) {
        each("one", one);
    }
};
}  // namespace

bool soci_messages::has_due(channel c, time_point now) {
    // Asked by every deliverer loop about once a second: prepared once per connection.
    static const std::string text =
        "SELECT 1 FROM messages WHERE status = 'pending' AND channel = :channel "
        "AND (next_attempt_at <= :now OR expires_at <= :now2) AND (lease_until IS NULL OR lease_until <= :now3) "
        "LIMIT 1";
    const auto at = to_tm(now);
    bool found = false;
    run_prepared<any_row>(
        sql_, prepared_, text,
        [&](const any_row&) {
            found = true;
            return false;
        },
        std::string(to_string(c)), at, at, at);
    return found;
}

namespace {
/// The tail of an outcome's UPDATE: the message is still pending under the lease it was claimed with.
constexpr const char* under_lease = " WHERE id = :id AND status = 'pending' AND lease_until = :lease";
}  // namespace

bool soci_messages::mark_sent(std::int64_t id_value, time_point lease_value, time_point now) {
    long long id = id_value;
    std::tm at = to_tm(now), lease = to_tm(lease_value);
    soci::statement st =
        (sql_.prepare << std::string("UPDATE messages SET status = 'sent', sealed_secret = NULL, lease_until = NULL, "
                                     "sent_at = :at") +
                             under_lease,
         soci::use(at), soci::use(id), soci::use(lease));
    return execute_counting(st) == 1;
}

bool soci_messages::retry_later(std::int64_t id_value, time_point lease_value, int attempts, time_point next_attempt_at,
                                std::string_view error_view) {
    long long id = id_value;
    const std::string error(error_view);
    std::tm next = to_tm(next_attempt_at), lease = to_tm(lease_value);
    soci::statement st = (sql_.prepare << std::string("UPDATE messages SET attempts = :attempts, next_attempt_at = "
                                                      ":next, lease_until = NULL, last_error = :error") +
                                              under_lease,
                          soci::use(attempts), soci::use(next), soci::use(error), soci::use(id), soci::use(lease));
    return execute_counting(st) == 1;
}

bool soci_messages::mark_dead(std::int64_t id_value, time_point lease_value, int attempts,
                              std::string_view error_view) {
    long long id = id_value;
    const std::string error(error_view);
    std::tm lease = to_tm(lease_value);
    soci::statement st = (sql_.prepare << std::string("UPDATE messages SET status = 'dead', attempts = :attempts, "
                                                      "lease_until = NULL, last_error = :error") +
                                              under_lease,
                          soci::use(attempts), soci::use(error), soci::use(id), soci::use(lease));
    return execute_counting(st) == 1;
}

std::vector<queued_message> soci_messages::list_dead(int limit) {
    return select_all<message_row>(
        sql_, select_from<message_row>() + " WHERE status = 'dead' ORDER BY id DESC LIMIT " + std::to_string(limit),
        uses());
}

bool soci_messages::requeue(std::int64_t id_value, time_point now) {
    long long id = id_value;
    std::tm at = to_tm(now);
    soci::statement st =
        (sql_.prepare
             << "UPDATE messages SET status = 'pending', attempts = 0, next_attempt_at = :at, "
                "lease_until = NULL WHERE id = :id AND status = 'dead' AND (expires_at IS NULL OR expires_at > :now)",
         soci::use(at), soci::use(id), soci::use(at));
    return execute_counting(st) == 1;
}

int soci_messages::requeue_all_dead(time_point now) {
    std::tm at = to_tm(now);
    soci::statement st =
        (sql_.prepare << "UPDATE messages SET status = 'pending', attempts = 0, next_attempt_at = :at, "
                         "lease_until = NULL WHERE status = 'dead' AND (expires_at IS NULL OR expires_at > :now)",
         soci::use(at), soci::use(at));
    return static_cast<int>(execute_counting(st));
}

std::int64_t soci_messages::backlog(channel c) {
    const std::string channel_text(to_string(c));
    return count_rows(sql_, "SELECT COUNT(*) FROM messages WHERE status = 'pending' AND channel = :channel",
                      uses(channel_text));
}

}  // namespace authd::storage
