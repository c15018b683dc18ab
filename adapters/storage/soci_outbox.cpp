#include "adapters/json/event_json.hpp"
#include "adapters/storage/soci_internal.hpp"

namespace authd::storage {

void soci_outbox::add_event_change(std::string_view event_type_view, const event& e, time_point now) {
    const std::string type(event_type_view), aggregate_id = std::to_string(e.id), payload = json::event_json(e);
    std::tm at = to_tm(now);
    sql_ << "INSERT INTO outbox (aggregate_type, aggregate_id, event_type, payload, processed, created_at) "
            "VALUES ('EVENT', :aggregate_id, :type, :payload, :processed, :at)",
        soci::use(aggregate_id), soci::use(type), soci::use(payload), soci::use(0), soci::use(at);
}

std::vector<outbox_message> soci_outbox::next_unprocessed(int limit) {
    long long id = 0;
    outbox_message m;
    std::tm created{};
    soci::statement st = (sql_.prepare << "SELECT id, aggregate_type, aggregate_id, event_type, payload, created_at "
                                          "FROM outbox WHERE NOT processed ORDER BY id LIMIT "
                                       << limit << for_update(dialect_),
                          soci::into(id), soci::into(m.aggregate_type), soci::into(m.aggregate_id),
                          soci::into(m.event_type), soci::into(m.payload), soci::into(created));
    std::vector<outbox_message> out;
    if (st.execute(true)) {
        do {
            m.id = id;
            m.created_at = from_tm(created);
            out.push_back(m);
        } while (st.fetch());
    }
    return out;
}

void soci_outbox::mark_processed(std::int64_t id_value, time_point now) {
    long long id = id_value;
    std::tm at = to_tm(now);
    sql_ << "UPDATE outbox SET processed = :processed, processed_at = :at WHERE id = :id", soci::use(1), soci::use(at),
        soci::use(id);
}

}  // namespace authd::storage
