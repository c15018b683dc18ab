#pragma once
// Storage-adapter internals shared by its .cpp files: SOCI stays out of every
// header outside this folder.
#include <soci/soci.h>

#include <ctime>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/storage/database_url.hpp"
#include "adapters/storage/sql_dialect.hpp"
#include "core/common/time.hpp"
#include "core/ports/agent_repository.hpp"
#include "core/ports/audit_repository.hpp"
#include "core/ports/catalog_repository.hpp"
#include "core/ports/emailed_token_repository.hpp"
#include "core/ports/event_repository.hpp"
#include "core/ports/message_queue_repository.hpp"
#include "core/ports/mfa_challenge_repository.hpp"
#include "core/ports/otp_repository.hpp"
#include "core/ports/outbox_repository.hpp"
#include "core/ports/recovery_code_repository.hpp"
#include "core/ports/retention_repository.hpp"
#include "core/ports/sealed_value_repository.hpp"
#include "core/ports/session_repository.hpp"
#include "core/ports/signing_key_repository.hpp"
#include "core/ports/user_repository.hpp"

namespace authd::storage {

class statement_cache;

// --- time and null conversions ------------------------------------------------
std::tm to_tm(time_point t);
time_point from_tm(const std::tm& tm);

/// A nullable timestamp bound to a statement: fill `value`/`ind` for a use(), read `get()` after an into().
/// How a value is held in a column SOCI binds: as itself, or a time as a std::tm.
template <class T>
struct column_of {
    using type = T;
    static const T& to_column(const T& v) { return v; }
    static const T& from_column(const T& c) { return c; }
};
template <>
struct column_of<time_point> {
    using type = std::tm;
    static std::tm to_column(time_point t) { return to_tm(t); }
    static time_point from_column(const std::tm& c) { return from_tm(c); }
};

/// A nullable column bound to a statement: SOCI's value and indicator, read back as a std::optional.
template <class T>
struct nullable {
    typename column_of<T>::type value{};
    soci::indicator ind = soci::i_null;

    nullable() = default;
    explicit nullable(const std::optional<T>& v) {
        if (v) {
            value = column_of<T>::to_column(*v);
            ind = soci::i_ok;
        }
    }
    std::optional<T> get() const {
        return ind == soci::i_ok ? std::optional<T>(column_of<T>::from_column(value)) : std::nullopt;
    }
};
using nullable_time = nullable<time_point>;
using nullable_text = nullable<std::string>;

/// An enum stored as text, read back: a value this build does not know is a corrupt or newer row, never a default.
template <class Parse>
auto stored_enum(std::string_view column, const std::string& text, Parse parse) {
    auto v = parse(text);
    if (!v) throw std::runtime_error("unknown value in column " + std::string(column) + ": " + text.substr(0, 32));
    return *v;
}

// --- driver errors (is_unique_violation is in sql_dialect.hpp) -----------------------
bool is_connection_error(const soci::soci_error& e);
/// A deadlock or serialization failure: the whole transaction may simply run again.
bool is_retryable(const soci::soci_error& e);

/// A LIKE pattern matching any text that contains `text` literally: "%" and "_" are escaped with '!'
/// (use it with `LIKE :p ESCAPE '!'`, which every dialect reads the same way).
std::string contains_pattern(std::string_view text);

/// Rows affected by an UPDATE/DELETE.
long long execute_counting(soci::statement& st);

// --- repositories bound to one connection -------------------------------------------
class soci_users final : public user_repository {
public:
    /// `changed`: told each user id whose row or roles a write changed, once the transaction has committed.
    soci_users(soci::session& sql, statement_cache& prepared, const sql_dialect& d,
               std::vector<std::function<void()>>& after_commit, const std::function<void(const std::string&)>& changed)
        : sql_(sql), prepared_(prepared), dialect_(d), after_commit_(after_commit), changed_(changed) {}
    bool insert(const user& u) override;
    std::optional<user> find_by_id(std::string_view id) override;
    std::optional<user> find_by_email(std::string_view email) override;
    std::optional<user> find_by_username(std::string_view username) override;
    std::optional<user> lock_by_id(std::string_view id) override;
    bool update(const user& u) override;
    void set_roles(std::string_view id, const std::vector<std::string>& roles) override;
    bool remove(std::string_view id) override;
    std::vector<user> list(const page_query& q) override;
    std::int64_t count(const page_query& q) override;
    std::int64_t lock_active_with_role(std::string_view role) override;
    std::optional<std::string> find_preferences(std::string_view user_id) override;
    void save_preferences(std::string_view user_id, std::string_view json, time_point now) override;

private:
    std::optional<user> find_where(const std::string& condition, const std::string& value, bool lock);
    std::vector<std::string> roles_of(const std::string& id);
    void changed(const std::string& id);

