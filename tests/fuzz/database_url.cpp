// Fuzzes DATABASE_URL parsing (adapters/storage/database_url.hpp). Proves, for any bytes: parse never crashes
// or reads out of bounds; an accepted URL has a usable shape (a port of 1-65535, a host and a database for the
// servers, a path without blanks or quotes for SQLite); and its SOCI connection string cannot be injected: read
// back the way libpq reads key='value' pairs (backslash escapes), it holds exactly the expected keys, with the
// host, database, user, password and query options unchanged, whatever quotes, backslashes or blanks they contain.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/storage/database_url.hpp"
#include "tests/fuzz/check.hpp"

namespace {

/// key=value pairs separated by blanks; a value in single quotes may hold \' and \\ (libpq's conninfo rules).
std::optional<std::map<std::string, std::string>> read_pairs(std::string_view s) {
    std::map<std::string, std::string> out;
    std::size_t i = 0;
    while (true) {
        while (i < s.size() && s[i] == ' ') ++i;
        if (i == s.size()) return out;
        const auto eq = s.find('=', i);
        if (eq == std::string_view::npos) return std::nullopt;
        std::string key(s.substr(i, eq - i)), value;
        i = eq + 1;
        if (i < s.size() && s[i] == '\'') {
            for (++i;; ++i) {
                if (i >= s.size()) return std::nullopt;  // unterminated
                if (s[i] == '\'') break;
                if (s[i] == '\\' && ++i >= s.size()) return std::nullopt;
                value += s[i];
            }
            ++i;
        } else {
            while (i < s.size() && s[i] != ' ') value += s[i++];
        }
        if (!out.emplace(std::move(key), std::move(value)).second) return std::nullopt;  // a key given twice
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using authd::storage::database_url, authd::storage::dialect;
    const auto url = database_url::parse(std::string_view(reinterpret_cast<const char*>(data), size));
    if (!url) return 0;
    (void)url->redacted();
    const auto pairs = read_pairs(url->soci_connect_string());
    FUZZ_CHECK(pairs.has_value());
    if (url->kind == dialect::sqlite) {
        FUZZ_CHECK(!url->path.empty() && url->path.find_first_of(" \t\n'\"") == std::string::npos);
        FUZZ_CHECK(pairs->size() == 2 && pairs->at("db") == url->path);
        return 0;
    }
    FUZZ_CHECK(url->port >= 1 && url->port <= 65535 && !url->host.empty() && !url->database.empty());
    const bool pg = url->kind == dialect::postgresql;
    // The query's options are there too, each once and unchanged; PostgreSQL's own connect_timeout replaces ours.
    bool timeout_given = false;
    for (const auto& [name, value] : url->options) {
        FUZZ_CHECK(pairs->count(name) == 1 && pairs->at(name) == value);
        timeout_given = timeout_given || name == "connect_timeout";
    }
    FUZZ_CHECK(pairs->size() == (pg ? 7u : 6u) + url->options.size() - (pg && timeout_given ? 1u : 0u));
    FUZZ_CHECK(pairs->at("host") == url->host && pairs->at(pg ? "dbname" : "db") == url->database);
    FUZZ_CHECK(pairs->at("user") == url->user && pairs->at("password") == url->password);
    FUZZ_CHECK(pairs->at("port") == std::to_string(url->port));
    return 0;
}
