#pragma once
#include <atomic>
#include <functional>
#include <memory>

#include "core/ports/rate_limiter.hpp"

namespace authd::ratelimit {

/// A shared limiter (Redis) with an in-process one behind it: while the shared store cannot be reached, requests are
/// counted here, per instance, instead of not at all. health() is the shared store's, so /health says "degraded"
/// meanwhile. `on_switch(shared_up)` is called once on each change, to log it.
class failover_rate_limiter final : public rate_limiter {
public:
    failover_rate_limiter(std::unique_ptr<rate_limiter> shared, std::unique_ptr<rate_limiter> local,
                          std::function<void(bool shared_up)> on_switch);
    rate_decision hit(std::string_view key, int limit, seconds window, time_point now) override;
    std::string_view health() const override { return shared_->health(); }

private:
    std::unique_ptr<rate_limiter> shared_;
    std::unique_ptr<rate_limiter> local_;
    std::function<void(bool)> on_switch_;
    std::atomic<bool> shared_up_{true};
};

}  // namespace authd::ratelimit
