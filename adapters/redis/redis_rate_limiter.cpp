#include "adapters/redis/redis_rate_limiter.hpp"

#include <hiredis/hiredis.h>

#include <chrono>
#include <stdexcept>
#include <string>

namespace authd::redis {

struct redis_rate_limiter::connection {
    redisContext* ctx = nullptr;
    ~connection() {
        if (ctx) redisFree(ctx);
    }
};

redis_rate_limiter::redis_rate_limiter(redis_url url, std::chrono::milliseconds retry_after)
    : url_(std::move(url)), retry_after_(retry_after) {}
redis_rate_limiter::~redis_rate_limiter() = default;

rate_decision redis_rate_limiter::hit(std::string_view key, int limit, seconds window, time_point now) {
    const auto [start, reset] = window_of(now, window);
    const rate_decision open{true, limit, limit, reset, true};
    std::lock_guard lock(mutex_);
    if (!conn_ && std::chrono::steady_clock::now() < retry_at_) return open;
    try {
        if (!conn_) {
            auto c = std::make_unique<connection>();
            const timeval timeout{0, 200'000};
            c->ctx = redisConnectWithTimeout(url_.host.c_str(), url_.port, timeout);
            if (!c->ctx || c->ctx->err) throw std::runtime_error("connect");
            redisSetTimeout(c->ctx, timeout);
            if (!url_.password.empty()) {
                auto* r = static_cast<redisReply*>(redisCommand(c->ctx, "AUTH %s", url_.password.c_str()));
                const bool ok = r && r->type != REDIS_REPLY_ERROR;
                if (r) freeReplyObject(r);
                if (!ok) throw std::runtime_error("auth");
            }
            if (url_.db != 0) {
                auto* r = static_cast<redisReply*>(redisCommand(c->ctx, "SELECT %d", url_.db));
                if (r) freeReplyObject(r);
            }
            conn_ = std::move(c);
        }
        const std::string k = "authd:rl:" + std::string(key) + ":" + std::to_string(start.time_since_epoch().count());
        // INCR and EXPIRE in one round trip; the key dies with its window.
        redisAppendCommand(conn_->ctx, "INCR %b", k.data(), k.size());
        redisAppendCommand(conn_->ctx, "EXPIRE %b %d", k.data(), k.size(), static_cast<int>(window.count()) + 1);
        void* raw = nullptr;
        if (redisGetReply(conn_->ctx, &raw) != REDIS_OK || !raw) throw std::runtime_error("incr");
        auto* incr = static_cast<redisReply*>(raw);
        const long long count = incr->type == REDIS_REPLY_INTEGER ? incr->integer : -1;
        freeReplyObject(incr);
        if (redisGetReply(conn_->ctx, &raw) != REDIS_OK || !raw) throw std::runtime_error("expire");
        freeReplyObject(raw);
        if (count < 0) throw std::runtime_error("reply");
        up_ = true;
        return rate_decision{count <= limit, limit, static_cast<int>(std::max<long long>(0, limit - count)), reset, false};
    } catch (const std::exception&) {
        conn_.reset();
        up_ = false;
        retry_at_ = std::chrono::steady_clock::now() + retry_after_;
        return open;
    }
}

}  // namespace authd::redis
