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

std::optional<agent> soci_agents::find_where(const std::string& column, std::string_view value_view) {
    const std::string value(value_view);
    agent a;
    std::string agency;
    soci::indicator agency_ind = soci::i_null;
    std::tm created{}, updated{};
    sql_ << "SELECT " << agent_columns << " FROM agents WHERE " << column << " = :v", soci::use(value),
        soci::into(a.id), soci::into(a.phone_number), soci::into(a.country_code), soci::into(a.first_name),
        soci::into(a.last_name), soci::into(a.email), soci::into(a.license_number), soci::into(agency, agency_ind),
        soci::into(a.status), soci::into(created), soci::into(updated);
    if (!sql_.got_data()) return std::nullopt;
    if (agency_ind == soci::i_ok) a.agency_id = agency;
    a.created_at = from_tm(created);
    a.updated_at = from_tm(updated);
    return a;
}

std::optional<agent> soci_agents::find_by_id(std::string_view id) { return find_where("id", id); }
std::optional<agent> soci_agents::find_by_phone(std::string_view e164) { return find_where("phone_number", e164); }
std::optional<agent> soci_agents::find_by_email(std::string_view email) { return find_where("email", email); }
std::optional<agent> soci_agents::find_by_license(std::string_view license) {
    return find_where("license_number", license);
}

void soci_agents::update(const agent& a) {
    std::tm updated = to_tm(a.updated_at);
    sql_ << "UPDATE agents SET first_name = :first, last_name = :last, email = :email, status = :status, "
            "updated_at = :updated WHERE id = :id",
        soci::use(a.first_name), soci::use(a.last_name), soci::use(a.email), soci::use(a.status), soci::use(updated),
        soci::use(a.id);
}

}  // namespace authd::storage
