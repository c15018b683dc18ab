#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace authd::storage {

enum class dialect { sqlite, postgresql, mysql };

/// A SQLAlchemy-style DATABASE_URL, taken apart:
///   sqlite:///data/authd.db (relative), sqlite:////abs/path.db, sqlite:///:memory:,
///   postgresql://user:pass@host:port/db, mysql://user:pass@host:port/db
/// A server URL may end in ?name=value&... naming driver options: for PostgreSQL sslmode, sslrootcert, sslcert,
/// sslkey, connect_timeout and application_name (libpq's own names); for MySQL/MariaDB ssl_ca, ssl_cert, ssl_key
/// (or sslca, sslcert, sslkey), connect_timeout, read_timeout and write_timeout.
struct database_url {
    dialect kind{};
    std::string path;  ///< sqlite only
    std::string user, password, host, database;
    int port = 0;
    /// The query's options, each under the name the driver's connection string knows, value decoded and checked.
    std::vector<std::pair<std::string, std::string>> options;
    /// The first query parameter that is not an option of the dialect, or whose value is not one it takes: the start
    /// refuses the URL naming it, rather than connect without what the operator asked for (TLS, say).
    std::string rejected_option;

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
