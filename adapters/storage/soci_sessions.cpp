#include "adapters/storage/statement_cache.hpp"

namespace authd::storage {
namespace {
/// One sessions row.
struct session_row : row_of<session, "sessions"> {
    std::string id, principal_id, type, user_agent, ip;
    std::tm created_at{}, last_used_at{}, expires_at{};
    nullable_time revoked_at;

    session_row() = default;
    explicit session_row(const session& s)
        : id(s.id),
          principal_id(s.principal_id),
          type(to_string(s.type)),
          user_agent(s.user_agent),
          ip(s.ip),
          created_at(to_tm(s.created_at)),
          last_used_at(to_tm(s.last_used_at)),
          expires_at(to_tm(s.expires_at)),
          revoked_at(s.revoked_at) {}

    template <class Each>
    void each_column(Each each) {
        each("id", id);
        each("principal_id", principal_id);
        each("principal_type", type);
        each("created_at", created_at);
        each("last_used_at", last_used_at);
        each("expires_at", expires_at);
        each("revoked_at", revoked_at.value, revoked_at.ind);
        each("user_agent", user_agent);
        each("ip", ip);
    }

    session to_entity() const {
        return session{id,
                       principal_id,
                       stored_enum("sessions.principal_type", type, parse_principal_type),
                       from_tm(created_at),
                       from_tm(last_used_at),
                       from_tm(expires_at),
                       revoked_at.get(),
                       user_agent,
                       ip};
    }
};
}  // namespace

void soci_sessions::insert(const session& s) { insert_row<session_row>(sql_, s); }

std::optional<session> soci_sessions::find(std::string_view id) {
    static const std::string text = select_from<session_row>() + " WHERE id = :id";
    return select_one_prepared<session_row>(sql_, prepared_, text, std::string(id));
}

std::vector<session> soci_sessions::list_active(std::string_view principal_view, time_point now) {
    const std::string principal(principal_view);
    std::tm at = to_tm(now);
    return select_all<session_row>(
        sql_,
        select_from<session_row>() +
            " WHERE principal_id = :p AND revoked_at IS NULL AND expires_at > :now ORDER BY created_at",
        uses(principal, at));
}

void soci_sessions::touch(std::string_view id, time_point last_used_at, time_point expires_at) {
    static const std::string text = "UPDATE sessions SET last_used_at = :used, expires_at = :expires WHERE id = :id";
    execute_prepared(sql_, prepared_, text, to_tm(last_used_at), to_tm(expires_at), std::string(id));
}

bool soci_sessions::revoke(std::string_view id_view, time_point now) {
    const std::string id(id_view);
    std::tm at = to_tm(now);
    soci::statement st = (sql_.prepare << "UPDATE sessions SET revoked_at = :at WHERE id = :id AND revoked_at IS NULL",
                          soci::use(at), soci::use(id));
    return execute_counting(st) > 0;
}

int soci_sessions::revoke_all(std::string_view principal_view, time_point now) {
    const std::string principal(principal_view);
    std::tm at = to_tm(now);
    soci::statement st =
        (sql_.prepare << "UPDATE sessions SET revoked_at = :at WHERE principal_id = :p AND revoked_at IS NULL",
         soci::use(at), soci::use(principal));
    return static_cast<int>(execute_counting(st));
}

void soci_sessions::insert_refresh_token(const refresh_token& t) {
    static const std::string text =
        "INSERT INTO refresh_tokens (token_hash, session_id, issued_at, expires_at, rotated_at) "
        "VALUES (:hash, :session_id, :issued_at, :expires_at, :rotated_at)";
    execute_prepared(sql_, prepared_, text, t.digest, t.session_id, to_tm(t.issued_at), to_tm(t.expires_at),
                     nullable_time(t.rotated_at));
}

namespace {
/// The columns of a refresh_tokens row its digest finds.
struct refresh_token_row {
    std::string session_id;
    std::tm issued_at{}, expires_at{};
    nullable_time rotated_at;

    template <class Each>
    void each_column(Each each) {
        each("session_id", session_id);
        each("issued_at", issued_at);
        each("expires_at", expires_at);
        each("rotated_at", rotated_at.value, rotated_at.ind);
    }
};
}  // namespace

std::optional<refresh_token> soci_sessions::find_refresh_token(std::string_view digest) {
    static const std::string text =
        "SELECT session_id, issued_at, expires_at, rotated_at FROM refresh_tokens WHERE token_hash = :hash";
    std::optional<refresh_token> out;
    run_prepared<refresh_token_row>(
        sql_, prepared_, text,
        [&](const refresh_token_row& r) {
            out = refresh_token{std::string(digest), r.session_id, from_tm(r.issued_at), from_tm(r.expires_at),
                                r.rotated_at.get()};
            return false;
        },
        std::string(digest));
    return out;
}

bool soci_sessions::mark_rotated(std::string_view digest, time_point now) {
    // The row count settles races: of concurrent rotations exactly one changes the row.
    static const std::string text =
        "UPDATE refresh_tokens SET rotated_at = :at WHERE token_hash = :hash AND rotated_at IS NULL";
    return execute_prepared(sql_, prepared_, text, to_tm(now), std::string(digest)) == 1;
}

}  // namespace authd::storage
