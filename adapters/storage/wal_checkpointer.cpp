#include "adapters/storage/wal_checkpointer.hpp"

#include "adapters/storage/sql_dialect.hpp"

namespace authd::storage {

wal_checkpointer::wal_checkpointer(const database_url& url, std::chrono::milliseconds interval,
                                   std::chrono::milliseconds restart_interval, std::mutex& writers)
    : interval_(interval), restart_interval_(restart_interval), writers_(writers) {
    sql_dialect(url.kind).open(sql_, url);
    // SQLite's own name for the file, not the URL's: it follows symbolic links and reads URI file names.
    std::string file;
    sql_ << "SELECT file FROM pragma_database_list WHERE name = 'main'", soci::into(file);
    log_path_ = file + "-wal";
    // This connection never waits for another: a PASSIVE pass does not, and a truncation that finds a reader on an
    // older snapshot gives up at once rather than hold the writers' lock while it waits.
    sql_ << "PRAGMA busy_timeout = 0";
    thread_ = std::thread([this] { run(); });
}

wal_checkpointer::~wal_checkpointer() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void wal_checkpointer::run() {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
        lock.unlock();
        if (round()) ++complete_;
        lock.lock();
    }
}

bool wal_checkpointer::round() {
    // Nothing committed since the last locked pass (an idle database): the log is copied already, or the next writer
    // starts it over.
    const auto first = checkpoint();
    if (first.complete && first.log_frames == last_log_frames_) {
        shrink_idle_log();
        return true;
    }
    // Beside the writers: the bulk (above), then what was committed during it. A pass costs milliseconds even when
    // small, so this second one leaves a locked pass only the frames of those last milliseconds. (Leaving it out of
    // the rounds that take no lock made no difference the refresh benchmark could show.)
    const auto second = checkpoint();
    // The locked pass holds every writer for its two syncs (milliseconds however few frames it copies), so it comes at
    // most once a `restart_interval_` rather than every round: the writers wait for it that much more rarely, and the
    // log holds about that long's writes.
    const auto now = std::chrono::steady_clock::now();
    if (last_restart_ && now - *last_restart_ < restart_interval_) return second.complete;
    std::lock_guard no_writer(writers_);
    ++locked_;
    const auto last = checkpoint();
    last_log_frames_ = last.log_frames;
    // A pass that a reader kept from copying everything is tried again next round: only a whole copy lets the log
    // start over.
    if (last.complete) last_restart_ = now;
    return last.complete;
}

void wal_checkpointer::shrink_idle_log() {
    std::error_code error;
    const auto size = std::filesystem::file_size(log_path_, error);
    if (error || size <= idle_log_limit) return;
    // Every frame the log held a moment ago is copied back, so the writers' lock is held for the truncation and at
    // most the frames of a commit made since: a writer that comes meanwhile waits for it in the process, not in
    // SQLite's busy handler.
    std::lock_guard no_writer(writers_);
    try {
        int busy = 0, log_frames = 0, copied_frames = 0;
        sql_ << "PRAGMA wal_checkpoint(TRUNCATE)", soci::into(busy), soci::into(log_frames), soci::into(copied_frames);
        if (busy != 0) return;  // a reader still reading through the log: the next idle round tries again
        last_log_frames_ = 0;   // the log starts over empty
        ++truncations_;
    } catch (const soci::soci_error&) {
        // As for a pass: the next round tries again.
    }
}

wal_checkpointer::pass wal_checkpointer::checkpoint() {
    try {
        int busy = 0, log_frames = 0, copied_frames = 0;
        sql_ << "PRAGMA wal_checkpoint(PASSIVE)", soci::into(busy), soci::into(log_frames), soci::into(copied_frames);
        return {busy == 0 && log_frames >= 0 && copied_frames == log_frames, log_frames};
    } catch (const soci::soci_error&) {
        // A disk error here is also every writer's, and they report it; the next round tries again.
        return {false, -1};
    }
}

}  // namespace authd::storage
