#include "adapters/redis/redis_publisher.hpp"

#include <hiredis/hiredis.h>

#include <stdexcept>

namespace authd::redis {

struct redis_publisher::connection {
    redisContext* ctx = nullptr;
    ~connection() {
        if (ctx) redisFree(ctx);
    }
};

namespace {
/// Runs one command; throws (and so drops the connection) on any error reply.
void command(redisContext* ctx, int argc, const char** argv, const size_t* lens) {
    auto* reply = static_cast<redisReply*>(redisCommandArgv(ctx, argc, argv, lens));
    if (!reply) throw std::runtime_error(std::string("redis: ") + (ctx->errstr[0] ? ctx->errstr : "no reply"));
    const bool error = reply->type == REDIS_REPLY_ERROR;
    const std::string text = error ? std::string(reply->str, reply->len) : std::string();
    freeReplyObject(reply);
    if (error) throw std::runtime_error("redis: " + text);
}
}  // namespace

redis_publisher::redis_publisher(redis_url url, std::string stream) : url_(std::move(url)), stream_(std::move(stream)) {}
redis_publisher::~redis_publisher() = default;

void redis_publisher::connect() {
    auto c = std::make_unique<connection>();
    const timeval timeout{2, 0};
    c->ctx = redisConnectWithTimeout(url_.host.c_str(), url_.port, timeout);
    if (!c->ctx || c->ctx->err) throw std::runtime_error("redis: cannot connect to " + url_.host + ":" + std::to_string(url_.port));
    redisSetTimeout(c->ctx, timeout);
    if (!url_.password.empty()) {
        const char* argv[] = {"AUTH", url_.password.c_str()};
        const size_t lens[] = {4, url_.password.size()};
        command(c->ctx, 2, argv, lens);
    }
    if (url_.db != 0) {
        const std::string db = std::to_string(url_.db);
        const char* argv[] = {"SELECT", db.c_str()};
        const size_t lens[] = {6, db.size()};
        command(c->ctx, 2, argv, lens);
    }
    conn_ = std::move(c);
}

void redis_publisher::publish(const outbox_message& m) {
    std::lock_guard lock(mutex_);
    if (!conn_) connect();
    const std::string id = std::to_string(m.id);
    const char* argv[] = {"XADD",          stream_.c_str(),         "*",
                          "outbox_id",     id.c_str(),              "aggregate_type",
                          m.aggregate_type.c_str(), "aggregate_id", m.aggregate_id.c_str(),
                          "event_type",    m.event_type.c_str(),    "payload",
                          m.payload.c_str()};
    const size_t lens[] = {4, stream_.size(), 1, 9, id.size(), 14, m.aggregate_type.size(), 12,
                           m.aggregate_id.size(), 10, m.event_type.size(), 7, m.payload.size()};
    try {
        command(conn_->ctx, 13, argv, lens);
    } catch (...) {
        conn_.reset();  // the next publish reconnects
        throw;
    }
}

}  // namespace authd::redis
