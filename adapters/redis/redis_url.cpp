#include "adapters/redis/redis_url.hpp"

#include <charconv>

namespace authd::redis {
namespace {
bool to_int(std::string_view s, int& out) {
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && ptr == s.data() + s.size();
}
}  // namespace

std::optional<redis_url> redis_url::parse(std::string_view url) {
    constexpr std::string_view scheme = "redis://";
    if (url.substr(0, scheme.size()) != scheme) return std::nullopt;
    url.remove_prefix(scheme.size());
    redis_url out;
    if (const auto at = url.rfind('@'); at != std::string_view::npos) {
        auto userinfo = url.substr(0, at);
        if (const auto colon = userinfo.find(':'); colon != std::string_view::npos) {
            out.user = std::string(userinfo.substr(0, colon));
            userinfo.remove_prefix(colon + 1);
        }
        out.password = std::string(userinfo);
        url.remove_prefix(at + 1);
    }
    if (const auto slash = url.find('/'); slash != std::string_view::npos) {
        const auto db = url.substr(slash + 1);
        if (!db.empty() && (!to_int(db, out.db) || out.db < 0)) return std::nullopt;
        url = url.substr(0, slash);
    }
    if (const auto colon = url.rfind(':'); colon != std::string_view::npos) {
        if (!to_int(url.substr(colon + 1), out.port) || out.port <= 0 || out.port > 65535) return std::nullopt;
        url = url.substr(0, colon);
    }
    if (url.empty()) return std::nullopt;
    out.host = std::string(url);
    return out;
}

}  // namespace authd::redis
