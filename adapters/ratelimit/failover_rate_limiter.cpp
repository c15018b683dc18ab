#include "adapters/ratelimit/failover_rate_limiter.hpp"

namespace authd::ratelimit {

failover_rate_limiter::failover_rate_limiter(std::unique_ptr<rate_limiter> shared, std::unique_ptr<rate_limiter> local,
                                             std::function<void(bool)> on_switch)
    : shared_(std::move(shared)), local_(std::move(local)), on_switch_(std::move(on_switch)) {}

rate_decision failover_rate_limiter::hit(std::string_view key, int limit, seconds window, time_point now) {
    auto decision = shared_->hit(key, limit, window, now);
    const bool up = !decision.degraded;
    // exchange(): of several threads seeing the same change, exactly one reports it.
    if (shared_up_.exchange(up) != up && on_switch_) on_switch_(up);
    return up ? decision : local_->hit(key, limit, window, now);
}

}  // namespace authd::ratelimit
