#pragma once
#include <string>
#include <vector>

namespace authd::storage {

struct migration {
    std::string dialect;   ///< sqlite, postgresql, mysql
    std::string name;      ///< NNNN_name
    std::string checksum;  ///< SHA-256 of the file
    std::string sql;
};

/// Every migration file, compiled in at build time.
const std::vector<migration>& embedded_migrations();

}  // namespace authd::storage
