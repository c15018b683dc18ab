#pragma once
// Every difference between SQLite, PostgreSQL and MySQL that the storage adapter meets, behind one object: how a
// connection is set up, how a writing transaction starts and ends, row locks, insert-unless-present, the id of a new
// row, the schema query, the migration lock, and how a duplicate key is survived inside a transaction.
#include <soci/soci.h>

#include <string>

#include "adapters/storage/database_url.hpp"

namespace authd::storage {

bool is_unique_violation(const soci::soci_error& e);

class sql_dialect {
public:
    explicit sql_dialect(dialect kind) : kind_(kind) {}
    dialect kind() const { return kind_; }

    /// Opens `sql` on the URL's database with the session settings authd relies on (UTC, WAL, foreign keys).
    void open(soci::session& sql, const database_url& url) const;

    /// Starts a writing transaction. SQLite takes its write lock up front, so that two writers never deadlock
    /// upgrading read locks.
    void begin_write(soci::session& sql) const;
    void commit(soci::session& sql) const;
    /// Rolls back, ignoring a failure: the connection may be gone, and the original error says more.
    void rollback(soci::session& sql) const noexcept;
    /// Lets go of a connection about to be reopened without another word to its server: on PostgreSQL each statement
    /// it keeps prepared would otherwise send DEALLOCATE as it is freed, and over a half-open socket each would wait
    /// until TCP gives up. Afterwards only close() is of use on `sql`.
    void abandon(soci::session& sql) const noexcept;

    /// " FOR UPDATE" where the dialect has row locks (SQLite locks the whole database on BEGIN IMMEDIATE).
    const char* for_update() const;
    /// "INSERT ... unless the key exists", e.g. insert_if_absent("otp_lockouts (phone_number) VALUES (:p)",
    /// "phone_number").
    std::string insert_if_absent(const std::string& table_columns_values, const std::string& key) const;
    /// "DELETE at most `limit` rows of `table` where `condition`" (MySQL has DELETE ... LIMIT; the others delete by
    /// key from a limited SELECT).
    std::string delete_batch(const std::string& table, const std::string& key, const std::string& condition,
                             int limit) const;
    /// The id the database gave the row this connection inserted last (integer primary keys).
    long long last_insert_id(soci::session& sql) const;

    /// Runs `statement` (an INSERT or UPDATE) inside a writing transaction; false when it broke a unique key.
    /// On PostgreSQL a failed statement aborts the whole transaction, so the statement runs under a savepoint
    /// that is rolled back on a duplicate: the transaction goes on either way, on every dialect.
    template <class Statement>
    bool unless_duplicate(soci::session& sql, Statement&& statement) const {
        const bool savepoint = kind_ == dialect::postgresql;
        if (savepoint) sql << "SAVEPOINT unless_duplicate";
        try {
            statement();
        } catch (const soci::soci_error& e) {
            if (!is_unique_violation(e)) throw;
            if (savepoint) sql << "ROLLBACK TO SAVEPOINT unless_duplicate";
            return false;
        }
        if (savepoint) sql << "RELEASE SAVEPOINT unless_duplicate";
        return true;
    }

    /// Rows of (table, column) for every table of the current schema.
    std::string schema_query() const;

    /// Serialises concurrent starts of several instances: only one applies migrations at a time.
    void lock_migrations(soci::session& sql) const;
    void unlock_migrations(soci::session& sql) const;
    /// Migrations run in one transaction per file, but SQLite's whole run holds its write lock.
    void begin_migrations(soci::session& sql) const;
    void begin_migration(soci::session& sql) const;
    void commit_migration(soci::session& sql) const;
    void commit_migrations(soci::session& sql) const;

private:
    dialect kind_;
};

}  // namespace authd::storage
