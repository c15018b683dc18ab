#pragma once
#include <cstddef>
#include <memory>

#include "adapters/http/message.hpp"
#include "adapters/http/metrics.hpp"
#include "adapters/http/router.hpp"
#include "adapters/http/trusted_proxies.hpp"
#include "adapters/http/work_pool.hpp"
#include "core/ports/clock.hpp"
#include "core/ports/rate_limiter.hpp"
#include "core/sessions/token_service.hpp"

namespace authd::http {

struct pipeline_options {
    std::size_t worker_threads = 8;  ///< blocking work: database calls
    std::size_t worker_queue = 4096;
    std::size_t hashing_threads = 2;  ///< slow work: password hashing
    std::size_t hashing_queue = 64;
    int hashing_niceness = 0;                  ///< added to the hashing threads' nice value (HASHING_NICE)
    std::size_t queued_body_bytes = 64 << 20;  ///< request bodies waiting in each pool, at most
    bool hsts = false;
    int rate_limit_per_minute = 100;     ///< per user when signed in, else per IP; 0 = off
    int auth_rate_limit_per_minute = 5;  ///< credential routes, per IP; 0 = off
    std::vector<std::string> cors_origins = {};
    trusted_proxies proxies = {};  ///< TRUSTED_PROXIES: whose X-Forwarded-For names the client
};

/// Everything around a handler: request id, CORS, routing (404/405), Content-Type
/// (415), authentication and roles (401/403), rate limits (429), the pool that
/// runs it (503 when full), errors (500/503 without internals), security
/// headers, metrics, access log.
class pipeline {
public:
    pipeline(router routes, token_service& tokens, rate_limiter& limits, metrics& stats, const clock& clk,
             pipeline_options options);
    ~pipeline();

    /// The server's handler.
    void handle(request req, std::function<void(response)> respond);
    /// The server's answer to a request it could not parse (400, 413, 431) or decode (501), or its last-resort
    /// 500.
    response protocol_error(int status, const std::string& remote_ip);
    /// Lets queued work finish and stops the pools.
    void stop();
    /// The route table it serves.
    const router& routes() const { return routes_; }

private:
    /// What admission learnt on the network thread, handed to the worker that runs the request.
    struct admission {
        std::optional<access_claims> claims;     ///< a valid token's, on authenticated routes
        std::vector<header> limit_headers;       ///< RateLimit-* to add to the response
        std::optional<verified_token> verified;  ///< what the quick handler verified and left (exchange::verified)
        /// The quick path looked the session up in memory and missed: the worker reads the database at once. (A
        /// session found live is looked up again on the worker: a logout may have ended it while the request waited.)
        bool session_not_in_memory = false;
    };
    /// Decided before the request takes a queue slot: 401 for a missing or invalid token, 429 over a limit.
    std::optional<response> admit(const request& req, const route& r, admission& admitted);
    /// The route's answer on the calling thread, with the RateLimit-* headers the request counted for.
    response run(request& req, const route& r, admission admitted);
    /// The route's answer: the caller's session and permission checked, the body parsed, the handler run.
    response handled(request& req, const route& r, admission& admitted);
    /// The route's quick handler on the network thread: its answer, or nothing to go on to the pool.
    std::optional<response> run_quick(request& req, const route& r, admission& admitted);
    /// 429, or nothing when the request is within its limits; sets the RateLimit-* headers to add.
    /// `subject`: the signed-in caller, counted per user; null counts the client's address.
    std::optional<response> check_limits(const request& req, const route& r, const std::string* subject,
                                         std::vector<header>& headers);
    response preflight(request& req);
    /// `r`: the matched route, or null (unrouted requests, protocol errors).
    void finish(const request& req, const route* r, response& res, std::chrono::steady_clock::time_point started);

    router routes_;
    token_service& tokens_;
    rate_limiter& limits_;
    metrics& metrics_;
    const clock& clock_;
    pipeline_options options_;
    work_pool workers_;
    work_pool hashing_;
};

}  // namespace authd::http
