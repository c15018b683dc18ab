#include "adapters/storage/database_url.hpp"

#include <charconv>

namespace authd::storage {
namespace {
int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// Percent-decoding, so that a password may hold '@', ':' or '/'.
std::optional<std::string> decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out += s[i];
            continue;
        }
        if (i + 2 >= s.size() || hex(s[i + 1]) < 0 || hex(s[i + 2]) < 0) return std::nullopt;
        out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
        i += 2;
    }
    return out;
}

bool all_digits(std::string_view v) {
    return !v.empty() && v.size() <= 6 && v.find_first_not_of("0123456789") == std::string_view::npos;
}

/// The driver's name for a query parameter of `kind`, if it is one authd passes on, and whether `value` suits it.
std::optional<std::string> option_name(dialect kind, std::string_view name, std::string_view value) {
    if (kind == dialect::sqlite) return std::nullopt;  // SOCI's sqlite3 backend takes none from a URL
    if (kind == dialect::postgresql) {
        if (name == "sslmode") {
            for (const std::string_view mode : {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"})
                if (value == mode) return std::string(name);
            return std::nullopt;
        }
        if (name == "connect_timeout") return all_digits(value) ? std::optional<std::string>(name) : std::nullopt;
        for (const std::string_view known : {"sslrootcert", "sslcert", "sslkey", "application_name"})
            if (name == known) return std::string(name);
        return std::nullopt;
    }
    for (const auto& [url_name, driver_name] : {std::pair<std::string_view, std::string_view>{"ssl_ca", "sslca"},
                                                {"sslca", "sslca"},
                                                {"ssl_cert", "sslcert"},
                                                {"sslcert", "sslcert"},
                                                {"ssl_key", "sslkey"},
                                                {"sslkey", "sslkey"}})
        if (name == url_name) return std::string(driver_name);
    for (const std::string_view known : {"connect_timeout", "read_timeout", "write_timeout"})
        if (name == known) return all_digits(value) ? std::optional<std::string>(name) : std::nullopt;
    return std::nullopt;
}

/// Cuts the query string off `path` (what follows its '?') into out.options, the driver options of out.kind; the first
/// parameter that is not one goes to out.rejected_option. False for a query that cannot be read (bad percent-encoding,
/// an option given twice).
bool split_query(database_url& out, std::string_view& path) {
    const auto q = path.find('?');
    if (q == std::string_view::npos) return true;
    std::string_view query = path.substr(q + 1);
    path = path.substr(0, q);
    while (!query.empty()) {
        const auto amp = query.find('&');
        const auto pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (pair.empty()) continue;
        const auto eq = pair.find('=');
        const auto name = decode(pair.substr(0, eq));
        const auto value = eq == std::string_view::npos ? std::optional<std::string>("") : decode(pair.substr(eq + 1));
        if (!name || !value) return false;
        auto known = option_name(out.kind, *name, *value);
        if (!known) {
            if (out.rejected_option.empty()) out.rejected_option = *name;
            continue;
        }
        for (auto& [held, unused] : out.options)
            if (held == *known) return false;  // one option given twice
        out.options.emplace_back(std::move(*known), *value);
    }
    return true;
}

/// Quotes a value for a SOCI/libpq connection string.
std::string quoted(const std::string& v) {
    std::string out = "'";
    for (const char c : v) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out + "'";
}
}  // namespace

std::string_view to_string(dialect d) noexcept {
    switch (d) {
        case dialect::sqlite: return "sqlite";
        case dialect::postgresql: return "postgresql";
        case dialect::mysql: return "mysql";
    }
    return "";
}

std::optional<database_url> database_url::parse(std::string_view url) {
    database_url out;
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return std::nullopt;
    std::string_view scheme = url.substr(0, scheme_end);
    std::string_view rest = url.substr(scheme_end + 3);
    if (const auto plus = scheme.find('+'); plus != std::string_view::npos)
        scheme = scheme.substr(0, plus);  // postgresql+psycopg2
    if (scheme == "sqlite") {
        // sqlite:///relative.db has rest "/relative.db"; sqlite:////abs.db has rest "//abs.db".
        if (rest.size() < 2 || rest.front() != '/') return std::nullopt;
        out.kind = dialect::sqlite;
        std::string_view path = rest.substr(1);
        if (!split_query(out, path) || path.empty()) return std::nullopt;  // a parameter is named, never in the name
        out.path = std::string(path);
        // SOCI 4.0's sqlite3 backend splits its connection string on spaces and knows no quoting.
        if (out.path.find_first_of(" \t\n'\"") != std::string::npos) return std::nullopt;
        return out;
    }
    if (scheme == "postgresql" || scheme == "postgres") {
        out.kind = dialect::postgresql;
        out.port = 5432;
    } else if (scheme == "mysql" || scheme == "mariadb") {
        out.kind = dialect::mysql;
        out.port = 3306;
    } else {
        return std::nullopt;
    }
    const auto slash = rest.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    std::string_view authority = rest.substr(0, slash);
    std::string_view db = rest.substr(slash + 1);
    if (!split_query(out, db)) return std::nullopt;
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
        const std::string_view userinfo = authority.substr(0, at);
        authority = authority.substr(at + 1);
        const auto colon = userinfo.find(':');
        auto u = decode(userinfo.substr(0, colon));
        auto p = colon == std::string_view::npos ? std::optional<std::string>("") : decode(userinfo.substr(colon + 1));
        if (!u || !p) return std::nullopt;
        out.user = *u;
        out.password = *p;
    }
    if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
        const auto port = authority.substr(colon + 1);
        const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), out.port);
        if (ec != std::errc{} || ptr != port.data() + port.size() || out.port <= 0 || out.port > 65535)
            return std::nullopt;
        authority = authority.substr(0, colon);
    }
    auto database = decode(db);
    if (authority.empty() || !database || database->empty()) return std::nullopt;
    out.host = std::string(authority);
    out.database = *database;
    return out;
}

std::string database_url::soci_connect_string() const {
    if (kind == dialect::sqlite) return "db=" + path + " timeout=5";
    std::string out = "host=" + quoted(host) + " port=" + std::to_string(port) +
                      (kind == dialect::postgresql ? " dbname=" : " db=") + quoted(database) + " user=" + quoted(user) +
                      " password=" + quoted(password);
    bool timeout_given = false;
    for (const auto& [name, value] : options) {
        out += " " + name + "=" + quoted(value);
        timeout_given = timeout_given || name == "connect_timeout";
    }
    if (kind == dialect::postgresql)
        return out + (timeout_given ? "" : " connect_timeout=5") + " options='-c client_min_messages=warning'";
    return out + " charset=utf8mb4";
}

std::string database_url::redacted() const {
    if (kind == dialect::sqlite) return "sqlite:///" + path;
    return std::string(to_string(kind)) + "://" + user + (password.empty() ? "" : ":***") + "@" + host + ":" +
           std::to_string(port) + "/" + database;
}

}  // namespace authd::storage
