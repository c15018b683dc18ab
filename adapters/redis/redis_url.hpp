#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace authd::redis {

/// redis://[:password@]host[:port][/db]
struct redis_url {
    std::string host;
    int port = 6379;
    std::string password;
    int db = 0;
    static std::optional<redis_url> parse(std::string_view url);
};

}  // namespace authd::redis
