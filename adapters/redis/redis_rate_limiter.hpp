#pragma once
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>

#include "adapters/redis/redis_url.hpp"
#include "core/ports/rate_limiter.hpp"

namespace authd::redis {

/// Fixed-window counters in Redis (INCR + EXPIRE), so that every instance shares
/// one budget. When Redis cannot be reached it fails open: the request is
/// allowed uncounted, and health() says "unavailable" until Redis answers again.
class redis_rate_limiter final : public rate_limiter {
public:
    /// After a failure, reconnection is tried at most once per `retry_after`, so that a dead Redis
    /// does not cost every request a connect timeout.
    explicit redis_rate_limiter(redis_url url, std::chrono::milliseconds retry_after = std::chrono::seconds{1});
    ~redis_rate_limiter() override;
    rate_decision hit(std::string_view key, int limit, seconds window, time_point now) override;
    std::string_view health() const override { return up_ ? "ok" : "unavailable"; }

private:
    struct connection;
    redis_url url_;
    std::mutex mutex_;  ///< one connection, one request at a time: INCR is fast
    std::unique_ptr<connection> conn_;
    std::atomic<bool> up_{true};
    std::chrono::milliseconds retry_after_;
    std::chrono::steady_clock::time_point retry_at_{};
};

}  // namespace authd::redis
