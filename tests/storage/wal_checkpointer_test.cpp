#include "adapters/storage/wal_checkpointer.hpp"

#include <soci/soci.h>
#include <catch2/catch.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>

#include "adapters/storage/database_url.hpp"
#include "adapters/storage/sql_dialect.hpp"
#include "tests/support/temp_folder.hpp"

using namespace authd;

namespace {

/// Frames in the log now: the second column of a PASSIVE checkpoint (which also copies them back).
int log_frames(soci::session& sql) {
    int busy = 0, frames = 0, copied = 0;
    sql << "PRAGMA wal_checkpoint(PASSIVE)", soci::into(busy), soci::into(frames), soci::into(copied);
    return frames;
}

/// How many times the log was started over: the checkpoint sequence number of its header, bytes 12 to 15, big-endian
/// (https://www.sqlite.org/fileformat.html, "WAL File Format").
std::uint32_t log_starts(const std::filesystem::path& log) {
    std::ifstream in(log, std::ios::binary);
    std::array<unsigned char, 16> header{};
    in.read(reinterpret_cast<char*>(header.data()), header.size());
    REQUIRE(in.gcount() == 16);
    return (std::uint32_t{header[12]} << 24) | (std::uint32_t{header[13]} << 16) | (std::uint32_t{header[14]} << 8) |
           header[15];
}

/// A SQLite file of the test's own, open on `sql` as authd opens it, with an empty table of notes.
struct notes_file {
    test::temp_folder folder{"authd-wal"};
    storage::database_url url = *storage::database_url::parse("sqlite:///" + (folder.path / "wal.db").string());
    soci::session sql;
    notes_file() {
        storage::sql_dialect(url.kind).open(sql, url);
        sql << "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)";
    }
};

/// A burst: 2,000 notes of 4 KiB in one transaction, every page of it in the log (no commit copies the log back), which
/// grows past the size an idle database's log is cut from.
void write_burst(soci::session& sql) {
    sql << "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
           "INSERT INTO notes (body) SELECT hex(randomblob(2048)) FROM n";
}

/// A restart interval that lets every round hold the writers' lock for its last pass.
constexpr std::chrono::milliseconds every_round{0};

/// Waits (bounded) until the checkpointer has completed `rounds` rounds.
bool completes(const storage::wal_checkpointer& checkpointer, std::uint64_t rounds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (checkpointer.complete_checkpoints() < rounds && std::chrono::steady_clock::now() < deadline)
        std::this_thread::yield();
    return checkpointer.complete_checkpoints() >= rounds;
}

}  // namespace

TEST_CASE("a SQLite file's log is copied back by the checkpointer and started over by the next writer",
          "[sql][sqlite_file]") {
    notes_file file;
    auto& sql = file.sql;
    int autocheckpoint = -1;
    sql << "PRAGMA wal_autocheckpoint", soci::into(autocheckpoint);
    CHECK(autocheckpoint == 0);  // no commit copies the log back: the checkpointer does
    for (int i = 0; i < 200; ++i) sql << "INSERT INTO notes (body) VALUES ('note')";

    std::mutex writers;
    storage::wal_checkpointer checkpointer(file.url, std::chrono::milliseconds(5), every_round, writers);
    REQUIRE(completes(checkpointer, 1));

    {
        std::lock_guard turn(writers);  // as a writer of the process would
        sql << "INSERT INTO notes (body) VALUES ('after')";
    }
    // Started over: the log holds the last transaction only, not all 202 of them.
    CHECK(log_frames(sql) < 10);
    int count = 0;
    sql << "SELECT COUNT(*) FROM notes", soci::into(count);
    CHECK(count == 201);
}

TEST_CASE("under a steady stream of writes the log stays small instead of holding every write", "[sql][sqlite_file]") {
    notes_file file;
    auto& sql = file.sql;
    std::mutex writers;
    storage::wal_checkpointer checkpointer(file.url, std::chrono::milliseconds(5), every_round, writers);
    // Writes one after another, as the queue of a busy process does, until the checkpointer has had its turn a few
    // times (bounded by the deadline).
    int written = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while ((written < 3000 || checkpointer.complete_checkpoints() < 10) &&
           std::chrono::steady_clock::now() < deadline) {
        {
            std::lock_guard turn(writers);
            sql << "INSERT INTO notes (body) VALUES ('note')";
        }
        ++written;
        std::this_thread::yield();
    }
    REQUIRE(checkpointer.complete_checkpoints() >= 10);
    // Started over again and again while the writes went on: each start writes a new log header with the count of
    // checkpoints behind it (a writer starts the log over only after a complete checkpoint, and passes beside a
    // steady writer never complete). How large the log grew in between depends on how the machine scheduled the two
    // threads, so its size is only checked against holding every write, one 4 KiB page or more each.
    const auto log = file.folder.path / "wal.db-wal";
    CHECK(log_starts(log) >= 5);
    CHECK(std::filesystem::file_size(log) < static_cast<std::uintmax_t>(written) * 4096);
}

TEST_CASE("on an idle database the checkpointer leaves the writers' lock alone", "[sql][sqlite_file]") {
    notes_file file;
    file.sql << "INSERT INTO notes (body) VALUES ('note')";
    std::mutex writers;
    storage::wal_checkpointer checkpointer(file.url, std::chrono::milliseconds(5), every_round, writers);
    REQUIRE(completes(checkpointer, 1));

    // Nothing is written from here on. Rounds go on while a writer holds the lock: none of them waits for it.
    std::lock_guard turn(writers);
    CHECK(completes(checkpointer, checkpointer.complete_checkpoints() + 3));
}

