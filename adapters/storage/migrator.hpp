#pragma once
// The schema's history: the embedded migration files of the pool's dialect, applied once each, in order.
#include <map>
#include <string>
#include <vector>

#include "adapters/storage/connection_pool.hpp"

namespace authd::storage {

/// Applies pending migrations under the dialect's migration lock (several instances may start at once); throws
/// std::runtime_error naming an applied file whose checksum changed. Returns the names of those it applied.
std::vector<std::string> apply_migrations(connection_pool& pool);

/// Every table (but schema_migrations) with its sorted column names.
std::map<std::string, std::vector<std::string>> read_schema(connection_pool& pool);

}  // namespace authd::storage
