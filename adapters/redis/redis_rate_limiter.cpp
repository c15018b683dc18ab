#include "adapters/redis/redis_rate_limiter.hpp"

#include <hiredis/hiredis.h>

#include <stdexcept>
#include <string>

namespace authd::redis {
namespace {
constexpr std::chrono::milliseconds round_trip_timeout{200};
constexpr std::size_t max_idle = 16;  // more than the network threads that call hit()

struct reply_deleter {
    void operator()(void* r) const { freeReplyObject(r); }
};
using reply_ptr = std::unique_ptr<redisReply, reply_deleter>;

reply_ptr next_reply(redisContext* ctx) {
    void* raw = nullptr;
    if (redisGetReply(ctx, &raw) != REDIS_OK || !raw) throw std::runtime_error("redis: no reply");
    return reply_ptr(static_cast<redisReply*>(raw));
}
}  // namespace

redis_rate_limiter::redis_rate_limiter(redis_url url, std::chrono::milliseconds retry_after)
    : url_(std::move(url)), retry_after_(retry_after) {}
redis_rate_limiter::~redis_rate_limiter() = default;

std::unique_ptr<connection> redis_rate_limiter::checkout() {
    {
        std::lock_guard lock(mutex_);
        if (!idle_.empty()) {
            auto c = std::move(idle_.back());
            idle_.pop_back();
            return c;
        }
        if (!up_ && std::chrono::steady_clock::now() < retry_at_) return nullptr;  // not yet time to try again
    }
    return std::make_unique<connection>(url_, round_trip_timeout);
}

void redis_rate_limiter::give_back(std::unique_ptr<connection> c) {
    std::lock_guard lock(mutex_);
    if (idle_.size() < max_idle) idle_.push_back(std::move(c));
}

rate_decision redis_rate_limiter::hit(std::string_view key, int limit, seconds window, time_point now) {
    const auto [start, reset] = window_of(now, window);
    const rate_decision open{true, limit, limit, reset, true};
    try {
        auto c = checkout();
        if (!c) return open;
        const std::string k = "authd:rl:" + std::string(key) + ":" + std::to_string(start.time_since_epoch().count());
        // INCR and EXPIRE in one round trip; the key dies with its window.
        redisAppendCommand(c->context(), "INCR %b", k.data(), k.size());
        redisAppendCommand(c->context(), "EXPIRE %b %d", k.data(), k.size(), static_cast<int>(window.count()) + 1);
        const auto incr = next_reply(c->context());
        next_reply(c->context());
        if (incr->type != REDIS_REPLY_INTEGER) throw std::runtime_error("redis: INCR answered no integer");
        const long long count = incr->integer;
        give_back(std::move(c));
        up_ = true;
        return rate_decision{count <= limit, limit, static_cast<int>(std::max<long long>(0, limit - count)), reset,
                             false};
    } catch (const std::exception&) {
        std::lock_guard lock(mutex_);
        idle_.clear();  // the others were opened to the same server: do not trust them either
        up_ = false;
        retry_at_ = std::chrono::steady_clock::now() + retry_after_;
        return open;
    }
}

}  // namespace authd::redis