    soci::session& sql_;
    statement_cache& prepared_;
    const sql_dialect& dialect_;
    std::vector<std::function<void()>>& after_commit_;
    const std::function<void(const std::string&)>& changed_;
};

class soci_sessions final : public session_repository {
public:
    soci_sessions(soci::session& sql, statement_cache& prepared) : sql_(sql), prepared_(prepared) {}
    void insert(const session& s) override;
    std::optional<session> find(std::string_view id) override;
    std::vector<session> list_active(std::string_view principal_id, time_point now) override;
    void touch(std::string_view id, time_point last_used_at, time_point expires_at) override;
    bool revoke(std::string_view id, time_point now) override;
    int revoke_all(std::string_view principal_id, time_point now) override;
    void insert_refresh_token(const refresh_token& t) override;
    std::optional<refresh_token> find_refresh_token(std::string_view digest) override;
    bool mark_rotated(std::string_view digest, time_point now) override;

private:
    soci::session& sql_;
    statement_cache& prepared_;
};

class soci_agents final : public agent_repository {
public:
    soci_agents(soci::session& sql, statement_cache& prepared, const sql_dialect& d)
        : sql_(sql), prepared_(prepared), dialect_(d) {}
    bool insert(const agent& a) override;
    std::optional<agent> find_by_id(std::string_view id) override;
    std::optional<agent> lock_by_id(std::string_view id) override;
    std::optional<agent> find_by_phone(std::string_view e164) override;
    std::optional<agent> find_by_email(std::string_view email) override;
    std::optional<agent> find_by_license(std::string_view license_number) override;
    bool update(const agent& a) override;
    std::vector<agent> list(const page_query& q) override;
    std::int64_t count(const page_query& q) override;

private:
    std::optional<agent> find_where(const std::string& column, std::string_view value, bool lock = false);
    soci::session& sql_;
    statement_cache& prepared_;
    const sql_dialect& dialect_;
};

class soci_otps final : public otp_repository {
public:
    soci_otps(soci::session& sql, const sql_dialect& d) : sql_(sql), dialect_(d) {}
    void insert(const otp_code& code) override;
    std::optional<otp_code> latest(std::string_view phone) override;
    void void_open(std::string_view phone, time_point now) override;
    bool consume(std::string_view id, time_point now) override;
    lockout_state lock_lockout(std::string_view phone) override;
    lockout_state read_lockout(std::string_view phone) override;
    void save_lockout(std::string_view phone, const lockout_state& state, time_point now) override;

private:
    lockout_state select_lockout(const std::string& phone, bool lock);
    soci::session& sql_;
    const sql_dialect& dialect_;
};

class soci_events final : public event_repository {
public:
    soci_events(soci::session& sql, const sql_dialect& d) : sql_(sql), dialect_(d) {}
    std::int64_t insert(const event& e) override;
    std::optional<event> find(std::int64_t id) override;
    std::optional<event> lock(std::int64_t id) override;
    void update(const event& e) override;
    bool remove(std::int64_t id) override;
    std::vector<event> list(const event_query& q) override;
    std::int64_t count(const event_query& q) override;

private:
    std::optional<event> select_one(std::int64_t id, bool lock);
    soci::session& sql_;
    const sql_dialect& dialect_;
};

class soci_mfa_challenges final : public mfa_challenge_repository {
public:
    soci_mfa_challenges(soci::session& sql, const sql_dialect& d) : sql_(sql), dialect_(d) {}
    void insert(const mfa_challenge& c) override;
    std::optional<mfa_challenge> lock(std::string_view token_digest) override;
    void update(const mfa_challenge& c) override;
    void end_all(std::string_view user_id, time_point now) override;

private:
    soci::session& sql_;
    const sql_dialect& dialect_;
};

class soci_recovery_codes final : public recovery_code_repository {
public:
    explicit soci_recovery_codes(soci::session& sql) : sql_(sql) {}
    void replace(std::string_view user_id, const std::vector<std::string>& digests, time_point now) override;
    bool use(std::string_view user_id, std::string_view digest, time_point now) override;

private:
    soci::session& sql_;
};

/// Which table of e-mailed tokens a soci_emailed_tokens reads.
enum class emailed_token_table { email_verifications, password_resets, email_changes };

class soci_emailed_tokens final : public emailed_token_repository {
public:
    soci_emailed_tokens(soci::session& sql, emailed_token_table table) : sql_(sql), table_(table) {}
    void insert(const emailed_token& t) override;
    std::optional<emailed_token> find(std::string_view token_digest) override;
    std::optional<emailed_token> latest(std::string_view user_id) override;
    void end_all(std::string_view user_id, time_point now) override;

private:
    template <class Work>
    decltype(auto) with_row(Work&& work);
    soci::session& sql_;
    emailed_token_table table_;
};

class soci_messages final : public message_queue_repository {
public:
    soci_messages(soci::session& sql, statement_cache& prepared, const sql_dialect& d)
        : sql_(sql), prepared_(prepared), dialect_(d) {}
    void add(const queued_message& m) override;
    std::vector<queued_message> claim_due(channel c, time_point now, time_point lease_until, int limit) override;
    int expire_overdue(channel c, time_point now) override;
    bool has_due(channel c, time_point now) override;
    bool mark_sent(std::int64_t id, time_point lease_until, time_point now) override;
    bool retry_later(std::int64_t id, time_point lease_until, int attempts, time_point next_attempt_at,
                     std::string_view error) override;
    bool mark_dead(std::int64_t id, time_point lease_until, int attempts, std::string_view error) override;
    std::vector<queued_message> list_dead(int limit) override;
    bool requeue(std::int64_t id, time_point now) override;
    int requeue_all_dead(time_point now) override;
    std::int64_t backlog(channel c) override;

private:
    soci::session& sql_;
    statement_cache& prepared_;
    const sql_dialect& dialect_;
};

class soci_audit final : public audit_repository {
public:
    soci_audit(soci::session& sql, std::vector<std::function<void()>>& after_commit,
               const std::function<void(const audit_event&)>& listener)
        : sql_(sql), after_commit_(after_commit), listener_(listener) {}
    void add(const audit_event& e) override;
    std::vector<audit_event> list(const audit_query& q) override;
    std::int64_t count(const audit_query& q) override;

private:
    soci::session& sql_;
    std::vector<std::function<void()>>& after_commit_;
    const std::function<void(const audit_event&)>& listener_;
};

class soci_signing_keys final : public signing_key_repository {
public:
    explicit soci_signing_keys(soci::session& sql) : sql_(sql) {}
    std::vector<stored_signing_key> list() override;
    void insert(const stored_signing_key& k) override;
    int retire_active(std::string_view algorithm, time_point now) override;

private:
    soci::session& sql_;
};

class soci_sealed_values final : public sealed_value_repository {
public:
    explicit soci_sealed_values(soci::session& sql) : sql_(sql) {}
    std::vector<sealed_value> page(sealed_column column, std::string_view after, int limit) override;
    bool replace(const sealed_value& old, std::string_view sealed) override;

private:
    soci::session& sql_;
};

class soci_retention final : public retention_repository {
public:
    soci_retention(soci::session& sql, const sql_dialect& d) : sql_(sql), dialect_(d) {}
    int delete_ended(ended_rows rows, time_point cutoff, int limit) override;
    bool lease_task(std::string_view task, time_point now, time_point until) override;
    void release_task(std::string_view task, time_point until) override;

private:
    soci::session& sql_;
    const sql_dialect& dialect_;
};

class soci_outbox final : public outbox_repository {
public:
    soci_outbox(soci::session& sql, const sql_dialect& d) : sql_(sql), dialect_(d) {}
    void add_event_change(std::string_view event_type, const event& e, time_point now) override;
    void add_client_change(std::string_view event_type, const user& client, time_point now) override;
    std::vector<outbox_message> next_unprocessed(int limit) override;
    std::vector<outbox_message> claim_next(int limit, time_point now, time_point lease_until) override;
    void mark_processed(std::int64_t id, time_point now) override;
    void release(std::int64_t first, std::int64_t last, time_point lease_until) override;

private:
    /// The oldest unprocessed rows with their leases; `lock` is appended to the query (a row lock, or nothing).
    std::vector<outbox_message> oldest_unprocessed(int limit, const char* lock);

