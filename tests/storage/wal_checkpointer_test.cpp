#include "adapters/storage/wal_checkpointer.hpp"

#include <soci/soci.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

#include "adapters/storage/database_url.hpp"
#include "adapters/storage/sql_dialect.hpp"

using namespace authd;

namespace {

struct temp_folder {
    std::filesystem::path path;
    temp_folder() {
        char name[] = "/tmp/authd-wal-XXXXXX";
        path = mkdtemp(name);
    }
    ~temp_folder() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
    temp_folder(const temp_folder&) = delete;
    temp_folder& operator=(const temp_folder&) = delete;
};

/// Frames in the log now: the second column of a PASSIVE checkpoint (which also copies them back).
int log_frames(soci::session& sql) {
    int busy = 0, frames = 0, copied = 0;
    sql << "PRAGMA wal_checkpoint(PASSIVE)", soci::into(busy), soci::into(frames), soci::into(copied);
    return frames;
}

}  // namespace

TEST_CASE("a SQLite file's log is copied back by the checkpointer and started over by the next writer",
          "[sql][sqlite_file]") {
    temp_folder folder;
    const auto url = *storage::database_url::parse("sqlite:///" + (folder.path / "wal.db").string());
    soci::session sql;
    storage::sql_dialect(url.kind).open(sql, url);
    int autocheckpoint = -1;
    sql << "PRAGMA wal_autocheckpoint", soci::into(autocheckpoint);
    CHECK(autocheckpoint == 0);  // no commit copies the log back: the checkpointer does
    sql << "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)";
    for (int i = 0; i < 200; ++i) sql << "INSERT INTO notes (body) VALUES ('note')";

    std::mutex writers;
    storage::wal_checkpointer checkpointer(url, std::chrono::milliseconds(5), writers);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (checkpointer.complete_checkpoints() == 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::yield();
    REQUIRE(checkpointer.complete_checkpoints() > 0);

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
    temp_folder folder;
    const auto url = *storage::database_url::parse("sqlite:///" + (folder.path / "wal.db").string());
    soci::session sql;
    storage::sql_dialect(url.kind).open(sql, url);
    sql << "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)";

    std::mutex writers;
    storage::wal_checkpointer checkpointer(url, std::chrono::milliseconds(5), writers);
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
    // Each write adds at least one 4 KiB page to the log; a log never started over would hold them all.
    const auto log_bytes = std::filesystem::file_size(folder.path / "wal.db-wal");
    CHECK(log_bytes < static_cast<std::uintmax_t>(written) * 4096 / 4);
}

TEST_CASE("on an idle database the checkpointer leaves the writers' lock alone", "[sql][sqlite_file]") {
    temp_folder folder;
    const auto url = *storage::database_url::parse("sqlite:///" + (folder.path / "wal.db").string());
    soci::session sql;
    storage::sql_dialect(url.kind).open(sql, url);
    sql << "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)";
    sql << "INSERT INTO notes (body) VALUES ('note')";

    std::mutex writers;
    storage::wal_checkpointer checkpointer(url, std::chrono::milliseconds(5), writers);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (checkpointer.complete_checkpoints() == 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::yield();
    REQUIRE(checkpointer.complete_checkpoints() > 0);

    // Nothing is written from here on. Rounds go on while a writer holds the lock: none of them waits for it.
    std::lock_guard turn(writers);
    const auto before = checkpointer.complete_checkpoints();
    while (checkpointer.complete_checkpoints() < before + 3 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::yield();
    CHECK(checkpointer.complete_checkpoints() >= before + 3);
}
