#include "adapters/storage/row_mapping.hpp"

namespace authd::storage {
namespace {
/// One events row.
struct event_row : row_of<event, "events", "id", true> {
    long long id = 0;
    std::string name, venue_name, status;
    std::tm event_date{}, sale_start_time{}, created_at{}, updated_at{};
    int total_seats = 0, available_seats = 0;

    event_row() = default;
    explicit event_row(const event& e)
        : id(e.id),
          name(e.name),
          venue_name(e.venue_name),
          status(to_string(e.status)),
          event_date(to_tm(e.event_date)),
          sale_start_time(to_tm(e.sale_start_time)),
          created_at(to_tm(e.created_at)),
          updated_at(to_tm(e.updated_at)),
          total_seats(e.total_seats),
          available_seats(e.available_seats) {}

    template <class Each>
    void each_column(Each each) {
        each("id", id);
        each("name", name);
        each("event_date", event_date);
        each("venue_name", venue_name);
        each("total_seats", total_seats);
        each("available_seats", available_seats);
        each("status", status);
        each("sale_start_time", sale_start_time);
        each("created_at", created_at);
        each("updated_at", updated_at);
    }

    event to_entity() const {
        event e;
        e.id = id;
        e.name = name;
        e.event_date = from_tm(event_date);
        e.venue_name = venue_name;
        e.total_seats = total_seats;
        e.available_seats = available_seats;
        e.status = stored_enum("events.status", status, parse_event_status);
        e.sale_start_time = from_tm(sale_start_time);
        e.created_at = from_tm(created_at);
        e.updated_at = from_tm(updated_at);
        return e;
    }
};

/// The WHERE clause of a query and the values it binds, in order.
struct filter {
    std::string where = " WHERE 1 = 1";
    std::string status;
    std::tm from{}, to{};

    explicit filter(const event_query& q) {
        if (q.status) {
            status = std::string(to_string(*q.status));
            where += " AND status = :status";
        }
        if (q.from) {
            from = to_tm(*q.from);
            where += " AND event_date >= :from";
        }
        if (q.to) {
            to = to_tm(*q.to);
            where += " AND event_date <= :to";
        }
    }
    void bind(soci::statement& st, const event_query& q) {
        if (q.status) st.exchange(soci::use(status));
        if (q.from) st.exchange(soci::use(from));
        if (q.to) st.exchange(soci::use(to));
    }
};
}  // namespace

std::int64_t soci_events::insert(const event& e) {
    insert_row<event_row>(sql_, e);
    return dialect_.last_insert_id(sql_);
}

std::optional<event> soci_events::select_one(std::int64_t id_value, bool lock) {
    long long id = id_value;
    return storage::select_one<event_row>(
        sql_, select_from<event_row>() + " WHERE id = :id" + (lock ? dialect_.for_update() : ""), uses(id));
}

std::optional<event> soci_events::find(std::int64_t id) { return select_one(id, false); }
std::optional<event> soci_events::lock(std::int64_t id) { return select_one(id, true); }

void soci_events::update(const event& e) { update_row<event_row>(sql_, e); }

bool soci_events::remove(std::int64_t id_value) {
    long long id = id_value;
    soci::statement st = (sql_.prepare << "DELETE FROM events WHERE id = :id", soci::use(id));
    return execute_counting(st) > 0;
}

std::vector<event> soci_events::list(const event_query& q) {
    filter f(q);
    // Sizes and offsets are validated integers: written into the text, not bound, as every dialect takes them there.
    return select_all<event_row>(sql_,
                                 select_from<event_row>() + f.where + " ORDER BY event_date, id LIMIT " +
                                     std::to_string(q.size) + " OFFSET " +
                                     std::to_string(static_cast<long long>(q.page) * q.size),
                                 [&](soci::statement& st) { f.bind(st, q); });
}

std::int64_t soci_events::count(const event_query& q) {
    filter f(q);
    return count_rows(sql_, "SELECT COUNT(*) FROM events" + f.where, [&](soci::statement& st) { f.bind(st, q); });
}

}  // namespace authd::storage
