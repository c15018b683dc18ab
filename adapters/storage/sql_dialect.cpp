#include "adapters/storage/sql_dialect.hpp"

#include <soci/sqlite3/soci-sqlite3.h>  // also sqlite3.h, inside namespace sqlite_api (its macros are global)

#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "adapters/storage/server_drivers.hpp"

namespace authd::storage {
namespace {

// Switching to WAL takes the file's exclusive lock for a moment. When another connection holds a
// shared lock and waits for the same, SQLite answers busy at once instead of calling the busy
// handler (waiting could deadlock), so several instances opening one file together can see
// "database is locked" here. The switch is retried for as long as the busy timeout would wait.
void switch_to_wal(soci::session& sql, std::chrono::milliseconds patience) {
    const auto give_up = std::chrono::steady_clock::now() + patience;
    for (auto pause = std::chrono::milliseconds(1);; pause = std::min(pause * 2, std::chrono::milliseconds(50))) {
        try {
            sql << "PRAGMA journal_mode = WAL";
            return;
        } catch (const soci::sqlite3_soci_error& error) {
            const int primary = error.result() & 0xff;  // an extended code (SQLITE_BUSY_RECOVERY) counts too
            const bool busy = primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
            if (!busy || std::chrono::steady_clock::now() >= give_up) throw;
        }
        std::this_thread::sleep_for(pause);
    }
}

// Once, before SQLite's first connection in the process. The pool lends each connection to one thread at a time, so
// SQLite's own per-connection mutexes guard nothing (multi-thread mode instead of serialized); and its memory
// statistics, which nobody reads, take a process-wide mutex on every allocation. Both cost the single writer time.
// Each connection's page cache grows a page at a time instead of starting with 20 pages written in one block (85 KiB):
// most pooled connections of an idle or lightly used instance touch a few pages, and the blocks were a sixth of
// an idle instance's memory. A page is allocated once and then reused, so a busy connection pays nothing more.
// A no-op when SQLite was already initialised (sqlite3_config then refuses, and the defaults stay).
void configure_sqlite_once() {
    static std::once_flag once;
    std::call_once(once, [] {
        sqlite_api::sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
        sqlite_api::sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        sqlite_api::sqlite3_config(SQLITE_CONFIG_PAGECACHE, nullptr, 0, 0);
    });
}

}  // namespace

void sql_dialect::open(soci::session& sql, const database_url& url) const {
    switch (kind_) {
        case dialect::sqlite:
            configure_sqlite_once();
            sql.open(*soci::factory_sqlite3(), url.soci_connect_string());
            // The busy timeout makes writers queue, not fail; it comes first, because switching to
            // WAL (which lets readers run beside the one writer) needs a lock another instance may hold.
            sql << "PRAGMA busy_timeout = 5000";
            if (!url.in_memory()) {
                switch_to_wal(sql, std::chrono::milliseconds(5000));
                // No commit copies the log back into the file: the pool's wal_checkpointer does, beside the writers.
                sql << "PRAGMA wal_autocheckpoint = 0";
            }
            sql << "PRAGMA foreign_keys = ON";
            sql << "PRAGMA synchronous = NORMAL";
            break;
        case dialect::postgresql: sql.open(postgresql_factory(), url.soci_connect_string()); break;
        case dialect::mysql:
            sql.open(mysql_factory(), url.soci_connect_string());
            sql << "SET time_zone = '+00:00'";
            break;
    }
}

void sql_dialect::begin_write(soci::session& sql) const {
    if (kind_ == dialect::sqlite) sql << "BEGIN IMMEDIATE";
    else sql.begin();
}

void sql_dialect::commit(soci::session& sql) const {
    if (kind_ == dialect::sqlite) sql << "COMMIT";
    else sql.commit();
}

void sql_dialect::rollback(soci::session& sql) const noexcept {
    try {
        if (kind_ == dialect::sqlite) sql << "ROLLBACK";
        else sql.rollback();
    } catch (...) {
        // The connection may be gone; the original error says more.
    }
}

void sql_dialect::abandon(soci::session& sql) const noexcept {
    if (kind_ != dialect::postgresql) return;  // SQLite and SOCI's MySQL driver keep nothing prepared on a server
    // A static_cast: SOCI's PostgreSQL library does not export the backend's type information.
    if (!sql.get_backend() || sql.get_backend_name() != "postgresql") return;
    auto* backend = static_cast<soci::postgresql_session_backend*>(sql.get_backend());
    if (!backend->conn_) return;
    finish_postgresql_connection(backend->conn_);
    backend->conn_ = nullptr;  // a DEALLOCATE now fails at once (and is ignored), and close() has nothing left to do
}

const char* sql_dialect::for_update() const { return kind_ == dialect::sqlite ? "" : " FOR UPDATE"; }

std::string sql_dialect::insert_if_absent(const std::string& table_columns_values, const std::string& key) const {
    switch (kind_) {
        case dialect::sqlite: return "INSERT OR IGNORE INTO " + table_columns_values;
        case dialect::postgresql: return "INSERT INTO " + table_columns_values + " ON CONFLICT DO NOTHING";
        // Not INSERT IGNORE: on a duplicate it takes a shared lock, and two transactions that then
        // both ask for the row FOR UPDATE deadlock. This takes the exclusive lock at once.
        case dialect::mysql:
            return "INSERT INTO " + table_columns_values + " ON DUPLICATE KEY UPDATE " + key + " = " + key;
    }
    return {};
}

std::string sql_dialect::delete_batch(const std::string& table, const std::string& key, const std::string& condition,
                                      int limit) const {
    const auto n = std::to_string(limit);
    if (kind_ == dialect::mysql) return "DELETE FROM " + table + " WHERE " + condition + " LIMIT " + n;
    return "DELETE FROM " + table + " WHERE " + key + " IN (SELECT " + key + " FROM " + table + " WHERE " + condition +
           " LIMIT " + n + ")";
}

long long sql_dialect::last_insert_id(soci::session& sql) const {
    long long id = 0;
    switch (kind_) {
        case dialect::sqlite: sql << "SELECT last_insert_rowid()", soci::into(id); break;
        case dialect::postgresql: sql << "SELECT lastval()", soci::into(id); break;
        case dialect::mysql: sql << "SELECT LAST_INSERT_ID()", soci::into(id); break;
    }
    return id;
}

std::string sql_dialect::schema_query() const {
    if (kind_ == dialect::sqlite)
        return "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' "
               "AND m.name NOT LIKE 'sqlite_%'";
    return std::string("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = ") +
           (kind_ == dialect::postgresql ? "current_schema()" : "DATABASE()");
}

void sql_dialect::lock_migrations(soci::session& sql) const {
    if (kind_ == dialect::postgresql) sql << "SELECT pg_advisory_lock(727274)";
    if (kind_ == dialect::mysql) {
        int got = 0;
        sql << "SELECT GET_LOCK('authd_migrations', 60)", soci::into(got);
        if (got != 1) throw std::runtime_error("could not take the migration lock within 60 s");
    }
    // SQLite: begin_migrations takes the database's write lock.
}

void sql_dialect::unlock_migrations(soci::session& sql) const {
    if (kind_ == dialect::postgresql) sql << "SELECT pg_advisory_unlock(727274)";
    if (kind_ == dialect::mysql) sql << "SELECT RELEASE_LOCK('authd_migrations')";
}

void sql_dialect::begin_migrations(soci::session& sql) const {
    if (kind_ == dialect::sqlite) sql << "BEGIN IMMEDIATE";
}

// MySQL commits DDL implicitly; PostgreSQL keeps a file's DDL atomic.
void sql_dialect::begin_migration(soci::session& sql) const {
    if (kind_ != dialect::sqlite) sql.begin();
}

void sql_dialect::commit_migration(soci::session& sql) const {
    if (kind_ != dialect::sqlite) sql.commit();
}

void sql_dialect::commit_migrations(soci::session& sql) const {
    if (kind_ == dialect::sqlite) sql << "COMMIT";
}

bool is_unique_violation(const soci::soci_error& e) {
    // Only a duplicate key is "taken": a foreign-key or CHECK failure is a bug, not a conflict.
    if (const auto* p = dynamic_cast<const soci::postgresql_soci_error*>(&e)) return sqlstate_of(*p) == "23505";
    if (const auto* m = dynamic_cast<const soci::mysql_soci_error*>(&e)) return m->err_num_ == 1062;  // ER_DUP_ENTRY
    if (const auto* s = dynamic_cast<const soci::sqlite3_soci_error*>(&e)) {
        // SOCI reports the primary code (SQLITE_CONSTRAINT) for every kind of constraint: the text tells them apart.
        const std::string what = e.get_error_message();
        return (s->result() & 0xFF) == 19 &&
               (what.find("UNIQUE") != std::string::npos || what.find("PRIMARY KEY") != std::string::npos);
    }
    return false;
}

}  // namespace authd::storage
