#pragma once
#include <cstddef>
#include <memory>

#include "adapters/http/message.hpp"
#include "adapters/http/router.hpp"
#include "adapters/http/work_pool.hpp"
#include "core/sessions/token_service.hpp"

namespace authd::http {

struct pipeline_options {
    std::size_t worker_threads = 8;   ///< blocking work: database calls
    std::size_t worker_queue = 4096;
    std::size_t hashing_threads = 2;  ///< slow work: password hashing
    std::size_t hashing_queue = 64;
    bool hsts = false;
};

/// Everything around a handler: request id, routing (404/405), Content-Type
/// (415), authentication and roles (401/403), the pool that runs it (503 when
/// full), errors (500/503 without internals), security headers, access log.
class pipeline {
public:
    pipeline(router routes, token_service& tokens, pipeline_options options);
    ~pipeline();

    /// The server's handler.
    void handle(request req, std::function<void(response)> respond);
    /// The server's answer to a request it could not parse (400, 413, 431).
    response protocol_error(int status, const std::string& remote_ip);
    /// Lets queued work finish and stops the pools.
    void stop();

private:
    response run(request& req, const route& r);
    void finish(const request& req, std::string_view route_pattern, response& res,
                std::chrono::steady_clock::time_point started);

    router routes_;
    token_service& tokens_;
    pipeline_options options_;
    work_pool workers_;
    work_pool hashing_;
};

}  // namespace authd::http
