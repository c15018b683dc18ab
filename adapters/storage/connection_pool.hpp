#pragma once
// The pool of open connections every transaction leases one of, and the rule for a connection that failed.
#include <soci/soci.h>

#include <atomic>
#include <cstddef>
#include <functional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "adapters/storage/database_url.hpp"
#include "adapters/storage/sql_dialect.hpp"
#include "adapters/storage/statement_cache.hpp"

namespace authd::storage {

class connection_pool {
public:
    /// Opens every connection; throws storage_unavailable when the database cannot be reached.
    connection_pool(const database_url& url, std::size_t size);

    /// Leases a connection, runs `work` on it (with the statements it keeps prepared) and gives it back. A lost connection becomes storage_unavailable
    /// (and every pooled connection reconnects before its next use); another driver error becomes a
    /// std::runtime_error that quotes only the first line of the driver's text.
    void with_connection(const std::function<void(soci::session&, statement_cache&)>& work);

    /// What with_connection throws for a driver error that is not a lost connection: only the first line of its text.
    static std::runtime_error driver_error(const soci::soci_error& e);

    const sql_dialect& dialect_of() const { return dialect_; }
    /// Connections leased right now, and the pool's size.
    std::pair<int, int> usage() const { return {in_use_.load(), static_cast<int>(size_)}; }

private:
    database_url url_;
    sql_dialect dialect_;
    std::size_t size_;
    soci::connection_pool pool_;
    std::vector<std::atomic<bool>> broken_;  ///< a connection that failed is reconnected before its next use
    std::vector<statement_cache> prepared_;  ///< by position in pool_; declared after it, so emptied before it closes
    std::atomic<int> in_use_{0};
};

}  // namespace authd::storage
