#pragma once
// One Redis connection (hiredis), opened the one way every Redis adapter of authd opens it.
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "adapters/redis/redis_url.hpp"

struct redisContext;

namespace authd::redis {

class connection {
public:
    /// Connects, authenticates (AUTH password, or AUTH user password for an ACL user) and selects the URL's
    /// database. Throws std::runtime_error if any step fails: a connection that could not SELECT would write into
    /// another database.
    connection(const redis_url& url, std::chrono::milliseconds timeout);
    ~connection();
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    /// Runs one command; throws std::runtime_error on an I/O failure or an error reply (the connection is then no
    /// longer to be used).
    void command(int argc, const char** argv, const std::size_t* lens);
    redisContext* context() noexcept { return ctx_; }

private:
    redisContext* ctx_ = nullptr;
};

}  // namespace authd::redis
