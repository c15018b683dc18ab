#include "adapters/storage/soci_internal.hpp"

namespace authd::storage {
namespace {
const std::string session_columns =
    "id, principal_id, principal_type, created_at, last_used_at, expires_at, revoked_at, user_agent, ip";

struct session_row {
    std::string id, principal_id, type, user_agent, ip;
    std::tm created_at{}, last_used_at{}, expires_at{};
    nullable_time revoked_at;

    session to_session() const {
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

template <class Statement>
void bind_session_row(Statement& st, session_row& r) {
    st.exchange(soci::into(r.id));
    st.exchange(soci::into(r.principal_id));
    st.exchange(soci::into(r.type));
    st.exchange(soci::into(r.created_at));
    st.exchange(soci::into(r.last_used_at));
    st.exchange(soci::into(r.expires_at));
    st.exchange(soci::into(r.revoked_at.value, r.revoked_at.ind));
    st.exchange(soci::into(r.user_agent));
    st.exchange(soci::into(r.ip));
}
}  // namespace

void soci_sessions::insert(const session& s) {
    const std::string type(to_string(s.type));
    nullable_time revoked(s.revoked_at);
    std::tm created = to_tm(s.created_at), used = to_tm(s.last_used_at), expires = to_tm(s.expires_at);
    sql_ << "INSERT INTO sessions (" << session_columns
         << ") VALUES (:id, :principal_id, :type, :created_at, :last_used_at, :expires_at, :revoked_at, :user_agent, "
            ":ip)",
        soci::use(s.id), soci::use(s.principal_id), soci::use(type), soci::use(created), soci::use(used),
        soci::use(expires), soci::use(revoked.value, revoked.ind), soci::use(s.user_agent), soci::use(s.ip);
}

std::optional<session> soci_sessions::find(std::string_view id_view) {
    const std::string id(id_view);
    session_row r;
    soci::statement st(sql_);
    st.alloc();
    bind_session_row(st, r);
    st.exchange(soci::use(id));
    st.prepare("SELECT " + session_columns + " FROM sessions WHERE id = :id");
    st.define_and_bind();
    if (!st.execute(true)) return std::nullopt;
    return r.to_session();
}

std::vector<session> soci_sessions::list_active(std::string_view principal_view, time_point now) {
    const std::string principal(principal_view);
    std::tm at = to_tm(now);
    session_row r;
    soci::statement st(sql_);
    st.alloc();
    bind_session_row(st, r);
    st.exchange(soci::use(principal));
    st.exchange(soci::use(at));
    st.prepare(
        "SELECT " + session_columns +
        " FROM sessions WHERE principal_id = :p AND revoked_at IS NULL AND expires_at > :now ORDER BY created_at");
    st.define_and_bind();
    std::vector<session> out;
    if (st.execute(true)) {
        do out.push_back(r.to_session());
        while (st.fetch());
    }
    return out;
}

void soci_sessions::touch(std::string_view id_view, time_point last_used_at, time_point expires_at) {
    const std::string id(id_view);
    std::tm used = to_tm(last_used_at), expires = to_tm(expires_at);
    sql_ << "UPDATE sessions SET last_used_at = :used, expires_at = :expires WHERE id = :id", soci::use(used),
        soci::use(expires), soci::use(id);
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
    std::tm issued = to_tm(t.issued_at), expires = to_tm(t.expires_at);
    nullable_time rotated(t.rotated_at);
    sql_ << "INSERT INTO refresh_tokens (token_hash, session_id, issued_at, expires_at, rotated_at) "
            "VALUES (:hash, :session_id, :issued_at, :expires_at, :rotated_at)",
        soci::use(t.digest), soci::use(t.session_id), soci::use(issued), soci::use(expires),
        soci::use(rotated.value, rotated.ind);
}

std::optional<refresh_token> soci_sessions::find_refresh_token(std::string_view digest_view) {
    const std::string digest(digest_view);
    refresh_token t;
    std::tm issued{}, expires{};
    nullable_time rotated;
    sql_ << "SELECT session_id, issued_at, expires_at, rotated_at FROM refresh_tokens WHERE token_hash = :hash",
        soci::use(digest), soci::into(t.session_id), soci::into(issued), soci::into(expires),
        soci::into(rotated.value, rotated.ind);
    if (!sql_.got_data()) return std::nullopt;
    t.digest = digest;
    t.issued_at = from_tm(issued);
    t.expires_at = from_tm(expires);
    t.rotated_at = rotated.get();
    return t;
}

bool soci_sessions::mark_rotated(std::string_view digest_view, time_point now) {
    const std::string digest(digest_view);
    std::tm at = to_tm(now);
    // The row count settles races: of concurrent rotations exactly one changes the row.
    soci::statement st =
        (sql_.prepare << "UPDATE refresh_tokens SET rotated_at = :at WHERE token_hash = :hash AND rotated_at IS NULL",
         soci::use(at), soci::use(digest));
    return execute_counting(st) == 1;
}

}  // namespace authd::storage
