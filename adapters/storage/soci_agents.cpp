#include "adapters/storage/statement_cache.hpp"

namespace authd::storage {
namespace {
/// One agents row.
struct agent_row : row_of<agent, "agents"> {
    agent a;
    std::string status;
    nullable_text agency;
    std::tm created{}, updated{};

    agent_row() = default;
    explicit agent_row(const agent& from)
        : a(from),
          status(to_string(from.status)),
          agency(from.agency_id),
          created(to_tm(from.created_at)),
          updated(to_tm(from.updated_at)) {}

    template <class Each>
    void each_column(Each each) {
        each("id", a.id);
        each("phone_number", a.phone_number);
        each("country_code", a.country_code);
        each("first_name", a.first_name);
        each("last_name", a.last_name);
        each("email", a.email);
        each("license_number", a.license_number);
        each("agency_id", agency.value, agency.ind);
        each("status", status);
        each("created_at", created);
        each("updated_at", updated);
    }

    agent to_entity() const {
        agent out = a;
        out.agency_id = agency.get();
        out.status = stored_enum("agents.status", status, parse_agent_status);
        out.created_at = from_tm(created);
        out.updated_at = from_tm(updated);
        return out;
    }
};

std::string email_filter(const page_query& q) {
    return q.email_contains ? " WHERE email LIKE :pattern ESCAPE '!'" : "";
}
}  // namespace

bool soci_agents::insert(const agent& a) {
    return dialect_.unless_duplicate(sql_, [&] { insert_row<agent_row>(sql_, a); });
}

std::optional<agent> soci_agents::find_where(const std::string& column, std::string_view value_view, bool lock) {
    // A handful of texts (one per column, with and without the lock): each connection keeps them prepared.
    return select_one_prepared<agent_row>(
        sql_, prepared_, select_from<agent_row>() + " WHERE " + column + " = :v" + (lock ? dialect_.for_update() : ""),
        std::string(value_view));
}

std::optional<agent> soci_agents::find_by_id(std::string_view id) { return find_where("id", id); }
std::optional<agent> soci_agents::lock_by_id(std::string_view id) { return find_where("id", id, true); }
std::optional<agent> soci_agents::find_by_phone(std::string_view e164) { return find_where("phone_number", e164); }
std::optional<agent> soci_agents::find_by_email(std::string_view email) { return find_where("email", email); }
std::optional<agent> soci_agents::find_by_license(std::string_view license) {
    return find_where("license_number", license);
}

bool soci_agents::update(const agent& a) {
    return dialect_.unless_duplicate(sql_, [&] { update_row<agent_row>(sql_, a); });
}

std::vector<agent> soci_agents::list(const page_query& q) {
    const std::string pattern = contains_pattern(q.email_contains.value_or(""));
    return select_all<agent_row>(sql_,
                                 select_from<agent_row>() + email_filter(q) + " ORDER BY email LIMIT " +
                                     std::to_string(q.size) + " OFFSET " +
                                     std::to_string(static_cast<long long>(q.page) * q.size),
                                 [&](soci::statement& st) {
                                     if (q.email_contains) st.exchange(soci::use(pattern));
                                 });
}

std::int64_t soci_agents::count(const page_query& q) {
    const std::string pattern = contains_pattern(q.email_contains.value_or(""));
    return count_rows(sql_, "SELECT COUNT(*) FROM agents" + email_filter(q), [&](soci::statement& st) {
        if (q.email_contains) st.exchange(soci::use(pattern));
    });
}

}  // namespace authd::storage
