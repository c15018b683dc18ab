#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace authd {
struct audit_event;
}

namespace authd::http {

/// One JSON object per line on standard output. Callers pass only what is safe
/// to keep: never a body, a token, a password or a code.
void log_event(std::string_view level, std::string_view message,
               const std::vector<std::pair<std::string_view, std::string>>& fields);

/// The structured line of a committed audit event ("msg":"audit"): what the row holds, for a log pipeline.
void log_audit_event(const audit_event& e);

/// Turns the per-request access log off (the benchmark measures without it).
void set_access_log(bool on);
bool access_log_enabled();

}  // namespace authd::http
