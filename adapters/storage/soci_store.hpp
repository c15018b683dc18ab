#pragma once
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "adapters/storage/database_url.hpp"
#include "adapters/storage/write_batch_totals.hpp"
#include "core/ports/unit_of_work.hpp"

namespace authd::storage {

/// The unit of work over SOCI: a pool of connections to SQLite, PostgreSQL or
/// MySQL, each transaction on one leased connection.
class soci_store final : public unit_of_work {
public:
    /// Connects every pooled connection; throws storage_unavailable when the database cannot be reached.
    soci_store(const database_url& url, std::size_t pool_size);
    ~soci_store() override;

    void write(const std::function<void(repositories&)>& work) override;
    void read(const std::function<void(repositories&)>& work) override;

    /// Applies pending migrations; throws std::runtime_error naming an applied file whose checksum changed.
    /// Returns the names of the migrations it applied.
    std::vector<std::string> migrate();
    /// True when a trivial query succeeds.
    bool ping();
    /// Every table of the schema (but schema_migrations) with its column names, sorted:
    /// the tests check that all three dialects expose the same ones.
    std::map<std::string, std::vector<std::string>> schema();
    dialect kind() const;
    /// Called once for each audit event a transaction wrote, after it committed (the structured log line). Set it
    /// before the store is shared between threads.
    void on_audit_event(std::function<void(const audit_event&)> listener);
    /// Calls `listener` with the id of each user whose row or roles a committed transaction changed (set before use).
    void on_user_changed(std::function<void(const std::string&)> listener);
    /// Connections leased right now, and the pool's size (for /metrics).
    std::pair<int, int> pool_usage() const;
    /// SQLite: writes waiting for their batch behind the one running (0 on the other databases, whose writers do
    /// not queue here).
    std::size_t queued_writes() const;
    /// SQLite: the batches its writers committed together so far, and the writes they held (for /metrics); nothing
    /// on the other databases.
    std::optional<write_batch_totals> batched_writes() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace authd::storage
