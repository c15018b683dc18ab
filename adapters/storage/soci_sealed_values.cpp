// The sealed columns over SOCI, for `authd keys reseal`.
#include "adapters/storage/soci_internal.hpp"

namespace authd::storage {
namespace {
struct column_sql {
    const char* table;
    const char* key;
    const char* value;
};

/// The three columns sealed under DB_ENCRYPTION_KEY; names from this table only, never from input.
column_sql sql_of(sealed_column c) {
    switch (c) {
        case sealed_column::totp_secret: return {"users", "id", "totp_secret"};
        case sealed_column::message_secret: return {"messages", "message_id", "sealed_secret"};
        case sealed_column::signing_key: return {"signing_keys", "kid", "sealed_private"};
    }
    throw std::logic_error("unknown sealed column");
}
}  // namespace

std::vector<sealed_value> soci_sealed_values::page(sealed_column column, std::string_view after_view, int limit) {
    const auto c = sql_of(column);
    const std::string after(after_view);
    // Row keys are lower-case ASCII ids (UUIDs, kids): PostgreSQL's uuid order is their text order. The first page
    // has no lower bound, as "" is no uuid.
    const std::string query = std::string("SELECT ") + c.key + ", " + c.value + " FROM " + c.table + " WHERE " +
                              c.value + " IS NOT NULL AND " + c.value + " <> ''" +
                              (after.empty() ? "" : std::string(" AND ") + c.key + " > :after") + " ORDER BY " + c.key +
                              " LIMIT :limit";
    std::vector<sealed_value> out;
    std::string key, value;
    soci::statement st =
        after.empty() ? (sql_.prepare << query, soci::use(limit), soci::into(key), soci::into(value))
                      : (sql_.prepare << query, soci::use(after), soci::use(limit), soci::into(key), soci::into(value));
    st.execute();
    while (st.fetch()) out.push_back({column, key, value});
    return out;
}

bool soci_sealed_values::replace(const sealed_value& old, std::string_view sealed_view) {
    const auto c = sql_of(old.column);
    const std::string sealed(sealed_view);
    const std::string query = std::string("UPDATE ") + c.table + " SET " + c.value + " = :sealed WHERE " + c.key +
                              " = :key AND " + c.value + " = :old";
    soci::statement st = (sql_.prepare << query, soci::use(sealed), soci::use(old.key), soci::use(old.sealed));
    return execute_counting(st) == 1;
}

}  // namespace authd::storage
