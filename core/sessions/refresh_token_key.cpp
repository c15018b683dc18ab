#include "core/sessions/refresh_token_key.hpp"

#include <algorithm>
#include <cstdint>

#include "core/common/random_values.hpp"

namespace authd {
namespace {

constexpr std::size_t prefix_digits = 10;
constexpr std::size_t random_chars = 43;  // base64url of 32 bytes, unpadded
constexpr std::size_t key_chars = 64;     // what every schema's token_hash column holds

bool lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

}  // namespace

std::string new_refresh_token(random_source& rng, time_point issued) {
    static constexpr char digits[] = "0123456789abcdef";
    auto unix_seconds = static_cast<std::uint64_t>(std::max<std::int64_t>(issued.time_since_epoch().count(), 0));
    std::string token(prefix_digits, '0');
    for (std::size_t i = prefix_digits; i-- > 0; unix_seconds >>= 4) token[i] = digits[unix_seconds & 0xf];
    token += random_token(rng, 32);
    return token;
}

std::string refresh_token_key(secret_digest& digest, std::string_view token) {
    std::string hash = digest.sha256_hex(token);
    const bool prefixed = token.size() == prefix_digits + random_chars &&
                          std::all_of(token.begin(), token.begin() + prefix_digits, lower_hex);
    if (!prefixed) return hash;
    std::string key(token.substr(0, prefix_digits));
    key.append(hash, 0, key_chars - prefix_digits);
    return key;
}

}  // namespace authd
