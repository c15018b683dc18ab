#include "adapters/storage/soci_internal.hpp"

namespace authd::storage {
namespace {
const std::string agent_columns =
    "id, phone_number, country_code, first_name, last_name, email, license_number, agency_id, status, created_at, "
    "updated_at";
}  // namespace

bool soci_agents::insert(const agent& a) {
    std::string agency = a.agency_id.value_or("");
    soci::indicator agency_ind = a.agency_id ? soci::i_ok : soci::i_null;
    std::tm created = to_tm(a.created_at), updated = to_tm(a.updated_at);
    try {
        sql_ << "INSERT INTO agents (" << agent_columns
             << ") VALUES (:id, :phone, :cc, :first, :last, :email, :license, :agency, :status, :created, :updated)",
            soci::use(a.id), soci::use(a.phone_number), soci::use(a.country_code), soci::use(a.first_name),
            soci::use(a.last_name), soci::use(a.email), soci::use(a.license_number), soci::use(agency, agency_ind),
            soci::use(a.status), soci::use(created), soci::use(updated);
    } catch (const soci::soci_error& e) {
        if (is_unique_violation(e)) return false;
        throw;
    }
    return true;
}

std::optional<agent> soci_agents::find_where(const std::string& column, std::string_view value_view, bool lock) {
    const std::string value(value_view);
    agent a;
    std::string agency;
    soci::indicator agency_ind = soci::i_null;
    std::tm created{}, updated{};
    sql_ << "SELECT " << agent_columns << " FROM agents WHERE " << column << " = :v"
         << (lock ? for_update(dialect_) : ""),
        soci::use(value), soci::into(a.id), soci::into(a.phone_number), soci::into(a.country_code),
        soci::into(a.first_name), soci::into(a.last_name), soci::into(a.email), soci::into(a.license_number),
        soci::into(agency, agency_ind), soci::into(a.status), soci::into(created), soci::into(updated);
    if (!sql_.got_data()) return std::nullopt;
    if (agency_ind == soci::i_ok) a.agency_id = agency;
    a.created_at = from_tm(created);
    a.updated_at = from_tm(updated);
    return a;
}

std::optional<agent> soci_agents::find_by_id(std::string_view id) { return find_where("id", id); }
std::optional<agent> soci_agents::lock_by_id(std::string_view id) { return find_where("id", id, true); }
std::optional<agent> soci_agents::find_by_phone(std::string_view e164) { return find_where("phone_number", e164); }
std::optional<agent> soci_agents::find_by_email(std::string_view email) { return find_where("email", email); }
std::optional<agent> soci_agents::find_by_license(std::string_view license) {
    return find_where("license_number", license);
}

bool soci_agents::update(const agent& a) {
    std::tm updated = to_tm(a.updated_at);
    try {
        sql_ << "UPDATE agents SET first_name = :first, last_name = :last, email = :email, status = :status, "
                "updated_at = :updated WHERE id = :id",
            soci::use(a.first_name), soci::use(a.last_name), soci::use(a.email), soci::use(a.status),
            soci::use(updated), soci::use(a.id);
    } catch (const soci::soci_error& e) {
        if (is_unique_violation(e)) return false;
        throw;
    }
    return true;
}

namespace {
/// One agents row as a multi-row statement binds it.
struct agent_row {
    agent a;
    std::string agency;
    soci::indicator agency_ind = soci::i_null;
    std::tm created{}, updated{};

    void bind(soci::statement& st) {
        st.exchange(soci::into(a.id));
        st.exchange(soci::into(a.phone_number));
        st.exchange(soci::into(a.country_code));
        st.exchange(soci::into(a.first_name));
        st.exchange(soci::into(a.last_name));
        st.exchange(soci::into(a.email));
        st.exchange(soci::into(a.license_number));
        st.exchange(soci::into(agency, agency_ind));
        st.exchange(soci::into(a.status));
        st.exchange(soci::into(created));
        st.exchange(soci::into(updated));
    }
    agent to_agent() const {
        agent out = a;
        out.agency_id = agency_ind == soci::i_ok ? std::optional<std::string>(agency) : std::nullopt;
        out.created_at = from_tm(created);
        out.updated_at = from_tm(updated);
        return out;
    }
};

std::string email_filter(const page_query& q) {
    return q.email_contains ? " WHERE email LIKE :pattern ESCAPE '!'" : "";
}
}  // namespace

std::vector<agent> soci_agents::list(const page_query& q) {
    const std::string pattern = contains_pattern(q.email_contains.value_or(""));
    agent_row r;
    soci::statement st(sql_);
    st.alloc();
    r.bind(st);
    if (q.email_contains) st.exchange(soci::use(pattern));
    st.prepare("SELECT " + agent_columns + " FROM agents" + email_filter(q) + " ORDER BY email LIMIT " +
               std::to_string(q.size) + " OFFSET " + std::to_string(static_cast<long long>(q.page) * q.size));
    st.define_and_bind();
    std::vector<agent> out;
    if (st.execute(true)) {
        do out.push_back(r.to_agent());
        while (st.fetch());
    }
    return out;
}

std::int64_t soci_agents::count(const page_query& q) {
    const std::string pattern = contains_pattern(q.email_contains.value_or(""));
    long long n = 0;
    soci::statement st(sql_);
    st.alloc();
    st.exchange(soci::into(n));
    if (q.email_contains) st.exchange(soci::use(pattern));
    st.prepare("SELECT COUNT(*) FROM agents" + email_filter(q));
    st.define_and_bind();
    st.execute(true);
    return n;
}

}  // namespace authd::storage
