#include "adapters/json/json.hpp"
#include "adapters/storage/soci_internal.hpp"
#include "core/common/validation.hpp"

namespace authd::storage {
namespace {
const std::string user_columns =
    "id, email, username, name, password_hash, is_active, email_verified, mfa_enabled, failed_logins, "
    "locked_until, created_at, updated_at, is_client, first_name, last_name, phone_number, totp_secret, totp_last_step";
const std::string user_placeholders =
    ":id, :email, :username, :name, :password_hash, :is_active, :email_verified, :mfa_enabled, :failed_logins, "
    ":locked_until, :created_at, :updated_at, :is_client, :first_name, :last_name, :phone_number, :totp_secret, "
    ":totp_last_step";


/// One users row as SOCI binds it, in the order of user_columns.
struct user_row {
    std::string id, email, name, password_hash;
    nullable_text username, first_name, last_name, phone_number, totp_secret;
    int is_active = 1, email_verified = 0, mfa_enabled = 0, failed_logins = 0, is_client = 0;
    long long totp_last_step = 0;
    nullable_time locked_until;
    std::tm created_at{}, updated_at{};

    user_row() = default;
    explicit user_row(const user& u)
        : id(u.id),
          email(u.email),
          name(u.name),
          password_hash(u.password_hash),
          username(u.username),
          first_name(u.first_name),
          last_name(u.last_name),
          phone_number(u.phone_number),
          totp_secret(u.totp_secret),
          is_active(u.is_active),
          email_verified(u.email_verified),
          mfa_enabled(u.mfa_enabled),
          failed_logins(u.lockout.failures),
          is_client(u.is_client),
          totp_last_step(u.totp_last_step),
          locked_until(u.lockout.locked_until),
          created_at(to_tm(u.created_at)),
          updated_at(to_tm(u.updated_at)) {}

    /// Calls `each` with every column (and its indicator, when nullable), in the order of user_columns.
    template <class Each>
    void each_column(Each each) {
        each(id);
        each(email);
        each(username.value, username.ind);
        each(name);
        each(password_hash);
        each(is_active);
        each(email_verified);
        each(mfa_enabled);
        each(failed_logins);
        each(locked_until.value, locked_until.ind);
        each(created_at);
        each(updated_at);
        each(is_client);
        each(first_name.value, first_name.ind);
        each(last_name.value, last_name.ind);
        each(phone_number.value, phone_number.ind);
        each(totp_secret.value, totp_secret.ind);
        each(totp_last_step);
    }
    // Exchanged within one expression: SOCI's use() keeps a reference to a temporary name string.
    void bind_into(soci::statement& st) {
        each_column([&](auto&... column) { st.exchange(soci::into(column...)); });
    }
    void bind_use(soci::statement& st) {
        each_column([&](auto&... column) { st.exchange(soci::use(column...)); });
    }

