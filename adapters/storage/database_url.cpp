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
        out.path = std::string(rest.substr(1));
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
    if (const auto q = db.find('?'); q != std::string_view::npos) db = db.substr(0, q);
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
    switch (kind) {
        case dialect::sqlite: return "db=" + path + " timeout=5";
        case dialect::postgresql:
            return "host=" + quoted(host) + " port=" + std::to_string(port) + " dbname=" + quoted(database) +
                   " user=" + quoted(user) + " password=" + quoted(password) +
                   " connect_timeout=5 options='-c client_min_messages=warning'";
        case dialect::mysql:
            return "host=" + quoted(host) + " port=" + std::to_string(port) + " db=" + quoted(database) +
                   " user=" + quoted(user) + " password=" + quoted(password) + " charset=utf8mb4";
    }
    return {};
}

std::string database_url::redacted() const {
    if (kind == dialect::sqlite) return "sqlite:///" + path;
    return std::string(to_string(kind)) + "://" + user + (password.empty() ? "" : ":***") + "@" + host + ":" +
           std::to_string(port) + "/" + database;
}

}  // namespace authd::storage
