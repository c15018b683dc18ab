#include "adapters/storage/soci_store.hpp"

#include <chrono>
#include <exception>
#include <mutex>
#include <optional>
#include <random>
#include <span>
#include <thread>

#include "adapters/storage/connection_pool.hpp"
#include "adapters/storage/migrator.hpp"
#include "adapters/storage/soci_internal.hpp"
#include "adapters/storage/wal_checkpointer.hpp"
#include "adapters/storage/write_batches.hpp"
#include "core/audit/audit_event.hpp"

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
    /// This thread holds the turn: it is running a write's work.
    static bool held_here() { return held_here_; }
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

/// The repositories of one transaction on `sql`, handed to `work`.
void with_repositories(soci::session& sql, statement_cache& prepared, const sql_dialect& d, const listeners& listener,
                       std::vector<std::function<void()>>& after_commit,
                       const std::function<void(repositories&)>& work) {
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
    soci_messages messages(sql, prepared, d);
    soci_retention retention(sql, d);
    soci_audit audit(sql, after_commit, listener.audit);
    soci_signing_keys signing_keys(sql);
    soci_sealed_values sealed_values(sql);
    repositories repos{users,    sessions,   agents,         otps,          events,          outbox,
                       catalog,  challenges, recovery_codes, verifications, password_resets, email_changes,
                       messages, retention,  audit,          signing_keys,  sealed_values,   after_commit};
    work(repos);
}