    user to_user() const {
        user u;
        u.id = id;
        u.email = email;
        u.username = username.get();
        u.name = name;
        u.password_hash = password_hash;
        u.is_active = is_active != 0;
        u.email_verified = email_verified != 0;
        u.mfa_enabled = mfa_enabled != 0;
        u.lockout.failures = failed_logins;
        u.lockout.locked_until = locked_until.get();
        u.created_at = from_tm(created_at);
        u.updated_at = from_tm(updated_at);
        u.is_client = is_client != 0;
        u.first_name = first_name.get();
        u.last_name = last_name.get();
        u.phone_number = phone_number.get();
        u.totp_secret = totp_secret.get();
        u.totp_last_step = totp_last_step;
        return u;
    }
};

/// Prepares and runs `text` with the row bound by `bind` (into or use); true when a row came back.
template <class Bind>
bool run_with_row(soci::session& sql, user_row& r, const std::string& text, Bind bind,
                  const std::string* value = nullptr) {
    soci::statement st(sql);
    st.alloc();
    bind(r, st);
    if (value) st.exchange(soci::use(*value));
    st.prepare(text);
    st.define_and_bind();
    return st.execute(true);
}
}  // namespace

bool soci_users::insert(const user& u) {
    user_row r(u);
    try {
        run_with_row(sql_, r, "INSERT INTO users (" + user_columns + ") VALUES (" + user_placeholders + ")",
                     [](user_row& row, soci::statement& st) { row.bind_use(st); });
    } catch (const soci::soci_error& e) {
        if (is_unique_violation(e)) return false;
        throw;
    }
    set_roles(u.id, u.roles);
    return true;
}

std::optional<user> soci_users::find_where(const std::string& condition, const std::string& value, bool lock) {
    user_row r;
    const bool found = run_with_row(
        sql_, r, "SELECT " + user_columns + " FROM users WHERE " + condition + (lock ? for_update(dialect_) : ""),
        [](user_row& row, soci::statement& st) { row.bind_into(st); }, &value);
    if (!found) return std::nullopt;
    user u = r.to_user();
    u.roles = roles_of(u.id);
    return u;
}

std::vector<std::string> soci_users::roles_of(const std::string& id) {
    std::vector<std::string> roles;
    soci::rowset<std::string> rs =
        (sql_.prepare << "SELECT role FROM user_roles WHERE user_id = :id ORDER BY role", soci::use(id));
    for (const auto& role : rs) roles.push_back(role);
    return roles;
}

std::optional<user> soci_users::find_by_id(std::string_view id) {
    return find_where("id = :v", std::string(id), false);
}
std::optional<user> soci_users::find_by_email(std::string_view email) {
    return find_where("email = :v", std::string(email), false);
}
std::optional<user> soci_users::find_by_username(std::string_view username) {
    // Usernames are stored lower-cased; LOWER() also finds one stored before that rule, on every backend alike.
    return find_where("LOWER(username) = :v", ascii_lower(username), false);
}
std::optional<user> soci_users::lock_by_id(std::string_view id) { return find_where("id = :v", std::string(id), true); }

bool soci_users::update(const user& u) {
    user_row r(u);
    try {
        sql_ << "UPDATE users SET email = :email, username = :username, name = :name, password_hash = :password_hash, "
                "is_active = :is_active, email_verified = :email_verified, mfa_enabled = :mfa_enabled, "
                "failed_logins = :failed_logins, locked_until = :locked_until, updated_at = :updated_at, "
                "is_client = :is_client, first_name = :first_name, last_name = :last_name, "
                "phone_number = :phone_number, totp_secret = :totp_secret, totp_last_step = :totp_last_step "
                "WHERE id = :id",
            soci::use(r.email), soci::use(r.username.value, r.username.ind), soci::use(r.name),
            soci::use(r.password_hash), soci::use(r.is_active), soci::use(r.email_verified), soci::use(r.mfa_enabled),
            soci::use(r.failed_logins), soci::use(r.locked_until.value, r.locked_until.ind), soci::use(r.updated_at),
            soci::use(r.is_client), soci::use(r.first_name.value, r.first_name.ind),
            soci::use(r.last_name.value, r.last_name.ind), soci::use(r.phone_number.value, r.phone_number.ind),
            soci::use(r.totp_secret.value, r.totp_secret.ind), soci::use(r.totp_last_step), soci::use(r.id);
    } catch (const soci::soci_error& e) {
        if (is_unique_violation(e)) return false;
        throw;
    }
    return true;
}

void soci_users::set_roles(std::string_view id_view, const std::vector<std::string>& roles) {
    const std::string id(id_view);
    sql_ << "DELETE FROM user_roles WHERE user_id = :id", soci::use(id);
    for (const auto& role : roles)
        sql_ << "INSERT INTO user_roles (user_id, role) VALUES (:id, :role)", soci::use(id), soci::use(role);
}

bool soci_users::remove(std::string_view id_view) {
    const std::string id(id_view);
    // The foreign keys cascade too, but MySQL ignores a column's inline REFERENCES (0001 declares them so).
    sql_ << "DELETE FROM user_roles WHERE user_id = :id", soci::use(id);
    sql_ << "DELETE FROM user_preferences WHERE user_id = :id", soci::use(id);
    for (const char* table : {"mfa_challenges", "recovery_codes", "email_verifications"})
        sql_ << "DELETE FROM " << table << " WHERE user_id = :id", soci::use(id);
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
    r.bind_into(st);
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

std::int64_t soci_users::lock_active_with_role(std::string_view role) {
    const std::string r(role);
    // FOR UPDATE cannot go with COUNT(*): the ids are selected, locked in id order, and counted here. TRUE reads as a
    // boolean on PostgreSQL and as 1 on SQLite and MySQL, where is_active is a number. SQLite's writer holds the
    // whole database already.
    soci::rowset<std::string> ids = (sql_.prepare << "SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id "
                                                     "WHERE r.role = :role AND u.is_active = TRUE ORDER BY u.id"
                                                  << for_update(dialect_),
                                     soci::use(r));
    return std::distance(ids.begin(), ids.end());
}

}  // namespace authd::storage
