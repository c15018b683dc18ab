#include "adapters/json/json.hpp"
#include "adapters/storage/statement_cache.hpp"
#include "core/common/validation.hpp"

namespace authd::storage {
namespace {
/// One users row.
struct user_row : row_of<user, "users"> {
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

    template <class Each>
    void each_column(Each each) {
        each("id", id);
        each("email", email);
        each("username", username.value, username.ind);
        each("name", name);
        each("password_hash", password_hash);
        each("is_active", is_active);
        each("email_verified", email_verified);
        each("mfa_enabled", mfa_enabled);
        each("failed_logins", failed_logins);
        each("locked_until", locked_until.value, locked_until.ind);
        each("created_at", created_at);
        each("updated_at", updated_at);
        each("is_client", is_client);
        each("first_name", first_name.value, first_name.ind);
        each("last_name", last_name.value, last_name.ind);
        each("phone_number", phone_number.value, phone_number.ind);
        each("totp_secret", totp_secret.value, totp_secret.ind);
        each("totp_last_step", totp_last_step);
    }

    user to_entity() const {
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
}  // namespace

bool soci_users::insert(const user& u) {
    if (!dialect_.unless_duplicate(sql_, [&] { insert_row<user_row>(sql_, u); })) return false;
    set_roles(u.id, u.roles);
    return true;
}

std::optional<user> soci_users::find_where(const std::string& condition, const std::string& value, bool lock) {
    // A handful of texts (one per condition, with and without the lock): each connection keeps them prepared.
    auto u = select_one_prepared<user_row>(
        sql_, prepared_, select_from<user_row>() + " WHERE " + condition + (lock ? dialect_.for_update() : ""), value);
    if (u) u->roles = roles_of(u->id);
    return u;
}

namespace {
struct role_row {
    std::string role;
    template <class Each>
    void each_column(Each each) {
        each("role", role);
    }
};
}  // namespace

std::vector<std::string> soci_users::roles_of(const std::string& id) {
    static const std::string text = "SELECT role FROM user_roles WHERE user_id = :id ORDER BY role";
    std::vector<std::string> roles;
    run_prepared<role_row>(
        sql_, prepared_, text,
        [&](const role_row& r) {
            roles.push_back(r.role);
            return true;
        },
        id);
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

void soci_users::changed(const std::string& id) {
    if (changed_) after_commit_.push_back([&listener = changed_, id] { listener(id); });
}

bool soci_users::update(const user& u) {
    changed(u.id);
    return dialect_.unless_duplicate(sql_, [&] { update_row<user_row>(sql_, u); });
}

void soci_users::set_roles(std::string_view id_view, const std::vector<std::string>& roles) {
    const std::string id(id_view);
    changed(id);
    sql_ << "DELETE FROM user_roles WHERE user_id = :id", soci::use(id);
    for (const auto& role : roles)
        sql_ << "INSERT INTO user_roles (user_id, role) VALUES (:id, :role)", soci::use(id), soci::use(role);
}

bool soci_users::remove(std::string_view id_view) {
    const std::string id(id_view);
    changed(id);
    // The foreign keys cascade too, but MySQL ignores a column's inline REFERENCES (0001 declares them so).
    sql_ << "DELETE FROM user_roles WHERE user_id = :id", soci::use(id);
    sql_ << "DELETE FROM user_preferences WHERE user_id = :id", soci::use(id);
    for (const char* table : {"mfa_challenges", "recovery_codes", "email_verifications", "email_changes"})
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
    // Sizes and offsets are validated integers: written into the text, as every dialect takes them there.
    auto out =
        select_all<user_row>(sql_,
                             select_from<user_row>() + f.where + " ORDER BY email LIMIT " + std::to_string(q.size) +
                                 " OFFSET " + std::to_string(static_cast<long long>(q.page) * q.size),
                             [&](soci::statement& st) { f.bind(st); });
    // Roles after the rows: one statement at a time on the connection.
    for (auto& u : out) u.roles = roles_of(u.id);
    return out;
}

std::int64_t soci_users::count(const page_query& q) {
    account_filter f(q);
    return count_rows(sql_, "SELECT COUNT(*) FROM users" + f.where, [&](soci::statement& st) { f.bind(st); });
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
                                                  << dialect_.for_update(),
                                     soci::use(r));
    return std::distance(ids.begin(), ids.end());
}

}  // namespace authd::storage
