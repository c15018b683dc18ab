#include "adapters/json/json.hpp"
#include "adapters/storage/soci_internal.hpp"

namespace authd::storage {
namespace {
const std::string user_columns =
    "id, email, username, name, password_hash, is_active, email_verified, mfa_enabled, failed_logins, "
    "locked_until, created_at, updated_at";

/// One users row as SOCI binds it.
struct user_row {
    std::string id, email, username, name, password_hash;
    soci::indicator username_ind = soci::i_null;
    int is_active = 1, email_verified = 0, mfa_enabled = 0, failed_logins = 0;
    nullable_time locked_until;
    std::tm created_at{}, updated_at{};

    user_row() = default;
    explicit user_row(const user& u)
        : id(u.id),
          email(u.email),
          username(u.username.value_or("")),
          name(u.name),
          password_hash(u.password_hash),
          username_ind(u.username ? soci::i_ok : soci::i_null),
          is_active(u.is_active),
          email_verified(u.email_verified),
          mfa_enabled(u.mfa_enabled),
          failed_logins(u.lockout.failures),
          locked_until(u.lockout.locked_until),
          created_at(to_tm(u.created_at)),
          updated_at(to_tm(u.updated_at)) {}

    user to_user() const {
        user u;
        u.id = id;
        u.email = email;
        if (username_ind == soci::i_ok) u.username = username;
        u.name = name;
        u.password_hash = password_hash;
        u.is_active = is_active != 0;
        u.email_verified = email_verified != 0;
        u.mfa_enabled = mfa_enabled != 0;
        u.lockout.failures = failed_logins;
        u.lockout.locked_until = locked_until.get();
        u.created_at = from_tm(created_at);
        u.updated_at = from_tm(updated_at);
        return u;
    }
};
}  // namespace

bool soci_users::insert(const user& u) {
    user_row r(u);
    try {
        sql_ << "INSERT INTO users (" << user_columns
             << ") VALUES (:id, :email, :username, :name, :password_hash, :is_active, :email_verified, :mfa_enabled, "
                ":failed_logins, :locked_until, :created_at, :updated_at)",
            soci::use(r.id), soci::use(r.email), soci::use(r.username, r.username_ind), soci::use(r.name),
            soci::use(r.password_hash), soci::use(r.is_active), soci::use(r.email_verified), soci::use(r.mfa_enabled),
            soci::use(r.failed_logins), soci::use(r.locked_until.value, r.locked_until.ind), soci::use(r.created_at),
            soci::use(r.updated_at);
    } catch (const soci::soci_error& e) {
        if (is_unique_violation(e)) return false;
        throw;
    }
    set_roles(u.id, u.roles);
    return true;
}

std::optional<user> soci_users::find_where(const std::string& condition, const std::string& value, bool lock) {
    user_row r;
    sql_ << "SELECT " << user_columns << " FROM users WHERE " << condition << (lock ? for_update(dialect_) : ""),
        soci::use(value), soci::into(r.id), soci::into(r.email), soci::into(r.username, r.username_ind),
        soci::into(r.name), soci::into(r.password_hash), soci::into(r.is_active), soci::into(r.email_verified),
        soci::into(r.mfa_enabled), soci::into(r.failed_logins), soci::into(r.locked_until.value, r.locked_until.ind),
        soci::into(r.created_at), soci::into(r.updated_at);
    if (!sql_.got_data()) return std::nullopt;
    user u = r.to_user();
    u.roles = roles_of(u.id);
    return u;
}

std::vector<std::string> soci_users::roles_of(const std::string& id) {
    std::vector<std::string> roles;
    soci::rowset<std::string> rs = (sql_.prepare << "SELECT role FROM user_roles WHERE user_id = :id ORDER BY role",
                                    soci::use(id));
    for (const auto& role : rs) roles.push_back(role);
    return roles;
}

std::optional<user> soci_users::find_by_id(std::string_view id) { return find_where("id = :v", std::string(id), false); }
std::optional<user> soci_users::find_by_email(std::string_view email) {
    return find_where("email = :v", std::string(email), false);
}
std::optional<user> soci_users::find_by_username(std::string_view username) {
    return find_where("username = :v", std::string(username), false);
}
std::optional<user> soci_users::lock_by_id(std::string_view id) { return find_where("id = :v", std::string(id), true); }

bool soci_users::update(const user& u) {
    user_row r(u);
    try {
        sql_ << "UPDATE users SET email = :email, username = :username, name = :name, password_hash = :password_hash, "
                "is_active = :is_active, email_verified = :email_verified, mfa_enabled = :mfa_enabled, "
                "failed_logins = :failed_logins, locked_until = :locked_until, updated_at = :updated_at WHERE id = :id",
            soci::use(r.email), soci::use(r.username, r.username_ind), soci::use(r.name), soci::use(r.password_hash),
            soci::use(r.is_active), soci::use(r.email_verified), soci::use(r.mfa_enabled), soci::use(r.failed_logins),
            soci::use(r.locked_until.value, r.locked_until.ind), soci::use(r.updated_at), soci::use(r.id);
    } catch (const soci::soci_error& e) {
        if (is_unique_violation(e)) return false;
        throw;
    }
    return true;
}

void soci_users::set_roles(std::string_view id_view, const std::vector<std::string>& roles) {
    const std::string id(id_view);
    sql_ << "DELETE FROM user_roles WHERE user_id = :id", soci::use(id);
    for (const auto& role : roles) sql_ << "INSERT INTO user_roles (user_id, role) VALUES (:id, :role)", soci::use(id), soci::use(role);
}

bool soci_users::remove(std::string_view id_view) {
    const std::string id(id_view);
    // The foreign keys cascade too, but MySQL ignores a column's inline REFERENCES (0001 declares them so).
    sql_ << "DELETE FROM user_roles WHERE user_id = :id", soci::use(id);
    sql_ << "DELETE FROM user_preferences WHERE user_id = :id", soci::use(id);
    soci::statement st = (sql_.prepare << "DELETE FROM users WHERE id = :id", soci::use(id));
    return execute_counting(st) > 0;
}

namespace {
/// The WHERE clause of an account list and the value it binds.
struct account_filter {
    std::string where;
    std::string pattern;
    explicit account_filter(const page_query& q) {
        if (!q.email_contains) return;
        pattern = contains_pattern(*q.email_contains);
        where = " WHERE email LIKE :pattern ESCAPE '!'";
    }
    void bind(soci::statement& st) {
        if (!where.empty()) st.exchange(soci::use(pattern));
    }
};
}  // namespace

std::vector<user> soci_users::list(const page_query& q) {
    account_filter f(q);
    user_row r;
    soci::statement st(sql_);
    st.alloc();
    st.exchange(soci::into(r.id));
    st.exchange(soci::into(r.email));
    st.exchange(soci::into(r.username, r.username_ind));
    st.exchange(soci::into(r.name));
    st.exchange(soci::into(r.password_hash));
    st.exchange(soci::into(r.is_active));
    st.exchange(soci::into(r.email_verified));
    st.exchange(soci::into(r.mfa_enabled));
    st.exchange(soci::into(r.failed_logins));
    st.exchange(soci::into(r.locked_until.value, r.locked_until.ind));
    st.exchange(soci::into(r.created_at));
    st.exchange(soci::into(r.updated_at));
    f.bind(st);
    // Sizes and offsets are validated integers: written into the text, as every dialect takes them there.
    st.prepare("SELECT " + user_columns + " FROM users" + f.where + " ORDER BY email LIMIT " + std::to_string(q.size) +
               " OFFSET " + std::to_string(static_cast<long long>(q.page) * q.size));
    st.define_and_bind();
    std::vector<user> out;
    if (st.execute(true)) {
        do out.push_back(r.to_user());
        while (st.fetch());
    }
    // Roles after the rows: one statement at a time on the connection.
    for (auto& u : out) u.roles = roles_of(u.id);
    return out;
}

std::int64_t soci_users::count(const page_query& q) {
    account_filter f(q);
    long long n = 0;
    soci::statement st(sql_);
    st.alloc();
    st.exchange(soci::into(n));
    f.bind(st);
    st.prepare("SELECT COUNT(*) FROM users" + f.where);
    st.define_and_bind();
    st.execute(true);
    return n;
}

std::optional<std::string> soci_users::find_preferences(std::string_view id_view) {
    const std::string id(id_view);
    std::string text;
    sql_ << "SELECT preferences FROM user_preferences WHERE user_id = :id", soci::use(id), soci::into(text);
    if (!sql_.got_data()) return std::nullopt;
    // JSONB and MySQL's JSON give the text back in their own spacing: hand out one compact form everywhere.
    return json::compact(text).value_or(text);
}

void soci_users::save_preferences(std::string_view id_view, std::string_view json_view, time_point now) {
    const std::string id(id_view), text(json_view);
    std::tm at = to_tm(now);
    // The caller holds the user's row lock: delete-then-insert is an upsert every dialect writes the same way.
    sql_ << "DELETE FROM user_preferences WHERE user_id = :id", soci::use(id);
    sql_ << "INSERT INTO user_preferences (user_id, preferences, updated_at) VALUES (:id, :prefs, :at)", soci::use(id),
        soci::use(text), soci::use(at);
}

}  // namespace authd::storage
