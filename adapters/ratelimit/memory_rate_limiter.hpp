#pragma once
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/ports/rate_limiter.hpp"

namespace authd::ratelimit {

/// Fixed-window counters in this process (the default: one instance, no Redis).
class memory_rate_limiter final : public rate_limiter {
public:
    rate_decision hit(std::string_view key, int limit, seconds window, time_point now) override;
    std::string_view health() const override { return "ok"; }

private:
    struct counter {
        time_point window_start{};
        int count = 0;
    };
    std::mutex mutex_;
    std::unordered_map<std::string, counter> counters_;
    time_point last_sweep_{};
};

}  // namespace authd::ratelimit
