#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace authd {

/// Base64url without padding (RFC 4648 section 5), as JWTs and opaque tokens use.
std::string base64url_encode(std::span<const std::uint8_t> in);
inline std::string base64url_encode(std::string_view s) {
    return base64url_encode({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()});
}
/// Decodes base64url; padding is refused, as JWS compact serialization has none.
std::optional<std::string> base64url_decode(std::string_view in);

/// Base32 (RFC 4648 section 6) without padding, upper-case: how authenticator apps take TOTP secrets.
std::string base32_encode(std::span<const std::uint8_t> in);
inline std::string base32_encode(std::string_view s) {
    return base32_encode({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()});
}

std::string hex_encode(std::span<const std::uint8_t> bytes);

/// Whether `given` equals `expected` (a secret, or a digest of one), in time that depends only on `expected`'s
/// length: neither where they differ nor how long the secret is can be timed by whoever chooses `given`.
bool constant_time_equal(std::string_view expected, std::string_view given) noexcept;

/// Text made safe inside HTML: & < > " and ' as character references.
std::string html_escaped(std::string_view text);

}  // namespace authd
