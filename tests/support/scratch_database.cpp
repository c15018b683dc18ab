#include "tests/support/scratch_database.hpp"

#include <soci/soci.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <stdexcept>

#include "adapters/storage/database_url.hpp"
#include "adapters/storage/server_drivers.hpp"

namespace authd::test {
namespace {
std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

std::string admin_connect_string(const storage::database_url& u) { return u.soci_connect_string(); }

void run_admin(const storage::database_url& u, const std::string& statement) {
    soci::session sql(u.kind == storage::dialect::postgresql ? storage::postgresql_factory() : storage::mysql_factory(),
                      admin_connect_string(u));
    sql << statement;
}
}  // namespace

scratch_database::scratch_database() {
    backend_ = env("AUTHD_TEST_BACKEND");
    if (backend_.empty() || backend_ == "sqlite") {
        backend_ = "sqlite";
        url_ = "sqlite:///:memory:";
        return;
    }
    const char* var = backend_ == "postgresql" ? "AUTHD_TEST_PG_URL"
                      : backend_ == "mysql"    ? "AUTHD_TEST_MYSQL_URL"
                                               : nullptr;
    if (!var) throw std::runtime_error("AUTHD_TEST_BACKEND must be sqlite, postgresql or mysql");
    admin_url_ = env(var);
    if (admin_url_.empty())
        throw std::runtime_error(std::string(var) + " is not set: run scripts/test, which starts the database servers");
    auto admin = storage::database_url::parse(admin_url_);
    if (!admin) throw std::runtime_error(std::string(var) + " is not a database URL");
    std::random_device rd;
    name_ = "authd_t_" + std::to_string(rd()) + std::to_string(rd());
    run_admin(*admin, "CREATE DATABASE " + name_);
    url_ = admin_url_.substr(0, admin_url_.rfind('/') + 1) + name_;
}

scratch_database::~scratch_database() {
    if (name_.empty()) return;
    try {
        auto admin = storage::database_url::parse(admin_url_);
        run_admin(*admin, admin->kind == storage::dialect::postgresql
                              ? "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)"
                              : "DROP DATABASE IF EXISTS " + name_);
    } catch (...) {
        // A scratch database left behind dies with the throwaway server.
    }
}

bool scratch_database::a_statement_waits() const {
    if (name_.empty()) return false;
    const auto u = storage::database_url::parse(url_);
    const bool postgresql = u->kind == storage::dialect::postgresql;
    soci::session sql(postgresql ? storage::postgresql_factory() : storage::mysql_factory(), u->soci_connect_string());
    const char* query = postgresql ? "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND "
                                     "wait_event_type = 'Lock'"
                                   : "SELECT COUNT(*) FROM information_schema.processlist WHERE db = DATABASE() AND "
                                     "info IS NOT NULL AND id <> CONNECTION_ID() AND time_ms >= 500";
    const auto bound = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    long long waiting = 0;
    while (waiting == 0 && std::chrono::steady_clock::now() < bound) sql << query, soci::into(waiting);
    return waiting > 0;
}

}  // namespace authd::test
