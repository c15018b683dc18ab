#include "adapters/storage/soci_internal.hpp"

namespace authd::storage {
namespace {
const std::string event_columns =
    "id, name, event_date, venue_name, total_seats, available_seats, status, sale_start_time, created_at, updated_at";

struct event_row {
    long long id = 0;
    std::string name, venue_name, status;
    std::tm event_date{}, sale_start_time{}, created_at{}, updated_at{};
    int total_seats = 0, available_seats = 0;

    event to_event() const {
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

void bind_row(soci::statement& st, event_row& r) {
    st.exchange(soci::into(r.id));
    st.exchange(soci::into(r.name));
    st.exchange(soci::into(r.event_date));
    st.exchange(soci::into(r.venue_name));
    st.exchange(soci::into(r.total_seats));
    st.exchange(soci::into(r.available_seats));
    st.exchange(soci::into(r.status));
    st.exchange(soci::into(r.sale_start_time));
    st.exchange(soci::into(r.created_at));
    st.exchange(soci::into(r.updated_at));
}

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
    const std::string status(to_string(e.status));
    std::tm date = to_tm(e.event_date), sale = to_tm(e.sale_start_time), created = to_tm(e.created_at),
            updated = to_tm(e.updated_at);
    sql_ << "INSERT INTO events (name, event_date, venue_name, total_seats, available_seats, status, sale_start_time, "
            "created_at, updated_at) VALUES (:name, :date, :venue, :total, :available, :status, :sale, :created, "
            ":updated)",
        soci::use(e.name), soci::use(date), soci::use(e.venue_name), soci::use(e.total_seats),
        soci::use(e.available_seats), soci::use(status), soci::use(sale), soci::use(created), soci::use(updated);
    return last_insert_id(sql_, dialect_);
}

std::optional<event> soci_events::select_one(std::int64_t id_value, bool lock) {
    long long id = id_value;
    event_row r;
    soci::statement st(sql_);
    st.alloc();
    bind_row(st, r);
    st.exchange(soci::use(id));
    st.prepare("SELECT " + event_columns + " FROM events WHERE id = :id" + (lock ? for_update(dialect_) : ""));
    st.define_and_bind();
    if (!st.execute(true)) return std::nullopt;
    return r.to_event();
}

std::optional<event> soci_events::find(std::int64_t id) { return select_one(id, false); }
std::optional<event> soci_events::lock(std::int64_t id) { return select_one(id, true); }

void soci_events::update(const event& e) {
    const std::string status(to_string(e.status));
    long long id = e.id;
    std::tm date = to_tm(e.event_date), sale = to_tm(e.sale_start_time), updated = to_tm(e.updated_at);
    sql_ << "UPDATE events SET name = :name, event_date = :date, venue_name = :venue, total_seats = :total, "
            "available_seats = :available, status = :status, sale_start_time = :sale, updated_at = :updated "
            "WHERE id = :id",
        soci::use(e.name), soci::use(date), soci::use(e.venue_name), soci::use(e.total_seats),
        soci::use(e.available_seats), soci::use(status), soci::use(sale), soci::use(updated), soci::use(id);
}

bool soci_events::remove(std::int64_t id_value) {
    long long id = id_value;
    soci::statement st = (sql_.prepare << "DELETE FROM events WHERE id = :id", soci::use(id));
    return execute_counting(st) > 0;
}

std::vector<event> soci_events::list(const event_query& q) {
    filter f(q);
    event_row r;
    soci::statement st(sql_);
    st.alloc();
    bind_row(st, r);
    f.bind(st, q);
    // Sizes and offsets are validated integers: written into the text, not bound, as every dialect takes them there.
    st.prepare("SELECT " + event_columns + " FROM events" + f.where + " ORDER BY event_date, id LIMIT " +
               std::to_string(q.size) + " OFFSET " + std::to_string(static_cast<long long>(q.page) * q.size));
    st.define_and_bind();
    std::vector<event> out;
    if (st.execute(true)) {
        do out.push_back(r.to_event());
        while (st.fetch());
    }
    return out;
}

std::int64_t soci_events::count(const event_query& q) {
    filter f(q);
    long long n = 0;
    soci::statement st(sql_);
    st.alloc();
    st.exchange(soci::into(n));
    f.bind(st, q);
    st.prepare("SELECT COUNT(*) FROM events" + f.where);
    st.define_and_bind();
    st.execute(true);
    return n;
}

}  // namespace authd::storage