TEST_CASE("between two restarts of the log the checkpointer copies it without taking the writers' lock",
          "[sql][sqlite_file]") {
    notes_file file;
    auto& sql = file.sql;
    sql << "INSERT INTO notes (body) VALUES ('note')";
    std::mutex writers;
    storage::wal_checkpointer checkpointer(file.url, std::chrono::milliseconds(5), std::chrono::hours(1), writers);
    REQUIRE(completes(checkpointer, 1));  // the first round: its locked pass is due, and nothing holds the lock

    // A writer keeps the lock and adds to the log. The rounds that follow find new frames each time, copy them beside
    // the writer, and complete: none waits for the lock, whose next turn is an hour away.
    std::lock_guard turn(writers);
    for (int round = 0; round < 3; ++round) {
        for (int i = 0; i < 20; ++i) sql << "INSERT INTO notes (body) VALUES ('held')";
        REQUIRE(completes(checkpointer, checkpointer.complete_checkpoints() + 1));
    }
    CHECK(checkpointer.locked_passes() == 1);  // the first round's only
}

TEST_CASE("under a steady stream of writes the locked pass comes back once its interval has passed",
          "[sql][sqlite_file]") {
    notes_file file;
    auto& sql = file.sql;
    std::mutex writers;
    storage::wal_checkpointer checkpointer(file.url, std::chrono::milliseconds(5), std::chrono::milliseconds(20),
                                           writers);
    // Writes go on until the checkpointer has held the writers' lock three times: one locked pass every 20 ms or so,
    // where rounds come every 5 ms. A locked pass that never came back would end the loop at the deadline instead.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (checkpointer.locked_passes() < 3 && std::chrono::steady_clock::now() < deadline) {
        {
            std::lock_guard turn(writers);
            sql << "INSERT INTO notes (body) VALUES ('note')";
        }
        std::this_thread::yield();
    }
    CHECK(checkpointer.locked_passes() >= 3);
}

TEST_CASE("after a burst of writes the log file is cut to nothing once the database is idle", "[sql][sqlite_file]") {
    notes_file file;
    auto& sql = file.sql;
    write_burst(sql);
    const auto log = file.folder.path / "wal.db-wal";
    REQUIRE(std::filesystem::file_size(log) > storage::wal_checkpointer::idle_log_limit);

    std::mutex writers;
    storage::wal_checkpointer checkpointer(file.url, std::chrono::milliseconds(5), every_round, writers);
    // The first round copies the log back holding the writers' lock; a round after it finds nothing new and cuts it.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (checkpointer.truncations() == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    REQUIRE(checkpointer.truncations() == 1);
    CHECK(std::filesystem::file_size(log) == 0);
    int count = 0;
    sql << "SELECT COUNT(*) FROM notes", soci::into(count);
    CHECK(count == 2000);  // every note copied back before the cut

    // The next writer starts a new log, and an idle database whose log is that small keeps it: no second cut.
    {
        std::lock_guard turn(writers);
        sql << "INSERT INTO notes (body) VALUES ('after')";
    }
    REQUIRE(completes(checkpointer, checkpointer.complete_checkpoints() + 3));
    CHECK(checkpointer.truncations() == 1);
    CHECK(std::filesystem::file_size(log) > 0);
    CHECK(std::filesystem::file_size(log) <= storage::wal_checkpointer::idle_log_limit);
}

TEST_CASE("a reader still in the log keeps it from being cut, without holding up the checkpointer",
          "[sql][sqlite_file]") {
    notes_file file;
    auto& sql = file.sql;
    write_burst(sql);
    const auto log = file.folder.path / "wal.db-wal";
    const auto grown = std::filesystem::file_size(log);
    REQUIRE(grown > storage::wal_checkpointer::idle_log_limit);
    // A reader's transaction begun after the burst reads the notes through the log until it ends.
    soci::session reader;
    storage::sql_dialect(file.url.kind).open(reader, file.url);
    int seen = -1;
    reader << "BEGIN";
    reader << "SELECT COUNT(*) FROM notes", soci::into(seen);
    REQUIRE(seen == 2000);

    std::mutex writers;
    storage::wal_checkpointer checkpointer(file.url, std::chrono::milliseconds(5), every_round, writers);
    // The log is copied back whole, and the idle rounds that follow go on, each giving up the cut at once (waiting for
    // the reader would hold the writers' lock): ten rounds, nine of them idle, where a wait of SQLite's usual 5 s in
    // each would take 45 s, past the 20 s completes() allows.
    REQUIRE(completes(checkpointer, 10));
    CHECK(checkpointer.truncations() == 0);
    CHECK(std::filesystem::file_size(log) == grown);

    reader << "COMMIT";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (checkpointer.truncations() == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    CHECK(checkpointer.truncations() == 1);  // cut once the reader has left the log
    CHECK(std::filesystem::file_size(log) == 0);
}

TEST_CASE("a database opened through a symbolic link has its log cut too", "[sql][sqlite_file]") {
    notes_file file;
    write_burst(file.sql);
    const auto log = file.folder.path / "wal.db-wal";  // beside the file itself, where SQLite keeps it
    REQUIRE(std::filesystem::file_size(log) > storage::wal_checkpointer::idle_log_limit);
    std::filesystem::create_directory(file.folder.path / "linked");
    std::filesystem::create_symlink(file.folder.path / "wal.db", file.folder.path / "linked" / "authd.db");
    const auto through_link =
        *storage::database_url::parse("sqlite:///" + (file.folder.path / "linked" / "authd.db").string());

    std::mutex writers;
    storage::wal_checkpointer checkpointer(through_link, std::chrono::milliseconds(5), every_round, writers);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (checkpointer.truncations() == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    CHECK(checkpointer.truncations() == 1);
    CHECK(std::filesystem::file_size(log) == 0);
    CHECK_FALSE(std::filesystem::exists(file.folder.path / "linked" / "authd.db-wal"));
}
