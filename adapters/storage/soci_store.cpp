#include "adapters/storage/soci_store.hpp"

#include <chrono>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "adapters/storage/connection_pool.hpp"
#include "adapters/storage/migrator.hpp"
#include "adapters/storage/soci_internal.hpp"
#include "adapters/storage/wal_checkpointer.hpp"

namespace authd::storage {
namespace {
/// Thrown by run_once when the database chose this transaction as a deadlock victim.
struct retry_transaction {};

using audit_listener = std::function<void(const audit_event&)>;
using user_listener = std::function<void(const std::string&)>;

/// What a transaction tells the rest of the process once it has committed.
struct listeners {
    audit_listener audit;
    user_listener user_changed;
};

/// SQLite's one writer of the process: held from before a write leases its connection until the connection is back.
/// A write started inside another one's work on this thread (none is, by design) must not wait for itself.
class writer_turn {
public:
    explicit writer_turn(std::mutex* one_writer) {
        if (!one_writer || held_here_) return;
        lock_ = std::unique_lock(*one_writer);
        held_here_ = true;
    }
    ~writer_turn() { release(); }
    writer_turn(const writer_turn&) = delete;
    writer_turn& operator=(const writer_turn&) = delete;
    void release() {
        if (!lock_) return;
        held_here_ = false;
        lock_.unlock();
    }

private:
    static inline thread_local bool held_here_ = false;
    std::unique_lock<std::mutex> lock_;
};

/// `one_writer`: see writer_turn (null: no such lock).
void run_once(connection_pool& pool, const listeners& listener, bool writing, std::mutex* one_writer,
              const std::function<void(repositories&)>& work) {
    const sql_dialect& d = pool.dialect_of();
    std::vector<std::function<void()>> after_commit;  // an attempt that is run again starts with none
    writer_turn turn(writing ? one_writer : nullptr);
    pool.with_connection([&](soci::session& sql, statement_cache& prepared) {
        soci_users users(sql, prepared, d, after_commit, listener.user_changed);
        soci_sessions sessions(sql, prepared);
        soci_agents agents(sql, prepared, d);
        soci_otps otps(sql, d);
        soci_events events(sql, d);
        soci_outbox outbox(sql, d);
        soci_catalog catalog(sql, d);
        soci_mfa_challenges challenges(sql, d);
        soci_recovery_codes recovery_codes(sql);
        soci_emailed_tokens verifications(sql, emailed_token_table::email_verifications);
        soci_emailed_tokens password_resets(sql, emailed_token_table::password_resets);
        soci_emailed_tokens email_changes(sql, emailed_token_table::email_changes);
        soci_messages messages(sql, d);
        soci_retention retention(sql, d);
        soci_audit audit(sql, after_commit, listener.audit);
        soci_signing_keys signing_keys(sql);
        soci_sealed_values sealed_values(sql);
        repositories repos{users,    sessions,   agents,         otps,          events,          outbox,
                           catalog,  challenges, recovery_codes, verifications, password_resets, email_changes,
                           messages, retention,  audit,          signing_keys,  sealed_values,   after_commit};
        // Reads run in autocommit: each statement sees a consistent state on its own, and the
        // BEGIN/COMMIT pair would double the statements of the hottest path (token validation).
        if (!writing) return work(repos);
        d.begin_write(sql);
        try {
            work(repos);
            d.commit(sql);
        } catch (const soci::soci_error& e) {
            d.rollback(sql);
            if (is_retryable(e)) throw retry_transaction{};
            throw;
        } catch (...) {
            d.rollback(sql);
            throw;
        }
    });
    // Committed, and the connection back in the pool: the next writer may go while the hooks run.
    turn.release();
    for (const auto& hook : after_commit) hook();
}

void transaction(connection_pool& pool, const listeners& listener, bool writing, std::mutex* one_writer,
                 const std::function<void(repositories&)>& work) {
    // Deadlocks are normal under contention (InnoDB's gap locks above all): the
    // transaction rolled back whole, so it is safe to run it again (wild-workouts
    // retries MySQL's 1213 the same way).
    thread_local std::minstd_rand jitter{std::random_device{}()};
    for (int attempt = 1;; ++attempt) {
        try {
            run_once(pool, listener, writing, one_writer, work);
            return;
        } catch (const retry_transaction&) {
            if (attempt == 10) throw std::runtime_error("database error: transaction kept deadlocking");
            // A random pause, growing with the attempts, so that the same victims do not collide again.
            std::this_thread::sleep_for(std::chrono::microseconds(jitter() % (500u << attempt)));
        }
    }
}
}  // namespace

struct soci_store::impl {
    connection_pool pool;
    listeners listener;
    /// SQLite has one writer at a time whatever we do: writers of this process queue here, in order, instead of
    /// racing for the file lock and sleeping in its busy handler (whose back-off gave one write in a hundred a wait
    /// of a second under load). Reads run beside a write on their own connections (WAL). Other processes on the
    /// same file (an `authd` command) still meet the busy handler.
    std::mutex sqlite_writer;
    std::optional<wal_checkpointer> checkpointer;  // SQLite files only; stops before the pool closes
    impl(const database_url& url, std::size_t size) : pool(url, size) {
        if (url.kind == dialect::sqlite && !url.in_memory())
            checkpointer.emplace(url, std::chrono::milliseconds(100), sqlite_writer);
    }
    std::mutex* one_writer() { return pool.dialect_of().kind() == dialect::sqlite ? &sqlite_writer : nullptr; }
};

soci_store::soci_store(const database_url& url, std::size_t pool_size)
    : impl_(std::make_unique<impl>(url, pool_size)) {}

soci_store::~soci_store() = default;

void soci_store::write(const std::function<void(repositories&)>& work) {
    transaction(impl_->pool, impl_->listener, true, impl_->one_writer(), work);
}
void soci_store::read(const std::function<void(repositories&)>& work) {
    transaction(impl_->pool, impl_->listener, false, nullptr, work);
}

void soci_store::on_audit_event(std::function<void(const audit_event&)> listener) {
    impl_->listener.audit = std::move(listener);
}

void soci_store::on_user_changed(std::function<void(const std::string&)> listener) {
    impl_->listener.user_changed = std::move(listener);
}

dialect soci_store::kind() const { return impl_->pool.dialect_of().kind(); }

std::pair<int, int> soci_store::pool_usage() const { return impl_->pool.usage(); }

bool soci_store::ping() {
    try {
        int one = 0;
        impl_->pool.with_connection(
            [&](soci::session& sql, statement_cache& /*prepared*/) { sql << "SELECT 1", soci::into(one); });
        return one == 1;
    } catch (const std::exception&) {
        return false;
    }
}

std::map<std::string, std::vector<std::string>> soci_store::schema() { return read_schema(impl_->pool); }

std::vector<std::string> soci_store::migrate() { return apply_migrations(impl_->pool); }

}  // namespace authd::storage
