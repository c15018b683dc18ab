#include "adapters/storage/soci_store.hpp"

#include <soci/mysql/soci-mysql.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <random>
#include <thread>
#include <vector>

#include "adapters/storage/migrations.hpp"
#include "adapters/storage/soci_internal.hpp"

namespace authd::storage {

struct soci_store::impl {
    database_url url;
    std::size_t size;
    soci::connection_pool pool;
    std::vector<std::atomic<bool>> broken;  ///< a connection that failed is reconnected before its next use
    std::atomic<int> in_use{0};

    impl(const database_url& u, std::size_t n) : url(u), size(n), pool(n), broken(n) {}

    void open(soci::session& sql) {
        switch (url.kind) {
            case dialect::sqlite:
                sql.open(*soci::factory_sqlite3(), url.soci_connect_string());
                // The busy timeout makes writers queue, not fail; it comes first, because switching to
                // WAL (which lets readers run beside the one writer) needs a lock another instance may hold.
                sql << "PRAGMA busy_timeout = 5000";
                if (!url.in_memory()) sql << "PRAGMA journal_mode = WAL";
                sql << "PRAGMA foreign_keys = ON";
                sql << "PRAGMA synchronous = NORMAL";
                break;
            case dialect::postgresql: sql.open(*soci::factory_postgresql(), url.soci_connect_string()); break;
            case dialect::mysql:
                sql.open(*soci::factory_mysql(), url.soci_connect_string());
                sql << "SET time_zone = '+00:00'";
                break;
        }
    }

    /// Leases a connection, runs fn on it, gives it back; connection failures become storage_unavailable.
    template <class F>
    void with_connection(F&& fn) {
        std::size_t pos = 0;
        if (!pool.try_lease(pos, 5000)) throw storage_unavailable("no database connection free within 5 s");
        ++in_use;
        struct give_back {
            soci::connection_pool& p;
            std::size_t pos;
            std::atomic<int>& in_use;
            ~give_back() {
                --in_use;
                p.give_back(pos);
            }
        } guard{pool, pos, in_use};
        soci::session& sql = pool.at(pos);
        try {
            if (broken[pos].load()) {
                sql.close();
                open(sql);
                broken[pos] = false;
            }
            fn(sql);
        } catch (const soci::soci_error& e) {
            if (is_connection_error(e) || !sql.is_connected()) {
                // One dead connection means the server went away: every pooled connection
                // reconnects before its next use, so that recovery needs no failed request.
                for (auto& b : broken) b = true;
                throw storage_unavailable("database connection lost");
            }
            // First line only: PostgreSQL's DETAIL lines can quote a whole row ("Failing row contains
            // (…)"), password hash included, and this text reaches the error log.
            std::string what = e.get_error_message();
            what = what.substr(0, what.find('\n'));
            throw std::runtime_error("database error: " + what);
        }
    }

    /// Thrown by run_once when the database chose this transaction as a deadlock victim.
    struct retry_transaction {};

    void transaction(bool writing, const std::function<void(repositories&)>& work) {
        // Deadlocks are normal under contention (InnoDB's gap locks above all): the
        // transaction rolled back whole, so it is safe to run it again (wild-workouts
        // retries MySQL's 1213 the same way).
        thread_local std::minstd_rand jitter{std::random_device{}()};
        for (int attempt = 1;; ++attempt) {
            try {
                run_once(writing, work);
                return;
            } catch (const retry_transaction&) {
                if (attempt == 10) throw std::runtime_error("database error: transaction kept deadlocking");
                // A random pause, growing with the attempts, so that the same victims do not collide again.
                std::this_thread::sleep_for(std::chrono::microseconds(jitter() % (500u << attempt)));
            }
        }
    }

    void run_once(bool writing, const std::function<void(repositories&)>& work) {
        with_connection([&](soci::session& sql) {
            soci_users users(sql, url.kind);
            soci_sessions sessions(sql);
            soci_agents agents(sql, url.kind);
            soci_otps otps(sql, url.kind);
            soci_events events(sql, url.kind);
            soci_outbox outbox(sql, url.kind);
            soci_challenges challenges(sql, url.kind);
            soci_catalog catalog(sql, url.kind);
            repositories repos{users, sessions, agents, otps, events, outbox, catalog, challenges};
            // Reads run in autocommit: each statement sees a consistent state on its own, and the
            // BEGIN/COMMIT pair would double the statements of the hottest path (token validation).
            if (!writing) return work(repos);
            // SQLite: take the write lock up front, so that two writers never deadlock upgrading read locks.
            if (url.kind == dialect::sqlite) sql << "BEGIN IMMEDIATE";
            else sql.begin();
            try {
                work(repos);
                if (url.kind == dialect::sqlite) sql << "COMMIT";
                else sql.commit();
            } catch (const soci::soci_error& e) {
                rollback(sql);
                if (is_retryable(e)) throw retry_transaction{};
                throw;
            } catch (...) {
                rollback(sql);
                throw;
            }
        });
    }

