#include "adapters/http/log.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>

#include "adapters/json/json.hpp"
#include "core/audit/audit_event.hpp"
#include "core/common/time.hpp"

namespace authd::http {
namespace {
std::atomic<bool> access_log_on{true};
std::atomic<std::uint64_t> dropped_total{0};

/// Where lines go, and those waiting for the log_writer_thread. Never destroyed: a thread may still log while the
/// process's statics are destroyed.
struct output_state {
    std::mutex mutex;  ///< also orders lines written straight out
    std::condition_variable waiting_for_writer;
    std::FILE* background = nullptr;  ///< the log_writer_thread's output, while it runs
    std::size_t limit = 0;
    std::string waiting;
    std::uint64_t dropped = 0;  ///< since the last warning
    bool stopping = false;
};
output_state& state() {
    static auto& s = *new output_state;
    return s;
}

std::string line_of(std::string_view level, std::string_view message,
                    const std::vector<std::pair<std::string_view, std::string>>& fields) {
    json::writer w;
    w.begin_object()
        .field("ts", to_rfc3339(std::chrono::floor<seconds>(std::chrono::system_clock::now())))
        .field("level", level)
        .field("msg", message);
    for (const auto& [k, v] : fields) w.field(k, v);
    std::string line = std::move(w.end_object()).str();
    line += '\n';
    return line;
}

/// False when the output refused the text (a closed pipe, a full disk), which is then lost.
bool write_out(std::FILE* out, std::string_view text) {
    const bool written = std::fwrite(text.data(), 1, text.size(), out) == text.size() && std::fflush(out) == 0;
    if (!written) std::clearerr(out);  // the next lines are tried again
    return written;
}

constexpr std::chrono::milliseconds linger{5};

void write_in_background(output_state& s, std::FILE* out) {
    std::string batch;
    std::unique_lock lock(s.mutex);
    for (;;) {
        s.waiting_for_writer.wait(lock, [&] { return !s.waiting.empty() || s.dropped != 0 || s.stopping; });
        if (s.waiting.empty() && s.dropped == 0) {
            s.background = nullptr;  // at once, under the lock: no line can be left waiting for a writer that is gone
            return;
        }
        // Lines that come within a moment go out with this one: one wake-up and one write for many requests.
        s.waiting_for_writer.wait_for(lock, linger, [&] { return s.stopping; });
        batch.swap(s.waiting);
        const auto dropped = std::exchange(s.dropped, 0);
        lock.unlock();
        if (!write_out(out, batch))
            dropped_total += static_cast<std::uint64_t>(std::count(batch.begin(), batch.end(), '\n'));
        if (dropped != 0) {
            try {
                write_out(out, line_of("warn", "log lines dropped: the output did not keep up",
                                       {{"count", std::to_string(dropped)}}));
            } catch (const std::exception&) {  // out of memory: the warning is lost, not the process
            }
        }
        batch.clear();
        if (batch.capacity() > (std::size_t{256} << 10)) batch = std::string();  // after a burst, give the memory back
        lock.lock();
    }
}
}  // namespace

void set_access_log(bool on) { access_log_on = on; }
bool access_log_enabled() { return access_log_on; }

void log_event(std::string_view level, std::string_view message,
               const std::vector<std::pair<std::string_view, std::string>>& fields) {
    const std::string line = line_of(level, message, fields);
    auto& s = state();
    std::lock_guard lock(s.mutex);
    if (!s.background) {
        write_out(stdout, line);
        return;
    }
    // The writer sleeps only while nothing waits: the first line (or drop) wakes it, and it finds the others when it
    // is done.
    if (s.waiting.empty() && s.dropped == 0) s.waiting_for_writer.notify_one();
    if (s.waiting.size() + line.size() > s.limit) {
        ++s.dropped;
        ++dropped_total;
        return;
    }
    s.waiting += line;
}

log_writer_thread::log_writer_thread(std::FILE* out, std::size_t limit) {
    auto& s = state();
    std::lock_guard lock(s.mutex);
    if (s.background) throw std::logic_error("a log writer thread is already running");
    s.stopping = false;
    thread_ = std::thread(write_in_background, std::ref(s), out);  // it waits for this lock
    s.background = out;
    s.limit = limit;
}

log_writer_thread::~log_writer_thread() {
    auto& s = state();
    {
        std::lock_guard lock(s.mutex);
        s.stopping = true;
    }
    s.waiting_for_writer.notify_one();
    thread_.join();
}

std::uint64_t log_lines_dropped() { return dropped_total; }

void log_audit_event(const audit_event& e) {
    log_event("info", "audit",
              {{"event", std::string(to_string(e.type))},
               {"outcome", std::string(to_string(e.outcome))},
               {"at", to_rfc3339(e.at)},
               {"principal", e.principal_id},
               {"actor", e.actor_id},
               {"remote_ip", e.ip},
               {"user_agent", e.user_agent},
               {"request_id", e.request_id},
               {"detail", e.detail}});
}

}  // namespace authd::http
