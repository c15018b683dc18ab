#include "adapters/storage/migrator.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "adapters/storage/migrations.hpp"
#include "adapters/storage/soci_internal.hpp"

namespace authd::storage {
namespace {
/// Splits a migration file into statements: drivers run one statement per call.
std::vector<std::string> statements_of(const std::string& sql) {
    std::vector<std::string> out;
    std::string current;
    std::size_t pos = 0;
    while (pos < sql.size()) {
        auto eol = sql.find('\n', pos);
        if (eol == std::string::npos) eol = sql.size();
        std::string line = sql.substr(pos, eol - pos);
        pos = eol + 1;
        const auto first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos || line.compare(first, 2, "--") == 0) continue;
        current += line + '\n';
        const auto last = line.find_last_not_of(" \t\r");
        if (line[last] == ';') {
            current.erase(current.find_last_of(';'));
            out.push_back(current);
            current.clear();
        }
    }
    if (current.find_first_not_of(" \t\r\n") != std::string::npos) out.push_back(current);
    return out;
}

std::map<std::string, std::string> applied_checksums(soci::session& sql) {
    std::map<std::string, std::string> applied;
    std::string version, checksum;
    soci::statement st =
        (sql.prepare << "SELECT version, checksum FROM schema_migrations", soci::into(version), soci::into(checksum));
    for (bool row = st.execute(true); row; row = st.fetch()) applied[version] = checksum;
    return applied;
}

std::vector<std::string> apply_pending(soci::session& sql, const sql_dialect& d) {
    std::vector<std::string> applied_now;
    sql << "CREATE TABLE IF NOT EXISTS schema_migrations (version VARCHAR(255) PRIMARY KEY, "
           "checksum CHAR(64) NOT NULL, applied_at TIMESTAMP NOT NULL)";
    const auto applied = applied_checksums(sql);
    for (const auto& m : embedded_migrations()) {
        if (m.dialect != to_string(d.kind())) continue;
        if (const auto it = applied.find(m.name); it != applied.end()) {
            if (it->second != m.checksum)
                throw std::runtime_error("migration " + m.dialect + "/" + m.name +
                                         ".sql was changed after it was applied; refusing to start");
            continue;
        }
        d.begin_migration(sql);
        for (const auto& statement : statements_of(m.sql)) sql << statement;
        std::tm now =
            to_tm(time_point{std::chrono::duration_cast<seconds>(std::chrono::system_clock::now().time_since_epoch())});
        sql << "INSERT INTO schema_migrations (version, checksum, applied_at) VALUES (:v, :c, :at)", soci::use(m.name),
            soci::use(m.checksum), soci::use(now);
        d.commit_migration(sql);
        applied_now.push_back(m.dialect + "/" + m.name);
    }
    return applied_now;
}
}  // namespace

std::vector<std::string> apply_migrations(connection_pool& pool) {
    std::vector<std::string> applied_now;
    const sql_dialect& d = pool.dialect_of();
    pool.with_connection([&](soci::session& sql, statement_cache& /*prepared*/) {
        d.lock_migrations(sql);
        try {
            d.begin_migrations(sql);
            applied_now = apply_pending(sql, d);
            d.commit_migrations(sql);
        } catch (...) {
            d.rollback(sql);
            d.unlock_migrations(sql);
            throw;
        }
        d.unlock_migrations(sql);
    });
    return applied_now;
}

std::map<std::string, std::vector<std::string>> read_schema(connection_pool& pool) {
    std::map<std::string, std::vector<std::string>> out;
    pool.with_connection([&](soci::session& sql, statement_cache& /*prepared*/) {
        std::string table, column;
        soci::statement st = (sql.prepare << pool.dialect_of().schema_query(), soci::into(table), soci::into(column));
        for (bool row = st.execute(true); row; row = st.fetch())
            if (table != "schema_migrations") out[table].push_back(column);
    });
    for (auto& [t, columns] : out) std::sort(columns.begin(), columns.end());
    return out;
}

}  // namespace authd::storage
