#pragma once
#include <string_view>
#include <utility>

#include "core/common/time.hpp"

namespace authd {

struct rate_decision {
    bool allowed = true;
    int limit = 0;
    int remaining = 0;
    seconds reset{};        ///< until the window ends
    bool degraded = false;  ///< the limiter's store was unreachable: allowed without counting
};

/// Counts requests per key in fixed windows. Several instances share one budget
/// when the adapter keeps the counts in a shared store (Redis).
class rate_limiter {
public:
    virtual ~rate_limiter() = default;
    /// Counts one request of `key` in the window that holds `now`.
    virtual rate_decision hit(std::string_view key, int limit, seconds window, time_point now) = 0;
    /// "ok", or "unavailable" while the store cannot be reached.
    virtual std::string_view health() const = 0;
};

/// The window that holds `now`: its start and how long until it ends.
inline std::pair<time_point, seconds> window_of(time_point now, seconds window) {
    const auto start = time_point{now.time_since_epoch() - now.time_since_epoch() % window};
    return {start, start + window - now};
}

}  // namespace authd
