#include "adapters/storage/statement_cache.hpp"

#include <soci/soci.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "adapters/storage/database_url.hpp"
#include "adapters/storage/sql_dialect.hpp"
#include "tests/support/scratch_database.hpp"
#include "tests/support/temp_folder.hpp"

using namespace authd;
using storage::execute_prepared;
using storage::run_prepared;
using storage::statement_cache;

namespace {

struct note_row {
    long long id = 0;
    std::string body;
    template <class Each>
    void each_column(Each each) {
        each("id", id);
        each("body", body);
    }
};

const std::string insert_note = "INSERT INTO notes (id, body) VALUES (:id, :body)";
const std::string notes_from = "SELECT id, body FROM notes WHERE id >= :from ORDER BY id";

/// The notes with an id of at least `from`, read through the cache.
std::vector<std::string> bodies_from(soci::session& sql, statement_cache& cache, long long from) {
    std::vector<std::string> out;
    run_prepared<note_row>(
        sql, cache, notes_from,
        [&](const note_row& r) {
            out.push_back(std::to_string(r.id) + ":" + r.body);
            return true;
        },
        from);
    return out;
}

/// The first note from `from` on, read through the cache, which stops after that row.
std::string first_from(soci::session& sql, statement_cache& cache, long long from) {
    std::string out;
    run_prepared<note_row>(
        sql, cache, notes_from,
        [&](const note_row& r) {
            out = r.body;
            return false;
        },
        from);
    return out;
}

struct connected {
    test::scratch_database database;
    storage::database_url url = *storage::database_url::parse(database.url());
    soci::session sql;
    connected() {
        storage::sql_dialect(url.kind).open(sql, url);
        sql << "CREATE TABLE notes (id INTEGER PRIMARY KEY, body VARCHAR(64) NOT NULL)";
    }
};

}  // namespace

TEST_CASE("a prepared statement runs again with new values, and each text is prepared once per connection",
          "[sql][prepared]") {
    connected db;
    statement_cache cache;
    CHECK(execute_prepared(db.sql, cache, insert_note, 1LL, std::string("one")) == 1);
    CHECK(execute_prepared(db.sql, cache, insert_note, 2LL, std::string("two")) == 1);
    CHECK(execute_prepared(db.sql, cache, insert_note, 3LL, std::string("three")) == 1);
    CHECK(cache.size() == 1);

    CHECK(bodies_from(db.sql, cache, 1) == std::vector<std::string>{"1:one", "2:two", "3:three"});
    CHECK(bodies_from(db.sql, cache, 2) == std::vector<std::string>{"2:two", "3:three"});
    CHECK(bodies_from(db.sql, cache, 4).empty());
    CHECK(first_from(db.sql, cache, 2) == "two");
    CHECK(cache.size() == 2);

    const std::string update = "UPDATE notes SET body = :body WHERE id >= :id";
    CHECK(execute_prepared(db.sql, cache, update, std::string("later"), 2LL) == 2);
    CHECK(execute_prepared(db.sql, cache, update, std::string("none"), 9LL) == 0);
    CHECK(bodies_from(db.sql, cache, 1) == std::vector<std::string>{"1:one", "2:later", "3:later"});
}

TEST_CASE("a prepared statement that fails is dropped, and prepared again on its next use", "[sql][prepared]") {
    connected db;
    statement_cache cache;
    execute_prepared(db.sql, cache, insert_note, 1LL, std::string("one"));
    REQUIRE(cache.size() == 1);
    CHECK_THROWS_AS(execute_prepared(db.sql, cache, insert_note, 1LL, std::string("again")), soci::soci_error);
    CHECK(cache.size() == 0);
    CHECK(execute_prepared(db.sql, cache, insert_note, 2LL, std::string("two")) == 1);
    CHECK(bodies_from(db.sql, cache, 1) == std::vector<std::string>{"1:one", "2:two"});
}

