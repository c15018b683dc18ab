#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace authd::storage {

enum class dialect { sqlite, postgresql, mysql };

/// A SQLAlchemy-style DATABASE_URL, taken apart:
///   sqlite:///data/authd.db (relative), sqlite:////abs/path.db, sqlite:///:memory:,
///   postgresql://user:pass@host:port/db, mysql://user:pass@host:port/db
struct database_url {
    dialect kind{};
    std::string path;  ///< sqlite only
    std::string user, password, host, database;
    int port = 0;

    /// Nothing when the URL is not one of the forms above.
    static std::optional<database_url> parse(std::string_view url);
    /// The SOCI connection string (holds the password: never log it).
    std::string soci_connect_string() const;
    /// The URL with its password masked, for messages.
    std::string redacted() const;
    bool in_memory() const { return kind == dialect::sqlite && path == ":memory:"; }
};

std::string_view to_string(dialect d) noexcept;

}  // namespace authd::storage