/// `one_writer`: see writer_turn (null: no such lock).
void run_once(connection_pool& pool, const listeners& listener, bool writing, std::mutex* one_writer,
              const std::function<void(repositories&)>& work) {
    const sql_dialect& d = pool.dialect_of();
    std::vector<std::function<void()>> after_commit;  // an attempt that is run again starts with none
    writer_turn turn(writing ? one_writer : nullptr);
    pool.with_connection([&](soci::session& sql, statement_cache& prepared) {
        // Reads run in autocommit: each statement sees a consistent state on its own, and the
        // BEGIN/COMMIT pair would double the statements of the hottest path (token validation).
        if (!writing) return with_repositories(sql, prepared, d, listener, after_commit, work);
        d.begin_write(sql);
        try {
            with_repositories(sql, prepared, d, listener, after_commit, work);
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

/// Runs `attempt` until it does not ask to be run again, at most 10 times.
void retrying(const std::function<void()>& attempt) {
    // Deadlocks are normal under contention (InnoDB's gap locks above all): the
    // transaction rolled back whole, so it is safe to run it again (wild-workouts
    // retries MySQL's 1213 the same way).
    thread_local std::minstd_rand jitter{std::random_device{}()};
    for (int n = 1;; ++n) {
        try {
            attempt();
            return;
        } catch (const retry_transaction&) {
            if (n == 10) throw std::runtime_error("database error: transaction kept deadlocking");
            // A random pause, growing with the attempts, so that the same victims do not collide again.
            std::this_thread::sleep_for(std::chrono::microseconds(jitter() % (500u << n)));
        }
    }
}

void transaction(connection_pool& pool, const listeners& listener, bool writing, std::mutex* one_writer,
                 const std::function<void(repositories&)>& work) {
    retrying([&] { run_once(pool, listener, writing, one_writer, work); });
}

/// One SQLite write waiting for its batch, and what came of it.
struct batched_write : write_batches::ticket {
    const std::function<void(repositories&)>* work = nullptr;
    const request_origin* origin = nullptr;  ///< the caller's: the leader may run the work on its own thread
    std::vector<std::function<void()>> after_commit;
    std::exception_ptr error;
};

/// Runs one batch of SQLite writes in one transaction, each in a savepoint of its own when there are several, so
/// that one that fails rolls back alone. Never throws: each write's outcome is left in its ticket.
void run_batch(connection_pool& pool, const listeners& listener, std::mutex& one_writer,
               std::span<write_batches::ticket* const> batch) noexcept {
    const sql_dialect& d = pool.dialect_of();
    const bool alone = batch.size() == 1;
    auto& leader = static_cast<batched_write&>(*batch.front());
    bool ended_by_one = false;  // a write's own failure ended the transaction: it left no savepoint to go back to
    try {
        writer_turn turn(&one_writer);
        pool.with_connection([&](soci::session& sql, statement_cache& prepared) {
            static const std::string savepoint = "SAVEPOINT batched_write";
            static const std::string release = "RELEASE batched_write";
            static const std::string undo = "ROLLBACK TO batched_write";
            const auto go_back = [&] {
                try {
                    execute_prepared(sql, prepared, undo);
                } catch (...) {
                    ended_by_one = true;
                    throw;
                }
            };
            d.begin_write(sql);
            try {
                for (auto* t : batch) {
                    auto& w = static_cast<batched_write&>(*t);
                    std::optional<origin_scope> lent;
                    if (&w != &leader) lent.emplace(*w.origin);
                    if (!alone) execute_prepared(sql, prepared, savepoint);
                    try {
                        with_repositories(sql, prepared, d, listener, w.after_commit, *w.work);
                    } catch (const soci::soci_error& e) {
                        // A lost connection fails the whole batch, through the pool (which reconnects).
                        if (is_connection_error(e) || !sql.is_connected()) throw;
                        w.error = is_retryable(e) ? std::make_exception_ptr(retry_transaction{})
                                                  : std::make_exception_ptr(connection_pool::driver_error(e));
                        w.after_commit.clear();
                        // A write alone ends the transaction. One of several goes back to its savepoint; a failure
                        // that ended the transaction itself (SQLite rolls back whole on a full disk, for one) left
                        // no savepoint, and going back to it throws: the batch's other writes run again (below).
                        if (alone) throw;
                        go_back();
                    } catch (...) {
                        w.error = std::current_exception();
                        w.after_commit.clear();
                        if (alone) throw;
                        go_back();
                    }
                    if (!alone) execute_prepared(sql, prepared, release);
                }
                d.commit(sql);
            } catch (const soci::soci_error& e) {
                d.rollback(sql);
                if (is_retryable(e)) throw retry_transaction{};  // as run_once: the whole batch runs again
                throw;
            } catch (...) {
                d.rollback(sql);
                throw;
            }
        });
    } catch (...) {
        // Nothing of the batch was committed. When one write's failure ended the transaction, the others did nothing
        // wrong and run again; otherwise they fail with the batch's error.
        const auto failed = ended_by_one ? std::make_exception_ptr(retry_transaction{}) : std::current_exception();
        for (auto* t : batch) {
            auto& w = static_cast<batched_write&>(*t);
            w.after_commit.clear();
            if (!w.error) w.error = failed;
        }
    }
}

}  // namespace

struct soci_store::impl {
    connection_pool pool;
    listeners listener;
    /// SQLite has one writer at a time whatever we do: writers of this process queue in `batches`, in order, instead
    /// of racing for the file lock and sleeping in its busy handler (whose back-off gave one write in a hundred a
    /// wait of a second under load), and those that queued behind one commit together. Reads run beside a write on
    /// their own connections (WAL). Other processes on the same file (an `authd` command) still meet the busy
    /// handler. `sqlite_writer` is held by the batch running, and by the checkpointer when it must keep writers out.
    std::mutex sqlite_writer;
    std::optional<write_batches> batches;  ///< SQLite only
    write_batches::runner batch_runner;
    std::optional<wal_checkpointer> checkpointer;  // SQLite files only; stops before the pool closes
    impl(const database_url& url, std::size_t size) : pool(url, size) {
        if (url.kind == dialect::sqlite) {
            // The number of a batch's writes bounds how long its leader's own caller waits for the others.
            batches.emplace(write_batches::largest);
            batch_runner = [this](std::span<write_batches::ticket* const> batch) {
                run_batch(pool, listener, sqlite_writer, batch);
            };
        }
        if (url.kind == dialect::sqlite && !url.in_memory())
            checkpointer.emplace(url, std::chrono::milliseconds(100), std::chrono::seconds(1), sqlite_writer);
    }
    std::mutex* one_writer() { return pool.dialect_of().kind() == dialect::sqlite ? &sqlite_writer : nullptr; }
};

soci_store::soci_store(const database_url& url, std::size_t pool_size)
    : impl_(std::make_unique<impl>(url, pool_size)) {}

soci_store::~soci_store() = default;

void soci_store::write(const std::function<void(repositories&)>& work) {
    // A write inside another one's work (none is, by design) must not queue behind its own batch.
    if (!impl_->batches || writer_turn::held_here())
        return transaction(impl_->pool, impl_->listener, true, impl_->one_writer(), work);
    retrying([&] {
        batched_write w;
        w.work = &work;
        w.origin = &current_origin();
        impl_->batches->join(w, impl_->batch_runner);
        if (w.error) std::rethrow_exception(w.error);
        for (const auto& hook : w.after_commit) hook();
    });
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

std::size_t soci_store::queued_writes() const { return impl_->batches ? impl_->batches->queued() : 0; }

std::optional<write_batch_totals> soci_store::batched_writes() const {
    if (!impl_->batches) return std::nullopt;
    return impl_->batches->counted();
}

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
