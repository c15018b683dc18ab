#include <algorithm>

#include "adapters/json/integration_events.hpp"
#include "adapters/storage/soci_internal.hpp"

namespace authd::storage {

namespace {
void add_row(soci::session& sql, const std::string& aggregate_type, const std::string& aggregate_id,
             std::string_view event_type, const std::string& payload, time_point now) {
    const std::string type(event_type);
    std::tm at = to_tm(now);
    sql << "INSERT INTO outbox (aggregate_type, aggregate_id, event_type, payload, processed, created_at) "
           "VALUES (:aggregate_type, :aggregate_id, :type, :payload, :processed, :at)",
        soci::use(aggregate_type), soci::use(aggregate_id), soci::use(type), soci::use(payload), soci::use(0),
        soci::use(at);
}
}  // namespace

void soci_outbox::add_event_change(std::string_view event_type, const event& e, time_point now) {
    add_row(sql_, "EVENT", std::to_string(e.id), event_type, json::event_changed_payload(e), now);
}

void soci_outbox::add_client_change(std::string_view event_type, const user& client, time_point now) {
    add_row(sql_, "CLIENT", client.id, event_type, json::client_changed_payload(client), now);
}

std::vector<outbox_message> soci_outbox::oldest_unprocessed(int limit, const char* lock) {
    long long id = 0;
    outbox_message m;
    std::tm created{};
    nullable_time lease;
    soci::statement st =
        (sql_.prepare << "SELECT id, aggregate_type, aggregate_id, event_type, payload, created_at, lease_until "
                         "FROM outbox WHERE NOT processed ORDER BY id LIMIT "
                      << limit << lock,
         soci::into(id), soci::into(m.aggregate_type), soci::into(m.aggregate_id), soci::into(m.event_type),
         soci::into(m.payload), soci::into(created), soci::into(lease.value, lease.ind));
    std::vector<outbox_message> out;
    if (st.execute(true)) {
        do {
            m.id = id;
            m.created_at = from_tm(created);
            m.lease_until = lease.get();
            out.push_back(m);
        } while (st.fetch());
    }
    return out;
}

std::vector<outbox_message> soci_outbox::next_unprocessed(int limit) { return oldest_unprocessed(limit, ""); }

std::vector<outbox_message> soci_outbox::claim_next(int limit, time_point now, time_point lease_until) {
    auto rows = oldest_unprocessed(limit, dialect_.for_update());
    const auto held = std::find_if(rows.begin(), rows.end(), [&](const auto& m) { return m.lease_until > now; });
    rows.erase(held, rows.end());
    if (rows.empty()) return rows;
    // The rows read are the leading unprocessed ones: one range covers them. A row of that range that a transaction
    // committed only after the read (a lower id committed later) is claimed too, and freed by release().
    std::tm until = to_tm(lease_until);
    long long first = rows.front().id, last = rows.back().id;
    sql_ << "UPDATE outbox SET lease_until = :until WHERE NOT processed AND id >= :first AND id <= :last",
        soci::use(until), soci::use(first), soci::use(last);
    for (auto& m : rows) m.lease_until = lease_until;
    return rows;
}

void soci_outbox::mark_processed(std::int64_t id_value, time_point now) {
    long long id = id_value;
    std::tm at = to_tm(now);
    sql_ << "UPDATE outbox SET processed = :processed, processed_at = :at WHERE id = :id", soci::use(1), soci::use(at),
        soci::use(id);
}

void soci_outbox::release(std::int64_t first_id, std::int64_t last_id, time_point lease_until) {
    std::tm until = to_tm(lease_until);
    long long first = first_id, last = last_id;
    sql_ << "UPDATE outbox SET lease_until = NULL WHERE id >= :first AND id <= :last AND NOT processed AND "
            "lease_until = :until",
        soci::use(first), soci::use(last), soci::use(until);
}

}  // namespace authd::storage