    void rollback(soci::session& sql) {
        try {
            if (url.kind == dialect::sqlite) sql << "ROLLBACK";
            else sql.rollback();
        } catch (...) {
            // The connection may be gone; the original error says more.
        }
    }
};

soci_store::soci_store(const database_url& url, std::size_t pool_size) {
    // Every connection to ":memory:" is a database of its own: keep exactly one.
    const std::size_t n = url.in_memory() ? 1 : std::max<std::size_t>(1, pool_size);
    impl_ = std::make_unique<impl>(url, n);
    if (url.kind == dialect::sqlite && !url.in_memory()) {
        // A fresh checkout has no data/ folder yet: make it rather than fail.
        const auto parent = std::filesystem::path(url.path).parent_path();
        std::error_code ignored;
        if (!parent.empty()) std::filesystem::create_directories(parent, ignored);
    }
    try {
        for (std::size_t i = 0; i < n; ++i) impl_->open(impl_->pool.at(i));
    } catch (const soci::soci_error& e) {
        // A server driver's text may hold the connection string: for those, say only where it failed.
        throw storage_unavailable("cannot connect to " + url.redacted() +
                                  (url.kind == dialect::sqlite ? std::string(": ") + e.get_error_message() : ""));
    }
}

soci_store::~soci_store() = default;

void soci_store::write(const std::function<void(repositories&)>& work) { impl_->transaction(true, work); }
void soci_store::read(const std::function<void(repositories&)>& work) { impl_->transaction(false, work); }

dialect soci_store::kind() const { return impl_->url.kind; }

std::pair<int, int> soci_store::pool_usage() const { return {impl_->in_use.load(), static_cast<int>(impl_->size)}; }

bool soci_store::ping() {
    try {
        int one = 0;
        impl_->with_connection([&](soci::session& sql) { sql << "SELECT 1", soci::into(one); });
        return one == 1;
    } catch (const std::exception&) {
        return false;
    }
}

std::map<std::string, std::vector<std::string>> soci_store::schema() {
    std::map<std::string, std::vector<std::string>> out;
    const dialect d = impl_->url.kind;
    impl_->with_connection([&](soci::session& sql) {
        std::string table, column;
        std::string query =
            d == dialect::sqlite
                ? "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' "
                  "AND m.name NOT LIKE 'sqlite_%'"
                : std::string("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = ") +
                      (d == dialect::postgresql ? "current_schema()" : "DATABASE()");
        soci::statement st = (sql.prepare << query, soci::into(table), soci::into(column));
        // execute(true) fetches the first row; fetch() each further one.
        for (bool row = st.execute(true); row; row = st.fetch())
            if (table != "schema_migrations") out[table].push_back(column);
    });
    for (auto& [t, columns] : out) std::sort(columns.begin(), columns.end());
    return out;
}

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

/// Serialises concurrent starts of several instances: only one applies migrations.
void lock_migrations(soci::session& sql, dialect d) {
    if (d == dialect::postgresql) sql << "SELECT pg_advisory_lock(727274)";
    if (d == dialect::mysql) {
        int got = 0;
        sql << "SELECT GET_LOCK('authd_migrations', 60)", soci::into(got);
        if (got != 1) throw std::runtime_error("could not take the migration lock within 60 s");
    }
}

void unlock_migrations(soci::session& sql, dialect d) {
    if (d == dialect::postgresql) sql << "SELECT pg_advisory_unlock(727274)";
    if (d == dialect::mysql) sql << "SELECT RELEASE_LOCK('authd_migrations')";
}
}  // namespace

std::vector<std::string> soci_store::migrate() {
    std::vector<std::string> applied_now;
    const dialect d = impl_->url.kind;
    impl_->with_connection([&](soci::session& sql) {
        lock_migrations(sql, d);
        try {
            if (d == dialect::sqlite) sql << "BEGIN IMMEDIATE";  // SQLite's lock for the whole run
            sql << "CREATE TABLE IF NOT EXISTS schema_migrations (version VARCHAR(255) PRIMARY KEY, "
                   "checksum CHAR(64) NOT NULL, applied_at TIMESTAMP NOT NULL)";
            std::map<std::string, std::string> applied;
            {
                std::string version, checksum;
                soci::statement st = (sql.prepare << "SELECT version, checksum FROM schema_migrations",
                                      soci::into(version), soci::into(checksum));
                for (bool row = st.execute(true); row; row = st.fetch()) applied[version] = checksum;
            }
            for (const auto& m : embedded_migrations()) {
                if (m.dialect != to_string(d)) continue;
                if (const auto it = applied.find(m.name); it != applied.end()) {
                    if (it->second != m.checksum)
                        throw std::runtime_error("migration " + m.dialect + "/" + m.name +
                                                 ".sql was changed after it was applied; refusing to start");
                    continue;
                }
                if (d != dialect::sqlite) sql.begin();  // MySQL commits DDL implicitly; PostgreSQL keeps it atomic
                for (const auto& statement : statements_of(m.sql)) sql << statement;
                std::tm now = to_tm(time_point{
                    std::chrono::duration_cast<seconds>(std::chrono::system_clock::now().time_since_epoch())});
                sql << "INSERT INTO schema_migrations (version, checksum, applied_at) VALUES (:v, :c, :at)",
                    soci::use(m.name), soci::use(m.checksum), soci::use(now);
                if (d != dialect::sqlite) sql.commit();
                applied_now.push_back(m.dialect + "/" + m.name);
            }
            if (d == dialect::sqlite) sql << "COMMIT";
        } catch (...) {
            try {
                if (d == dialect::sqlite) sql << "ROLLBACK";
                else sql.rollback();
            } catch (...) {
            }
            unlock_migrations(sql, d);
            throw;
        }
        unlock_migrations(sql, d);
    });
    return applied_now;
}

}  // namespace authd::storage
