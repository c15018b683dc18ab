#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace authd::redis {

/// redis://[[user]:password@]host[:port][/db]. A userinfo without a colon is a password (the form older
/// set-ups use); with a user name, AUTH names it (Redis 6 ACL users).
struct redis_url {
    std::string host;
    int port = 6379;
    std::string user;
    std::string password;
    int db = 0;
    static std::optional<redis_url> parse(std::string_view url);
};

}  // namespace authd::redis