    soci::session& sql_;
    const sql_dialect& dialect_;
};

class soci_catalog final : public catalog_repository {
public:
    soci_catalog(soci::session& sql, const sql_dialect& d) : sql_(sql), dialect_(d) {}
    std::optional<std::int64_t> insert_product(const product& p) override;
    std::optional<product> find_product(std::int64_t id) override;
    std::optional<product> find_product_by_sku(std::string_view sku) override;
    std::optional<product> lock_product(std::int64_t id) override;
    bool update_product(const product& p) override;
    std::vector<product> list_products(const product_filter& f, std::int64_t offset, int limit) override;
    std::int64_t count_products(const product_filter& f) override;
    void add_price(std::int64_t product_id, const price_record& r) override;
    std::vector<price_record> price_history(std::int64_t product_id) override;
    std::int64_t insert_supplier(const supplier& s) override;
    std::optional<supplier> find_supplier(std::int64_t id) override;
    std::optional<supplier> lock_supplier(std::int64_t id) override;
    void update_supplier(const supplier& s) override;
    std::vector<supplier> list_suppliers() override;
    std::int64_t insert_contact(const supplier_contact& c) override;
    std::vector<supplier_contact> contacts_of(std::int64_t supplier_id) override;

private:
    soci::session& sql_;
    const sql_dialect& dialect_;
};

}  // namespace authd::storage
