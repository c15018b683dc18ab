#include "adapters/http/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>

#include "adapters/json/json.hpp"
#include "core/audit/audit_event.hpp"
#include "core/common/time.hpp"

namespace authd::http {
namespace {
std::mutex out_mutex;
std::atomic<bool> access_log_on{true};
}  // namespace

void set_access_log(bool on) { access_log_on = on; }
bool access_log_enabled() { return access_log_on; }

void log_event(std::string_view level, std::string_view message,
               const std::vector<std::pair<std::string_view, std::string>>& fields) {
    json::writer w;
    w.begin_object()
        .field("ts", to_rfc3339(std::chrono::floor<seconds>(std::chrono::system_clock::now())))
        .field("level", level)
        .field("msg", message);
    for (const auto& [k, v] : fields) w.field(k, v);
    std::string line = std::move(w.end_object()).str();
    line += '\n';
    std::lock_guard lock(out_mutex);
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
}

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
