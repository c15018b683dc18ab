#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace authd {
struct audit_event;
}

namespace authd::http {

/// One JSON object per line on standard output (through the log_writer_thread, while one lives). Callers pass only
/// what is safe to keep: never a body, a token, a password or a code.
void log_event(std::string_view level, std::string_view message,
               const std::vector<std::pair<std::string_view, std::string>>& fields);

/// The structured line of a committed audit event ("msg":"audit"): what the row holds, for a log pipeline.
void log_audit_event(const audit_event& e);

/// Turns the per-request access log off (the benchmark measures without it).
void set_access_log(bool on);
bool access_log_enabled();

/// While one lives, log_event only appends its line to memory, and this thread writes what waits, a few milliseconds'
/// worth in one write: the thread that logs (a network thread, for the access log) never waits for standard output,
/// whether its reader is slow (a pipe to a log shipper that stalls) or merely a system call away. At most `limit`
/// bytes wait (besides the batch being written); a line that would pass it is dropped and counted
/// (log_lines_dropped()), and a warning with the count follows once the output has caught up. Its end writes every
/// line still waiting; later lines go straight out again. A crash loses the lines not yet written: a few
/// milliseconds' worth, or up to `limit` while the output is stalled. One at a time.
class log_writer_thread {
public:
    static constexpr std::size_t default_limit = std::size_t{4} << 20;
    explicit log_writer_thread(std::FILE* out = stdout, std::size_t limit = default_limit);
    ~log_writer_thread();
    log_writer_thread(const log_writer_thread&) = delete;
    log_writer_thread& operator=(const log_writer_thread&) = delete;

private:
    std::thread thread_;
};

/// Lines a log_writer_thread lost since the process started: its output did not keep up, or refused them.
std::uint64_t log_lines_dropped();

}  // namespace authd::http
