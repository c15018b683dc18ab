#pragma once
// A database of its own for one test, on the backend the test run asks for.
//
// AUTHD_TEST_BACKEND selects it: unset or "sqlite" gives SQLite in memory;
// "postgresql" and "mysql" create a fresh database on the server whose URL is
// in AUTHD_TEST_PG_URL / AUTHD_TEST_MYSQL_URL (scripts/test starts those
// servers) and drop it afterwards. A backend asked for without its URL fails
// the test: it is never skipped silently.
#include <string>

namespace authd::test {

class scratch_database {
public:
    scratch_database();
    ~scratch_database();
    scratch_database(const scratch_database&) = delete;
    scratch_database& operator=(const scratch_database&) = delete;

    const std::string& url() const { return url_; }
    const std::string& backend() const { return backend_; }

    /// Waits (at most 10 s) until a statement on this database waits for a lock another transaction holds, and says
    /// whether one did; watched on a connection of its own. PostgreSQL reports lock waits. MariaDB's miss some (a
    /// locking read by primary key waits in the optimizer, before InnoDB lists its transaction), so there a statement
    /// running for half a second counts: nothing a test runs beside the wait takes that long. SQLite has no row
    /// locks: always false.
    bool a_statement_waits() const;

private:
    std::string backend_;
    std::string admin_url_;
    std::string name_;
    std::string url_;
};

}  // namespace authd::test