TEST_CASE("a prepared statement that fails inside a transaction leaves nothing prepared on the server",
          "[sql][prepared]") {
    connected db;
    const bool postgresql = db.url.kind == storage::dialect::postgresql;
    statement_cache cache(postgresql);  // as the pool makes it
    execute_prepared(db.sql, cache, insert_note, 1LL, std::string("one"));
    db.sql.begin();
    CHECK_THROWS_AS(execute_prepared(db.sql, cache, insert_note, 1LL, std::string("again")), soci::soci_error);
    CHECK(cache.size() == 0);
    // PostgreSQL has aborted the transaction and would refuse a DEALLOCATE now: the statement waits for the next
    // lease, outside any transaction.
    CHECK(cache.dropped() == (postgresql ? 1u : 0u));
    db.sql.rollback();
    cache.release_dropped();
    CHECK(cache.dropped() == 0);
    if (postgresql) {
        long long still_prepared = -1;
        db.sql << "SELECT COUNT(*) FROM pg_prepared_statements", soci::into(still_prepared);
        CHECK(still_prepared == 0);
    }
    CHECK(execute_prepared(db.sql, cache, insert_note, 2LL, std::string("two")) == 1);
}

namespace {
struct stamp_row {
    long long id = 0;
    storage::nullable_time at;
    template <class Each>
    void each_column(Each each) {
        each("id", id);
        each("at", at.value, at.ind);
    }
};
}  // namespace

TEST_CASE("a prepared statement binds times and nulls afresh on every run", "[sql][prepared]") {
    connected db;
    db.sql << (db.url.kind == storage::dialect::mysql ? "CREATE TABLE stamps (id INTEGER PRIMARY KEY, at DATETIME)"
                                                      : "CREATE TABLE stamps (id INTEGER PRIMARY KEY, at TIMESTAMP)");
    statement_cache cache;
    const std::string insert = "INSERT INTO stamps (id, at) VALUES (:id, :at)";
    const auto noon = time_point(std::chrono::seconds(1'700'000'000));
    const auto later = noon + std::chrono::hours(25);
    execute_prepared(db.sql, cache, insert, 1LL, storage::nullable_time(std::optional(noon)));
    execute_prepared(db.sql, cache, insert, 2LL, storage::nullable_time(std::optional<time_point>()));
    execute_prepared(db.sql, cache, insert, 3LL, storage::nullable_time(std::optional(later)));

    std::vector<std::optional<time_point>> read;
    run_prepared<stamp_row>(db.sql, cache, "SELECT id, at FROM stamps ORDER BY id", [&](const stamp_row& r) {
        read.push_back(r.at.get());
        return true;
    });
    REQUIRE(read.size() == 3);
    CHECK(read[0] == noon);
    CHECK_FALSE(read[1].has_value());  // a null after a value: the indicator is read again, not kept
    CHECK(read[2] == later);
}

TEST_CASE("one SQL text prepared with two different bindings is a programming error", "[sql][prepared]") {
    connected db;
    statement_cache cache;
    execute_prepared(db.sql, cache, insert_note, 1LL, std::string("one"));
    CHECK_THROWS_AS(execute_prepared(db.sql, cache, insert_note, std::string("1"), std::string("one")),
                    std::logic_error);
}

TEST_CASE("a prepared read that stopped after its first row does not keep an old snapshot of a SQLite file",
          "[sql][sqlite_file][prepared]") {
    // An SQLite statement left in the middle of its rows keeps its read transaction open: every later read on that
    // connection would see the database as it was then.
    test::temp_folder folder("authd-prepared");
    const auto url = *storage::database_url::parse("sqlite:///" + (folder.path / "notes.db").string());
    soci::session reader, writer;
    storage::sql_dialect(url.kind).open(reader, url);
    storage::sql_dialect(url.kind).open(writer, url);
    writer << "CREATE TABLE notes (id INTEGER PRIMARY KEY, body VARCHAR(64) NOT NULL)";
    writer << "INSERT INTO notes (id, body) VALUES (1, 'one')";
    writer << "INSERT INTO notes (id, body) VALUES (2, 'two')";

    statement_cache cache;
    CHECK(first_from(reader, cache, 1) == "one");
    writer << "UPDATE notes SET body = 'changed' WHERE id = 1";
    std::string body;
    reader << "SELECT body FROM notes WHERE id = 1", soci::into(body);
    CHECK(body == "changed");
    CHECK(first_from(reader, cache, 1) == "changed");
    // And no reader is left in the log: a checkpoint that must wait for readers finds none.
    int busy = -1, frames = 0, copied = 0;
    writer << "PRAGMA wal_checkpoint(TRUNCATE)", soci::into(busy), soci::into(frames), soci::into(copied);
    CHECK(busy == 0);
}
