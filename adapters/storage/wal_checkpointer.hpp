#pragma once
// SQLite's write-ahead log is copied back into the database file by a thread of its own, not by whichever commit
// happens to cross the log's size threshold. That copy ends in an fsync; made by a commit, it held the single writer
// (and so every writer queued behind it) for milliseconds: the refresh benchmark's p99.
//
// Each round copies the log beside the writers, twice; a round that finds nothing committed since the last locked
// pass stops after its first. Only a log copied whole while no writer adds to it is started over by the next writer
// (otherwise it would grow without end under a steady load): once a restart interval, a round copies a last time
// holding the writers' lock, which copies only the few frames committed since. That locked pass holds the writers for
// milliseconds, hence its interval.
//
// The log file keeps the size a burst of writes grew it to (SQLite writes the restarted log over it), up to hundreds
// of MB. Once the database is idle, a log file larger than idle_log_limit is cut to nothing.
#include <soci/soci.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>

#include "adapters/storage/database_url.hpp"

namespace authd::storage {

class wal_checkpointer {
public:
    /// An idle database's log file past this size is truncated. Under a steady load the log holds about a restart
    /// interval's writes (a few MB at ordinary rates) and is left alone: only a burst leaves more behind.
    static constexpr std::uintmax_t idle_log_limit = 4 * 1024 * 1024;

    /// Opens a connection of its own to the SQLite file `url` and checkpoints every `interval` (PASSIVE: it never
    /// waits for readers), holding `writers`, the lock every writer of the process holds, at most once a
    /// `restart_interval`. Throws soci::soci_error when the file cannot be opened.
    wal_checkpointer(const database_url& url, std::chrono::milliseconds interval,
                     std::chrono::milliseconds restart_interval, std::mutex& writers);
    ~wal_checkpointer();  ///< stops the thread (within one checkpoint)
    wal_checkpointer(const wal_checkpointer&) = delete;
    wal_checkpointer& operator=(const wal_checkpointer&) = delete;

    /// Rounds whose last pass copied every frame the log held when that pass began (idle ones included). Only after a
    /// locked one can the log start over.
    std::uint64_t complete_checkpoints() const { return complete_.load(); }
    /// Passes made holding the writers' lock.
    std::uint64_t locked_passes() const { return locked_.load(); }
    /// Times an idle database's log file was cut to nothing.
    std::uint64_t truncations() const { return truncations_.load(); }

private:
    void run();
    /// Copies the log back beside the writers and, once a restart interval if writes went on, its last frames holding
    /// the writers' lock.
    bool round();
    /// What one PASSIVE checkpoint saw: whether it copied every frame the log held when it began, and how many.
    struct pass {
        bool complete;
        int log_frames;
    };
    pass checkpoint();
    /// Cuts an idle database's log file to nothing when it is larger than idle_log_limit.
    void shrink_idle_log();

    soci::session sql_;
    std::filesystem::path log_path_;  ///< where SQLite keeps this file's log: beside the file it opened, links followed
    const std::chrono::milliseconds interval_;
    const std::chrono::milliseconds restart_interval_;
    std::mutex& writers_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::atomic<std::uint64_t> complete_{0};
    std::atomic<std::uint64_t> locked_{0};
    std::atomic<std::uint64_t> truncations_{0};
    int last_log_frames_ = -1;  ///< the log's length after the last locked pass
    std::optional<std::chrono::steady_clock::time_point> last_restart_;  ///< when the last whole locked pass was due
    std::thread thread_;                                                 // last: starts once everything above exists
};

}  // namespace authd::storage
