#pragma once
#include <string>
#include <string_view>

#include "core/ports/hmac_sha1.hpp"
#include "core/ports/secret_digest.hpp"

namespace authd::crypto {

/// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

/// HMAC-SHA256 of `data` under `key`: the raw 32-byte MAC, not hex.
std::string hmac_sha256(std::string_view key, std::string_view data);

/// The secret_digest port on OpenSSL. Tokens at rest only need a plain hash:
/// they carry 256 random bits, so there is nothing for a slow hash to protect.
class openssl_digest final : public authd::secret_digest {
public:
    /// `key` keys keyed_hex(); derived from DB_ENCRYPTION_KEY by the composition root.
    explicit openssl_digest(std::string key) : key_(std::move(key)) {}
    std::string sha256_hex(std::string_view secret) override;
    std::string keyed_hex(std::string_view secret) override;

private:
    std::string key_;
};

/// HMAC-SHA-1 for TOTP (the hmac_sha1 port).
class openssl_hmac_sha1 final : public authd::hmac_sha1 {
public:
    std::string sign(std::string_view key, std::string_view message) override;
};

}  // namespace authd::crypto
