#pragma once
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#include "adapters/redis/redis_connection.hpp"
#include "adapters/redis/redis_url.hpp"
#include "core/ports/rate_limiter.hpp"

namespace authd::redis {

/// Fixed-window counters in Redis (INCR + EXPIRE), so that every instance shares one budget. When Redis cannot be
/// reached the decision comes back `degraded` (allowed, uncounted) and health() says "unavailable" until Redis
/// answers again; ratelimit::failover_rate_limiter then counts in the process instead.
/// Calls run in parallel, each on a connection of its own from a small pool, so that one slow round trip does not
/// hold up every other request.
class redis_rate_limiter final : public rate_limiter {
public:
    /// After a failure, reconnection is tried at most once per `retry_after`, so that a dead Redis
    /// does not cost every request a connect timeout.
    explicit redis_rate_limiter(redis_url url, std::chrono::milliseconds retry_after = std::chrono::seconds{1});
    ~redis_rate_limiter() override;
    rate_decision hit(std::string_view key, int limit, seconds window, time_point now) override;
    std::string_view health() const override { return up_ ? "ok" : "unavailable"; }

private:
    /// An idle connection, or a new one; null while a reconnection must wait; throws when Redis cannot be reached.
    std::unique_ptr<connection> checkout();
    void give_back(std::unique_ptr<connection> c);

    redis_url url_;
    std::chrono::milliseconds retry_after_;
    std::mutex mutex_;  ///< guards idle_ and retry_at_, never held during a round trip
    std::vector<std::unique_ptr<connection>> idle_;
    std::chrono::steady_clock::time_point retry_at_{};
    std::atomic<bool> up_{true};
};

}  // namespace authd::redis
