#include "adapters/storage/soci_store.hpp"

#include <random>
#include <thread>

#include "adapters/storage/connection_pool.hpp"
#include "adapters/storage/migrator.hpp"
#include "adapters/storage/soci_internal.hpp"

namespace authd::storage {
namespace {
/// Thrown by run_once when the database chose this transaction as a deadlock victim.
struct retry_transaction {};

void run_once(connection_pool& pool, bool writing, const std::function<void(repositories&)>& work) {
    const sql_dialect& d = pool.dialect_of();
    std::vector<std::function<void()>> after_commit;  // an attempt that is run again starts with none
    pool.with_connection([&](soci::session& sql) {
        soci_users users(sql, d);
        soci_sessions sessions(sql);
        soci_agents agents(sql, d);
        soci_otps otps(sql, d);
        soci_events events(sql, d);
        soci_outbox outbox(sql, d);
        soci_catalog catalog(sql, d);
        soci_mfa_challenges challenges(sql, d);
        soci_recovery_codes recovery_codes(sql);
        soci_emailed_tokens verifications(sql, emailed_token_table::email_verifications);
        soci_emailed_tokens password_resets(sql, emailed_token_table::password_resets);
        soci_messages messages(sql, d);
        soci_retention retention(sql, d);
        repositories repos{users,           sessions, agents,     otps,           events,
                           outbox,          catalog,  challenges, recovery_codes, verifications,
                           password_resets, messages, retention,  after_commit};
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
    // Committed, and the connection back in the pool.
    for (const auto& hook : after_commit) hook();
}

void transaction(connection_pool& pool, bool writing, const std::function<void(repositories&)>& work) {
    // Deadlocks are normal under contention (InnoDB's gap locks above all): the
    // transaction rolled back whole, so it is safe to run it again (wild-workouts
    // retries MySQL's 1213 the same way).
    thread_local std::minstd_rand jitter{std::random_device{}()};
    for (int attempt = 1;; ++attempt) {
        try {
            run_once(pool, writing, work);
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
    impl(const database_url& url, std::size_t size) : pool(url, size) {}
};

soci_store::soci_store(const database_url& url, std::size_t pool_size)
    : impl_(std::make_unique<impl>(url, pool_size)) {}

soci_store::~soci_store() = default;

void soci_store::write(const std::function<void(repositories&)>& work) { transaction(impl_->pool, true, work); }
void soci_store::read(const std::function<void(repositories&)>& work) { transaction(impl_->pool, false, work); }

dialect soci_store::kind() const { return impl_->pool.dialect_of().kind(); }

std::pair<int, int> soci_store::pool_usage() const { return impl_->pool.usage(); }

bool soci_store::ping() {
    try {
        int one = 0;
        impl_->pool.with_connection([&](soci::session& sql) { sql << "SELECT 1", soci::into(one); });
        return one == 1;
    } catch (const std::exception&) {
        return false;
    }
}

std::map<std::string, std::vector<std::string>> soci_store::schema() { return read_schema(impl_->pool); }

std::vector<std::string> soci_store::migrate() { return apply_migrations(impl_->pool); }

}  // namespace authd::storage
