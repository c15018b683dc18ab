#pragma once
#include <memory>
#include <mutex>
#include <string>

#include "adapters/redis/redis_connection.hpp"
#include "adapters/redis/redis_url.hpp"
#include "core/ports/outbox_repository.hpp"

namespace authd::redis {

/// Appends each outbox row to a Redis stream (XADD), so that several
/// consumers can read it. Reconnects on the next publish after a failure.
class redis_publisher final : public outbox_publisher {
public:
    redis_publisher(redis_url url, std::string stream = "authd:outbox");
    ~redis_publisher() override;
    void publish(const outbox_message& m) override;

private:
    redis_url url_;
    std::string stream_;
    std::mutex mutex_;
    std::unique_ptr<connection> conn_;
};

}  // namespace authd::redis
