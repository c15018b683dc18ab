#include "adapters/redis/redis_connection.hpp"

#include <hiredis/hiredis.h>

#include <stdexcept>
#include <vector>

namespace authd::redis {

connection::connection(const redis_url& url, std::chrono::milliseconds timeout) {
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(timeout).count();
    const timeval tv{static_cast<time_t>(micros / 1000000), static_cast<suseconds_t>(micros % 1000000)};
    ctx_ = redisConnectWithTimeout(url.host.c_str(), url.port, tv);
    if (!ctx_ || ctx_->err) {
        if (ctx_) redisFree(ctx_);
        throw std::runtime_error("redis: cannot connect to " + url.host + ":" + std::to_string(url.port));
    }
    try {
        redisSetTimeout(ctx_, tv);
        if (!url.password.empty()) {
            std::vector<const char*> argv{"AUTH"};
            std::vector<std::size_t> lens{4};
            if (!url.user.empty()) {
                argv.push_back(url.user.c_str());
                lens.push_back(url.user.size());
            }
            argv.push_back(url.password.c_str());
            lens.push_back(url.password.size());
            command(static_cast<int>(argv.size()), argv.data(), lens.data());
        }
        if (url.db != 0) {
            const std::string db = std::to_string(url.db);
            const char* argv[] = {"SELECT", db.c_str()};
            const std::size_t lens[] = {6, db.size()};
            command(2, argv, lens);
        }
    } catch (...) {
        redisFree(ctx_);
        throw;
    }
}

connection::~connection() { redisFree(ctx_); }

void connection::command(int argc, const char** argv, const std::size_t* lens) {
    auto* reply = static_cast<redisReply*>(redisCommandArgv(ctx_, argc, argv, lens));
    if (!reply) throw std::runtime_error(std::string("redis: ") + (ctx_->errstr[0] ? ctx_->errstr : "no reply"));
    const bool error = reply->type == REDIS_REPLY_ERROR;
    // The reply's text names the command's problem (WRONGPASS, NOAUTH…), never an argument.
    const std::string text = error ? std::string(reply->str, reply->len) : std::string();
    freeReplyObject(reply);
    if (error) throw std::runtime_error("redis: " + text);
}

}  // namespace authd::redis
