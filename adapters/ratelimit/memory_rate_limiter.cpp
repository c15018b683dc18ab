#include "adapters/ratelimit/memory_rate_limiter.hpp"

#include <algorithm>

namespace authd::ratelimit {

rate_decision memory_rate_limiter::hit(std::string_view key, int limit, seconds window, time_point now) {
    // Not a structured binding: clang before 16 cannot capture one in the lambda below (scripts/fuzz builds with 14).
    const auto bounds = window_of(now, window);
    const auto start = bounds.first;
    const auto reset = bounds.second;
    std::lock_guard lock(mutex_);
    // Forget finished windows now and then, so that a scan of many IPs cannot grow the map forever.
    if (now - last_sweep_ >= window) {
        std::erase_if(counters_, [&](const auto& kv) { return kv.second.window_start < start; });
        last_sweep_ = now;
    }
    auto& c = counters_[std::string(key)];
    if (c.window_start != start) c = counter{start, 0};
    ++c.count;
    return rate_decision{c.count <= limit, limit, std::max(0, limit - c.count), reset, false};
}

}  // namespace authd::ratelimit
