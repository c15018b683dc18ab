#include "adapters/redis/redis_publisher.hpp"

#include <chrono>

namespace authd::redis {

redis_publisher::redis_publisher(redis_url url, std::string stream)
    : url_(std::move(url)), stream_(std::move(stream)) {}
redis_publisher::~redis_publisher() = default;

void redis_publisher::publish(const outbox_message& m) {
    std::lock_guard lock(mutex_);
    if (!conn_) conn_ = std::make_unique<connection>(url_, std::chrono::seconds{2});
    const std::string id = std::to_string(m.id);
    const char* argv[] = {"XADD",
                          stream_.c_str(),
                          "*",
                          "outbox_id",
                          id.c_str(),
                          "aggregate_type",
                          m.aggregate_type.c_str(),
                          "aggregate_id",
                          m.aggregate_id.c_str(),
                          "event_type",
                          m.event_type.c_str(),
                          "payload",
                          m.payload.c_str()};
    const size_t lens[] = {4,
                           stream_.size(),
                           1,
                           9,
                           id.size(),
                           14,
                           m.aggregate_type.size(),
                           12,
                           m.aggregate_id.size(),
                           10,
                           m.event_type.size(),
                           7,
                           m.payload.size()};
    try {
        conn_->command(13, argv, lens);
    } catch (...) {
        conn_.reset();  // the next publish reconnects
        throw;
    }
}

}  // namespace authd::redis
